package dev.runmetrics.jdbc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running a main class of the test class path, with its output (stdout and stderr
 * merged) collected line by line on a thread of its own, so that the test can wait for a line, and
 * its stdin open for commands. {@link #close()} kills it (SIGKILL) if it still runs. Thread-safe.
 */
final class ChildJvm implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private ChildJvm(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.reader = new Thread(this::read, "child-output-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code mainClass} with the test JVM's java and class path and a small, quick-starting heap. */
    static ChildJvm start(String name, Class<?> mainClass, List<String> args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp", classpath, mainClass.getName()));
        command.addAll(args);
        try {
            return new ChildJvm(name, new ProcessBuilder(command).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null;) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the child is gone
        }
        synchronized (lines) {
            lines.add(null); // end of output
            lines.notifyAll();
        }
    }

    String name() {
        return name;
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    /**
     * Waits for the first output line that starts with {@code prefix} and returns it.
     *
     * @throws AssertionError if the child ends, or the timeout passes, first; with its output
     */
    String awaitLine(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            for (int seen = 0; ; ) {
                while (seen < lines.size()) {
                    String line = lines.get(seen++);
                    if (line == null) {
                        throw new AssertionError(name + " ended (exit " + exitCode() + ") before printing '" + prefix
                                + "'; its output:\n" + output());
                    }
                    if (line.startsWith(prefix)) {
                        return line;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(name + " printed no '" + prefix + "' within " + timeout + "; its output:\n"
                            + output());
                }
                TimeUnit.NANOSECONDS.timedWait(lines, left);
            }
        }
    }

    /** Every output line so far that starts with {@code prefix}. */
    List<String> lines(String prefix) {
        synchronized (lines) {
            return lines.stream().filter(l -> l != null && l.startsWith(prefix)).toList();
        }
    }

    /** Everything the child printed so far. */
    String output() {
        synchronized (lines) {
            return String.join("\n", lines.stream().filter(l -> l != null).toList());
        }
    }

    /** Writes one line to the child's stdin. */
    void send(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + name, e);
        }
    }

    /**
     * Waits for the child to exit and returns its exit code.
     *
     * @throws AssertionError if it is still running after the timeout
     */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " still runs after " + timeout + "; its output:\n" + output());
        }
        reader.join(5_000);
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook runs, nothing queued in the child is written. Waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " survived SIGKILL");
        }
    }

    private String exitCode() {
        return process.isAlive() ? "none yet" : Integer.toString(process.exitValue());
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
