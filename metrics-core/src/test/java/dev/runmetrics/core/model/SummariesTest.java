package dev.runmetrics.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SummariesTest {

    @Test
    void aSummaryThatFitsIsTheValueUnchanged() {
        Map<String, Object> small = Map.of("records", 100L, "mode", "fast");
        assertThat(Summaries.summarize(small, 256)).isEqualTo(small);
        assertThat(Summaries.isTruncated(Summaries.summarize(small, 256))).isFalse();
    }

    @Test
    void aValueThatIsNotAnObjectIsWrappedAsValue() {
        assertThat(Summaries.summarize("ok", 256)).isEqualTo(Map.of("value", "ok"));
        assertThat(Summaries.summarize(null, 256)).isNull();
    }

    @Test
    void aLargeValueIsTruncatedWithAMarkerAndStaysWithinTheBound() {
        String big = "x".repeat(10_000);
        Map<String, Object> summary = Summaries.summarize(Map.of("data", big), 512);

        assertThat(Summaries.isTruncated(summary)).isTrue();
        assertThat(summary.get(Summaries.ORIGINAL_CHARS_KEY)).isEqualTo((long) JsonValues.toJson(Map.of("data", big)).length());
        assertThat((String) summary.get(Summaries.PREVIEW_KEY)).startsWith("{\"data\":\"xxx");
        assertThat(JsonValues.toJson(summary).length()).isLessThanOrEqualTo(512);
    }

    @Test
    void escapingInThePreviewStillRespectsTheBound() {
        String quotes = "\"\\".repeat(5_000) + "\u0001".repeat(1000);
        for (int max : new int[] {128, 129, 500, 2048}) {
            Map<String, Object> summary = Summaries.summarize(Map.of("q", quotes), max);
            assertThat(JsonValues.toJson(summary).length()).as("max %d", max).isLessThanOrEqualTo(max);
            assertThat(Summaries.isTruncated(summary)).isTrue();
        }
    }

    @Test
    void thePreviewNeverSplitsASurrogatePair() {
        String emoji = "\uD83D\uDE00".repeat(2_000);
        for (int max = 128; max < 200; max++) {
            String preview = (String) Summaries.summarize(Map.of("e", emoji), max).get(Summaries.PREVIEW_KEY);
            assertThat(Character.isHighSurrogate(preview.charAt(preview.length() - 1))).as("max %d", max).isFalse();
        }
    }

    @Test
    void aBoundTooSmallForTheMarkerIsRejected() {
        assertThatThrownBy(() -> Summaries.summarize("x", 10)).hasMessageContaining("maxChars must be >= 128");
    }
}
