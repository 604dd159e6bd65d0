package dev.runmetrics.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runmetrics.core.internal.UuidV7;
import dev.runmetrics.core.time.Clock;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void anIdOfOneToMaxLengthCharactersIsReturnedAsItIs() {
        assertThat(Ids.require("workflowId", "w")).isEqualTo("w");
        String longest = "x".repeat(Ids.MAX_LENGTH);
        assertThat(Ids.require("workflowId", longest)).isSameAs(longest);
    }

    @Test
    void maxLengthIsTwoHundredCharacters() {
        assertThat(Ids.MAX_LENGTH).isEqualTo(200);
    }

    @Test
    void aNullIdIsANullPointerNamingTheId() {
        assertThatThrownBy(() -> Ids.require("workspaceId", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("workspaceId");
    }

    @Test
    void aBlankIdIsRejectedNamingTheId() {
        assertThatThrownBy(() -> Ids.require("stepId", " \t"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stepId must not be blank");
    }

    @Test
    void anIdLongerThanMaxLengthIsRejectedWithItsLength() {
        assertThatThrownBy(() -> Ids.require("runId", "x".repeat(Ids.MAX_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("runId must be at most 200 characters, was 201");
    }

    @Test
    void theRecordersRunIdsAreCanonical() {
        UuidV7 ids = new UuidV7(Clock.system(), new Random(1));
        for (int i = 0; i < 100; i++) {
            assertThat(Ids.isCanonicalRunId(ids.nextString())).isTrue();
        }
        assertThat(Ids.isCanonicalRunId("01890a5d-ac96-774b-bcce-b302099a8057")).isTrue();
    }

    @Test
    void uppercaseOtherVersionsAndMalformedTextAreNotCanonicalRunIds() {
        assertThat(Ids.isCanonicalRunId(null)).isFalse();
        assertThat(Ids.isCanonicalRunId("")).isFalse();
        assertThat(Ids.isCanonicalRunId("01890A5D-AC96-774B-BCCE-B302099A8057")).isFalse();
        assertThat(Ids.isCanonicalRunId("01890a5d-ac96-474b-bcce-b302099a8057")).as("version 4").isFalse();
        assertThat(Ids.isCanonicalRunId("01890a5d-ac96-774b-7cce-b302099a8057")).as("variant").isFalse();
        assertThat(Ids.isCanonicalRunId("01890a5dac96774bbcceb302099a8057")).as("no dashes").isFalse();
        assertThat(Ids.isCanonicalRunId("01890a5d-ac96-774b-bcce-b302099a80570")).as("too long").isFalse();
    }
}
