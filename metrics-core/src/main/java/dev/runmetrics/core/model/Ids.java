package dev.runmetrics.core.model;

import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.internal.UuidV7;
import dev.runmetrics.core.time.Clock;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The rules every id follows (workspace, workflow, run, step, node, instance), as API, so that an
 * adapter rejects a bad id with the same rule the core applies and before it reaches a store.
 *
 * <p>Stateless and thread-safe.
 */
public final class Ids {

    /** Longest id accepted anywhere, in characters: fits any index. */
    public static final int MAX_LENGTH = Checks.MAX_ID_LENGTH;

    private Ids() {}

    /**
     * Returns {@code value} if it is a usable id: not null, not blank, at most {@value #MAX_LENGTH}
     * characters.
     *
     * @param name what the id is, for the exception's message (e.g. {@code "workspaceId"})
     * @throws NullPointerException if value is null
     * @throws IllegalArgumentException if it is blank or longer than {@value #MAX_LENGTH}
     */
    public static String require(String name, String value) {
        return Checks.id(name, value);
    }

    /**
     * Returns whether {@code text} is a run id in the form the recorder makes them: a canonical
     * lowercase UUID of version 7 ({@code 01890a5d-ac96-774b-bcce-b302099a8057}). False for null,
     * for uppercase hex and for other UUID versions.
     */
    public static boolean isCanonicalRunId(String text) {
        return UuidV7.isCanonical(text);
    }

    /**
     * Returns a generator of new ids in that same form (time-ordered UUIDv7 strings, made in the
     * process, strictly increasing within one generator): for the audit entries and runs an
     * orchestrator adapter writes itself. The generator is thread-safe.
     *
     * @throws NullPointerException if clock is null
     */
    public static Supplier<String> generator(Clock clock) {
        UuidV7 ids = new UuidV7(Objects.requireNonNull(clock, "clock"));
        return ids::nextString;
    }
}
