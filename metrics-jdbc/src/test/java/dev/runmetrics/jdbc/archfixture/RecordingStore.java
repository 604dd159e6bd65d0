package dev.runmetrics.jdbc.archfixture;

import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.RunStore;

/**
 * A planted violation for {@code JdbcArchitectureRuleCanFailTest}: a class in the jdbc module's
 * packages that uses the core's recorder, which a store has no business with.
 */
public final class RecordingStore {

    private RecordingStore() {}

    /** Returns a recorder over {@code store}. */
    public static RunRecorder recorder(RunStore store) {
        return RunRecorder.builder(store).build();
    }
}
