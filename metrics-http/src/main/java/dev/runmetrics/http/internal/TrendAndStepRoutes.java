package dev.runmetrics.http.internal;

import dev.runmetrics.core.views.DurationTrendView;
import dev.runmetrics.core.views.StepStatisticsView;
import dev.runmetrics.core.views.TrendGranularity;
import dev.runmetrics.http.internal.Route.Access;
import dev.runmetrics.http.internal.Route.BodyKind;
import dev.runmetrics.http.internal.Route.Param;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The statistics over time and per step: the duration trend
 * ({@code GET /api/v1/statistics/execution-times/trend}) and a workflow's per-step statistics
 * ({@code GET /api/v1/statistics/steps}). Their ranges read {@code start_date} and
 * {@code end_date} as the execution-time statistics do ({@link Params#dateOrDateTime}); only the
 * trend's default start differs (a week before the end, not the epoch: a trend since 1970 is not
 * one anybody reads). Registered by {@link ApiRoutes} when views are configured. Thread-safe: its
 * handlers keep no state.
 */
final class TrendAndStepRoutes {

    /** How far back the trend reaches when no start_date is given. */
    static final Duration DEFAULT_TREND_SPAN = Duration.ofDays(7);

    private static final Param WORKFLOW_FILTER = new Param("query", "workflow_id", "string", false,
            "Only this workflow (default: all).");
    private static final Param START = new Param("query", "start_date", "string", false,
            "ISO-8601 date or date-time, inclusive (UTC if no offset).");
    private static final Param END = new Param("query", "end_date", "string", false,
            "ISO-8601 date (inclusive day) or date-time (exclusive); default now.");

    private final ApiRoutes.Services s;

    TrendAndStepRoutes(ApiRoutes.Services services) {
        this.s = services;
    }

    List<Route> routes() {
        return List.of(
                new Route("GET", "/api/v1/statistics/execution-times/trend", Access.VIEWER, true, true, BodyKind.NONE,
                        this::trend, ApiRoutes.doc("How execution times change: per UTC hour or day of the range, the "
                                + "runs that ended (count, failed) and the median and p95 of their execution times "
                                + "(ms), from the rollups (within 1/1024). Every bucket of the range is listed, empty "
                                + "ones with count 0 and null percentiles; at most " + DurationTrendView.MAX_BUCKETS
                                + " buckets.", "statistics", List.of(WORKFLOW_FILTER,
                                new Param("query", "start_date", "string", false, "ISO-8601 date or date-time, "
                                        + "inclusive (UTC if no offset); default 7 days before end_date."), END,
                                new Param("query", "bucket", "string", false, "hour or day; default hour for a range"
                                        + " of up to 3 days, day beyond.")), 200, 400, 401, 404, 429)),
                new Route("GET", "/api/v1/statistics/steps", Access.VIEWER, true, true, BodyKind.NONE, this::steps,
                        ApiRoutes.doc("Per-step statistics of a workflow across its latest run_limit runs that ended "
                                + "in the range: per step, executions by outcome, failure rate, skipped count, and "
                                + "exact mean, median, p95 and maximum execution time (ms).", "statistics", List.of(
                                new Param("query", "workflow_id", "string", true, "The workflow."), START, END,
                                new Param("query", "run_limit", "integer", false, "How many of the latest runs to "
                                        + "measure, 1 to " + StepStatisticsView.MAX_RUN_LIMIT + " (default "
                                        + StepStatisticsView.DEFAULT_RUN_LIMIT + ").")), 200, 400, 401, 404, 429)));
    }

    /** The range as the execution-time statistics read it, or with a default span when start_date is absent. */
    private Params.Range range(Exchange ex, Duration defaultSpan) {
        return Params.range(ex.query("start_date"), ex.query("end_date"), s.clock().wallTime(), defaultSpan);
    }

    private static String workflowFilter(Exchange ex) {
        String workflow = ex.query("workflow_id");
        return workflow == null ? null : Params.id("workflow_id", workflow);
    }

    private Reply trend(Exchange ex) {
        ApiRoutes.rejectUnknownQuery(ex, "workflow_id", "start_date", "end_date", "bucket");
        String workflow = workflowFilter(ex);
        String bucketText = ex.query("bucket");
        Optional<TrendGranularity> bucket;
        try {
            bucket = bucketText == null ? Optional.empty() : Optional.of(TrendGranularity.parse(bucketText));
        } catch (IllegalArgumentException e) {
            throw ApiError.badParameter("bucket", "bucket must be hour or day, was '" + Router.truncate(bucketText)
                    + "'");
        }
        Params.Range r = range(ex, DEFAULT_TREND_SPAN);
        TrendGranularity granularity = bucket.orElseGet(() -> TrendGranularity.forRange(r.from(), r.to()));
        long buckets = granularity.bucketsIn(r.from(), r.to());
        if (buckets > DurationTrendView.MAX_BUCKETS) {
            throw ApiError.badParameter(bucket.isPresent() ? "bucket" : "start_date", "the range from " + r.from()
                    + " to " + r.to() + " has " + buckets + " " + granularity.wireName() + " buckets; a trend has at "
                    + "most " + DurationTrendView.MAX_BUCKETS + (granularity == TrendGranularity.HOUR
                    ? ": shorten the range or ask for bucket=day" : ": shorten the range"));
        }
        return Reply.snake(200, s.views().durationTrend().trend(ex.workspaceId(), Optional.ofNullable(workflow),
                r.from(), r.to(), Optional.of(granularity)));
    }

    private Reply steps(Exchange ex) {
        ApiRoutes.rejectUnknownQuery(ex, "workflow_id", "start_date", "end_date", "run_limit");
        String workflow = Params.id("workflow_id", ex.query("workflow_id"));
        int runLimit = Params.integer("run_limit", ex.query("run_limit"), StepStatisticsView.DEFAULT_RUN_LIMIT, 1,
                StepStatisticsView.MAX_RUN_LIMIT);
        Params.Range r = range(ex, null);
        return Reply.snake(200, s.views().stepStatistics().steps(ex.workspaceId(), workflow, r.from(), r.to(),
                runLimit));
    }
}
