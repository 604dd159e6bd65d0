package dev.runmetrics.http.internal;

import dev.runmetrics.core.model.Ids;
import dev.runmetrics.core.model.RunStatus;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Parsing and checking of request parameters; every failure is a 400 naming the parameter. */
public final class Params {

    private Params() {}

    /**
     * An id (workflow, step, workspace): 1 to 200 characters, no control characters.
     *
     * @throws ApiError 400 naming the parameter
     */
    public static String id(String name, String value) {
        if (value == null) {
            throw ApiError.badParameter(name, name + " is required");
        }
        if (value.isBlank()) {
            throw ApiError.badParameter(name, name + " must not be blank");
        }
        if (value.length() > Ids.MAX_LENGTH) {
            throw ApiError.badParameter(name, name + " must be at most " + Ids.MAX_LENGTH + " characters, was "
                    + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw ApiError.badParameter(name, name + " must not contain control characters");
            }
        }
        return value;
    }

    /** An execution (run) id: a canonical lowercase UUID as the recorder makes them. */
    public static String runId(String name, String value) {
        id(name, value);
        if (!Ids.isCanonicalRunId(value)) {
            throw ApiError.badParameter(name, name + " must be a lowercase UUID such as "
                    + "'01890a5d-ac96-774b-bcce-b302099a8057'");
        }
        return value;
    }

    /** A non-negative integer with a default, at most {@code max}. */
    public static int integer(String name, String value, int defaultValue, int min, int max) {
        if (value == null) {
            return defaultValue;
        }
        long n;
        try {
            if (value.isEmpty() || value.length() > 12) {
                throw new NumberFormatException();
            }
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiError.badParameter(name, name + " must be an integer, was '" + Router.truncate(value) + "'");
        }
        if (n < min || n > max) {
            throw ApiError.badParameter(name, name + " must be between " + min + " and " + max + ", was " + n);
        }
        return (int) n;
    }

    /** A status name ({@code pending} means queued). */
    public static RunStatus status(String name, String value) {
        try {
            return RunStatus.parse(value);
        } catch (IllegalArgumentException e) {
            throw ApiError.badParameter(name, "unknown " + name + " '" + Router.truncate(value)
                    + "'; expected one of pending, queued, running, completed, failed, cancelled, timeout, paused, "
                    + "skipped");
        }
    }

    /**
     * An ISO-8601 date ({@code 2024-01-15}) or date-time ({@code 2024-01-15T10:00:00Z}, an offset
     * or none, meaning UTC). A date is the start of that day in UTC, or with {@code endOfDay} the
     * start of the next day (an inclusive end date).
     */
    public static Instant dateOrDateTime(String name, String value, boolean endOfDay) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        if (v.length() > 40) {
            throw badDate(name, value);
        }
        try {
            if (v.length() == 10) {
                LocalDate d = LocalDate.parse(v);
                return (endOfDay ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            try {
                return OffsetDateTime.parse(v).toInstant();
            } catch (DateTimeParseException e) {
                return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            throw badDate(name, value);
        }
    }

    private static ApiError badDate(String name, String value) {
        return ApiError.badParameter(name, name + " must be an ISO-8601 date (2024-01-15) or date-time "
                + "(2024-01-15T10:00:00Z), was '" + Router.truncate(value) + "'");
    }
}
