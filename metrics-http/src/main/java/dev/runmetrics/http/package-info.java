/**
 * The HTTP adapter: REST API, live events over WebSocket, Prometheus text and the dashboard.
 */
package dev.runmetrics.http;
