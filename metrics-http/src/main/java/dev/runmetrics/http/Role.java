package dev.runmetrics.http;

/**
 * What a bearer token may do in its workspaces.
 */
public enum Role {
    /** Read everything in the token's workspaces: statistics, runs, events, metrics. */
    VIEWER,
    /** Everything a viewer may, plus resume, pause and cancel runs. */
    OPERATOR
}
