package dev.runmetrics.jdbc;

import static dev.runmetrics.core.model.RunFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spill journal's file format, order, bound, durability across reopening, and cleanup. */
class SpillJournalTest {

    /** No syncer interference: tests sync by hand. */
    private static final Duration NEVER = Duration.ofHours(1);

    @TempDir
    Path dir;

    private static byte[] record(int i, int size) {
        byte[] b = new byte[size];
        byte[] text = ("record-" + i + "-").getBytes(StandardCharsets.US_ASCII);
        for (int k = 0; k < size; k++) {
            b[k] = text[k % text.length];
        }
        return b;
    }

    private static List<byte[]> readAll(SpillJournal j) throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (SpillJournal.Batch b = j.read(7); !b.records().isEmpty(); b = j.read(7)) {
            out.addAll(b.records());
            j.commit(b);
        }
        return out;
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("spill-")).sorted().toList();
        }
    }

    @Test
    void recordsAreReadBackInTheOrderTheyWereAppendedAcrossSegments() throws Exception {
        SpillJournal j = new SpillJournal(dir, 1 << 30, 4096, NEVER);
        List<byte[]> appended = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            appended.add(record(i, 10 + i % 90));
            assertThat(j.append(appended.get(i))).isTrue();
            if (i % 50 == 49) {
                j.sync();
            }
        }
        assertThat(segments()).hasSizeGreaterThan(3);
        assertThat(j.backlog()).isEqualTo(500);
        assertThat(readAll(j)).containsExactlyElementsOf(appended);
        assertThat(j.isDrained()).isTrue();
        assertThat(segments()).as("replayed segments are deleted, the one being written stays").hasSize(1);
        assertThat(j.resetIfDrained()).isTrue();
        assertThat(segments()).isEmpty();
        j.close();
    }

    @Test
    void onlyWhatWasSyncedIsReadAndWhatWasNotIsHandedBackOnceCaughtUp() throws Exception {
        SpillJournal j = new SpillJournal(dir, 1 << 30, 1 << 20, NEVER);
        j.append(record(1, 20));
        assertThat(j.read(10).records()).isEmpty();
        j.sync();
        j.append(record(2, 20));
        assertThat(j.takeUnsyncedIfCaughtUp(100)).as("the first is on disk and not yet replayed").isNull();
        SpillJournal.Batch first = j.read(10);
        assertThat(first.records()).containsExactly(record(1, 20));
        j.commit(first);
        assertThat(j.takeUnsyncedIfCaughtUp(0)).as("more than the room given").isNull();
        assertThat(j.takeUnsyncedIfCaughtUp(100)).containsExactly(record(2, 20));
        assertThat(j.isDrained()).isTrue();
        j.close();
        assertThat(segments()).isEmpty();
    }

    @Test
    void whatIsLeftIsRecoveredInOrderByTheNextJournalAndATornTailIsCut() throws Exception {
        SpillJournal j = new SpillJournal(dir, 1 << 30, 2048, NEVER);
        List<byte[]> appended = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            appended.add(record(i, 64));
            j.append(appended.get(i));
            if (i % 10 == 9) {
                j.sync();
            }
        }
        j.commit(j.read(15)); // replayed; the reopened journal may replay some again (idempotent writes)
        j.close();
        // A crash in the middle of a write: half a record at the end of the last segment.
        Path last = segments().get(segments().size() - 1);
        long intact = Files.size(last);
        Files.write(last, new byte[] {0, 0, 0, 64, 1, 2, 3, 4, 5, 6}, StandardOpenOption.APPEND);

        SpillJournal again = new SpillJournal(dir, 1 << 30, 2048, NEVER);
        assertThat(Files.size(last)).isEqualTo(intact);
        List<byte[]> recovered = readAll(again);
        assertThat(again.recovered()).isEqualTo(recovered.size());
        assertThat(recovered.size()).isBetween(100 - 15, 100);
        assertThat(recovered).containsExactlyElementsOf(appended.subList(100 - recovered.size(), 100));
        again.append(record(100, 64));
        again.sync();
        assertThat(again.read(10).records()).containsExactly(record(100, 64));
        again.close();
    }

    @Test
    void theBoundRefusesARecordThatWouldExceedItButNotOneMovedFromMemory() throws Exception {
        SpillJournal j = new SpillJournal(dir, 1 << 20, 64 << 10, NEVER);
        int taken = 0;
        while (j.append(record(taken, 1000))) {
            taken++;
            if (taken % 100 == 0) {
                j.sync();
            }
        }
        assertThat(taken).isBetween(1000, 1048);
        assertThat(j.sizeBytes()).isLessThanOrEqualTo(1 << 20);
        j.appendAnyway(record(-1, 1000));
        assertThat(j.backlog()).isEqualTo(taken + 1);
        j.close();
    }

    @Test
    void aSecondJournalOnTheSameDirectoryIsRefused() {
        SpillJournal j = new SpillJournal(dir, 1 << 30, 1 << 20, NEVER);
        try {
            assertThatThrownBy(() -> new SpillJournal(dir, 1 << 30, 1 << 20, NEVER))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("another runmetrics store");
        } finally {
            j.close();
        }
    }

    @Test
    void aFileThatIsNotASegmentIsRefused() throws Exception {
        Files.writeString(dir.resolve("spill-0000000000000001.log"), "not a journal at all");
        assertThatThrownBy(() -> new SpillJournal(dir, 1 << 30, 1 << 20, NEVER))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not a runmetrics spill segment");
    }

    @Test
    void snapshotsSurviveTheCodecUnchanged() throws Exception {
        Run full = Run.builder().workspaceId("ws-1").runId("r-1").workflowId("wf").workflowName("Workflow \u00e9")
                .executionNumber(7).status(RunStatus.FAILED).attempt(2).queuedAt(T0).startedAt(T0.plusMillis(3))
                .completedAt(T0.plusNanos(123_456_789)).waitedBetweenAttempts(java.time.Duration.ofNanos(1_234_567_000))
                .inputSummary(Map.of("a", 1L, "b", List.of("x", true)))
                .resultsSummary(null).errorMessage("boom").createdAt(T0).updatedAt(T0.plusSeconds(1))
                .instanceId("inst").heartbeatAt(T0.plusSeconds(1)).attributes(Map.of("user_id", "u")).build();
        Run sparse = Run.builder().workspaceId("ws-1").runId("r-2").workflowId("wf").queuedAt(T0).updatedAt(T0)
                .instanceId("inst").build();
        StepRun step = StepRun.builder().workspaceId("ws-1").runId("r-1").stepId("s").stepName("S").stepOrder(2)
                .nodeName("n").attempt(2).status(RunStatus.COMPLETED).queuedAt(T0).startedAt(T0).completedAt(T0)
                .retryCount(1).errorMessage(null).errorCategory("NETWORK").outputSummary(Map.of("rows", 3.5))
                .attributes(Map.of("tokens", 12L)).updatedAt(T0.plusMillis(9)).build();
        for (Object snapshot : List.of(full, sparse, step)) {
            assertThat(SpillCodec.decode(SpillCodec.encode(snapshot))).isEqualTo(snapshot);
        }
        assertThatThrownBy(() -> SpillCodec.decode(new byte[] {'X', 0})).isInstanceOf(IOException.class);
        // A journal written before runs had a wait between attempts: same fields without it.
        byte[] current = SpillCodec.encode(sparse);
        byte[] old = java.util.Arrays.copyOf(current, current.length - Long.BYTES);
        old[0] = SpillCodec.RUN;
        assertThat(SpillCodec.decode(old)).isEqualTo(sparse);
    }
}
