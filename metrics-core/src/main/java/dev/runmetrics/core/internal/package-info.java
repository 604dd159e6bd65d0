/**
 * Implementation details of metrics-core shared by its packages (argument checks, JSON text
 * escaping, UUIDv7 generation): not API, not exported by the module, and may change in any
 * release without notice.
 */
package dev.runmetrics.core.internal;
