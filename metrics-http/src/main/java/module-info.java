/**
 * runmetrics HTTP adapter: REST API, live events over WebSocket, Prometheus text and the dashboard
 * on embedded Jetty 12. Exports {@code dev.runmetrics.http} only; {@code dev.runmetrics.http.internal}
 * is not API.
 */
module dev.runmetrics.http {
    // The builder takes a RunStore, RunViews, ResumeHandler, RunAction, NodeMetricsCollector and a
    // Clock, and hands out a RunListener.
    requires transitive dev.runmetrics.core;
    // MetricsHandler is a Jetty Handler, to be mounted in a host's own server.
    requires transitive org.eclipse.jetty.server;
    requires org.eclipse.jetty.http;
    requires org.eclipse.jetty.util;
    requires org.eclipse.jetty.websocket.api;
    requires org.eclipse.jetty.websocket.server;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.runmetrics.http;
}
