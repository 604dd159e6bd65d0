/**
 * LangGraph4j graphs recorded as runmetrics runs and steps, and resumed from LangGraph4j's own
 * checkpoints: {@link dev.runmetrics.langgraph4j.GraphMetrics} compiles a {@code StateGraph} into a
 * {@link dev.runmetrics.langgraph4j.MeteredGraph} and is the {@code ResumeHandler} for its graphs.
 * The other types of this package are package-private; {@code org.bsc.langgraph4j} is reached
 * through its hooks, except for the parallel branch actions it runs past them.
 */
package dev.runmetrics.langgraph4j;
