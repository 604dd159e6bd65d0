package dev.runmetrics.http.internal;

import dev.runmetrics.http.Role;
import java.util.Set;

/**
 * Who made a request: the token's subject (the actor in the control audit log), its role, the
 * workspaces it may see, and the key its rate limit is kept under.
 */
public record Principal(String subject, Role role, Set<String> workspaces, String limiterKey) {

    public Principal {
        workspaces = Set.copyOf(workspaces);
    }

    public boolean mayOperate() {
        return role == Role.OPERATOR;
    }
}
