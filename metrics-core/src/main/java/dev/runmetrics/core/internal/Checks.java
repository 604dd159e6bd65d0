package dev.runmetrics.core.internal;

import java.util.Objects;

/** Argument checks shared by the value types, so every id is validated by one rule. */
public final class Checks {

    /** Longest id accepted anywhere (workspace, workflow, run, step, instance): fits any index. */
    public static final int MAX_ID_LENGTH = 200;

    private Checks() {}

    /**
     * Returns {@code value} if it is a usable id: not null, not blank, at most
     * {@value #MAX_ID_LENGTH} characters.
     *
     * @throws NullPointerException if value is null
     * @throws IllegalArgumentException if it is blank or too long
     */
    public static String id(String name, String value) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        if (value.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException(
                    name + " must be at most " + MAX_ID_LENGTH + " characters, was " + value.length());
        }
        return value;
    }

    /** Like {@link #id} but null is allowed (an optional id such as a filter). */
    public static String optionalId(String name, String value) {
        return value == null ? null : id(name, value);
    }

    /** Throws {@link IllegalArgumentException} unless {@code value >= min}. */
    public static int atLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", was " + value);
        }
        return value;
    }

    /** Throws {@link IllegalArgumentException} unless {@code value >= min}. */
    public static long atLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", was " + value);
        }
        return value;
    }
}
