package dev.runmetrics.core.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Freezes and thaws a running PostgreSQL, all its processes at once, with SIGSTOP and SIGCONT:
 * a database that hangs (the sockets stay open, nothing answers), as a stalled VM or a stuck
 * storage layer looks to its clients. The postmaster's pid is the first line of
 * {@code postmaster.pid} in its data directory; it is stopped first so it forks no new backend.
 * Shared by the store's and the demo's outage tests (core's test-jar). Linux only: it runs {@code kill}.
 */
public final class PostgresProcesses {

    private PostgresProcesses() {}

    public static void freeze(Path dataDirectory) {
        long postmaster = postmasterPid(dataDirectory);
        signal("-STOP", List.of(postmaster));
        signal("-STOP", children(postmaster));
    }

    public static void thaw(Path dataDirectory) {
        long postmaster = postmasterPid(dataDirectory);
        signal("-CONT", children(postmaster));
        signal("-CONT", List.of(postmaster));
    }

    public static long postmasterPid(Path dataDirectory) {
        try {
            return Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid"), StandardCharsets.UTF_8)
                    .get(0).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Long> children(long pid) {
        List<Long> pids = new ArrayList<>();
        ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
        return pids;
    }

    private static void signal(String signal, List<Long> pids) {
        if (pids.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("kill", signal));
        pids.forEach(p -> command.add(Long.toString(p)));
        try {
            Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kill.waitFor() != 0) {
                throw new IllegalStateException(command + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
