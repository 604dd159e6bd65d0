package dev.runmetrics.core.views.overview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TimeframeTest {
    @Test
    void timeframesParseTheirWireNames() {
        assertThat(Timeframe.parse("1h")).isEqualTo(Timeframe.LAST_HOUR);
        assertThat(Timeframe.parse(" 24H ")).isEqualTo(Timeframe.LAST_24_HOURS);
        assertThat(Timeframe.parse("7d")).isEqualTo(Timeframe.LAST_7_DAYS);
        assertThat(Timeframe.parse("30d").wireName()).isEqualTo("30d");
        assertThatThrownBy(() -> Timeframe.parse("2w")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeframe").hasMessageContaining("2w");
    }
}
