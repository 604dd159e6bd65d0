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

    /** The first instant a date parameter may name: RFC 3339 (and so OpenAPI's date-time) has years 0001-9999. */
    public static final Instant FIRST_INSTANT = Instant.parse("0001-01-01T00:00:00Z");

    /** The last instant a date parameter may name, and where an end date of 9999-12-31 ends. */
    public static final Instant LAST_INSTANT = Instant.parse("9999-12-31T23:59:59.999999999Z");

    /** A range {@code [from, to)} read from {@code start_date} and {@code end_date}. */
    public record Range(Instant from, Instant to) {}

    /**
     * The range of {@code start_date} and {@code end_date} (either absent: null), as the
     * statistics endpoints read it: a date end is inclusive ({@link #dateOrDateTime}); an open end
     * is {@code now} (or the start, if that is later); an open start is the epoch or, with a
     * {@code defaultSpan}, that long before the end (not before {@link #FIRST_INSTANT}).
     *
     * @throws ApiError 400 naming the parameter if a date is malformed or the end is before the start
     */
    public static Range range(String startDate, String endDate, Instant now, java.time.Duration defaultSpan) {
        Instant from = dateOrDateTime("start_date", startDate, false);
        Instant to = dateOrDateTime("end_date", endDate, true);
        Instant toAsGiven = dateOrDateTime("end_date", endDate, false);
        if (from != null && toAsGiven != null && toAsGiven.isBefore(from)) {
            throw ApiError.badParameter("end_date", "end_date is before start_date");
        }
        Instant start;
        Instant end;
        if (from == null && defaultSpan != null) {
            end = to == null ? now : to;
            Instant back = end.minus(defaultSpan);
            start = back.isBefore(FIRST_INSTANT) ? FIRST_INSTANT : back;
        } else {
            start = from == null ? Instant.EPOCH : from;
            end = to == null ? (now.isBefore(start) ? start : now) : to;
        }
        if (end.isBefore(start)) {
            throw ApiError.badParameter("end_date", "end_date is before start_date");
        }
        return new Range(start, end);
    }

    /**
     * An ISO-8601 date ({@code 2024-01-15}) or date-time ({@code 2024-01-15T10:00:00Z}, an offset
     * or none, meaning UTC). A date is the start of that day in UTC, or with {@code endOfDay} the
     * start of the next day (an inclusive end date); the end of 9999-12-31, which has no next day
     * in four-digit years, is {@link #LAST_INSTANT}, so "until forever" reads as that day.
     *
     * @throws ApiError 400 naming the parameter if it is malformed or outside years 0001-9999 (UTC)
     */
    public static Instant dateOrDateTime(String name, String value, boolean endOfDay) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        if (v.length() > 40) {
            throw badDate(name, value);
        }
        Instant at;
        try {
            if (v.length() == 10) {
                LocalDate d = LocalDate.parse(v);
                at = (endOfDay ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant();
                if (endOfDay && at.equals(LAST_INSTANT.plusNanos(1))) {
                    return LAST_INSTANT;
                }
            } else {
                try {
                    at = OffsetDateTime.parse(v).toInstant();
                } catch (DateTimeParseException e) {
                    at = LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
                }
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            throw badDate(name, value);
        }
        if (at.isBefore(FIRST_INSTANT) || at.isAfter(LAST_INSTANT)) {
            throw ApiError.badParameter(name, name + " must lie between 0001-01-01 and 9999-12-31 (UTC), was '"
                    + Router.truncate(value) + "'");
        }
        return at;
    }

    private static ApiError badDate(String name, String value) {
        return ApiError.badParameter(name, name + " must be an ISO-8601 date (2024-01-15) or date-time "
                + "(2024-01-15T10:00:00Z), was '" + Router.truncate(value) + "'");
    }
}
