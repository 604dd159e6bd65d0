/**
 * Implementation details of metrics-jdbc (public only so the benchmarks can share them): not API,
 * may change in any release without notice.
 */
package dev.runmetrics.jdbc.internal;
