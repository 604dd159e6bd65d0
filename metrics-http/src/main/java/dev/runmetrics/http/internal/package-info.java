/**
 * Implementation of the HTTP adapter: routing, auth, limits, JSON and WebSocket plumbing. Not API:
 * anything here may change in any release.
 */
package dev.runmetrics.http.internal;
