/**
 * Implementation details shared between runmetrics packages. Not API: anything here may change or
 * disappear in any release.
 */
package dev.runmetrics.core.internal;
