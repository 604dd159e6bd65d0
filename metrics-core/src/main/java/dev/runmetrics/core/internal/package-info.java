/**
 * Implementation details of metrics-core: not API, may change in any release without notice.
 */
package dev.runmetrics.core.internal;
