package dev.runmetrics.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The Spring Batch example runs as its README says: the job fails, is resumed, completes as attempt 2. */
class SpringBatchExampleTest {

    @Test
    void theFailedJobIsResumedFromItsFailedStepAndCompletesAsTheSecondAttempt() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            SpringBatchExample.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        original.print(out);
        assertThat(out).contains(" of nightly_report: FAILED at attempt 1 (step transform failed:"
                + " ConnectException: the rates service refused the connection)")
                .contains("  attempt 1  extract  COMPLETED  read 95, filtered 13, written 82")
                .contains("  attempt 1  transform  FAILED  NETWORK")
                .contains("resume from transform: Accepted[")
                .contains(" of nightly_report: COMPLETED at attempt 2")
                .contains("  attempt 2  transform  COMPLETED")
                .contains("  attempt 2  load  COMPLETED")
                .doesNotContain("attempt 2  extract");
    }
}
