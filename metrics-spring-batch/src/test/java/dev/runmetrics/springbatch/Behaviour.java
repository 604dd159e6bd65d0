package dev.runmetrics.springbatch;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the test jobs do and what they did, per test case (the identifying job parameter
 * {@code case}): how often a step is to fail, gates a reader waits at, and the counts the tests
 * check (how often each step ran, what was written). Thread-safe.
 */
final class Behaviour {

    private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    private final Map<String, List<Object>> written = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> sums = new ConcurrentHashMap<>();
    private final Map<String, Object> seen = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> reached = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();

    /** The case's step fails this many times, then succeeds. */
    void failTimes(String testCase, int times) {
        failuresLeft.put(testCase, new AtomicInteger(times));
    }

    /** True if the step is to fail now (counts the failure). */
    boolean failNow(String testCase) {
        AtomicInteger left = failuresLeft.get(testCase);
        return left != null && left.getAndDecrement() > 0;
    }

    void ran(String testCase, String step) {
        runs.computeIfAbsent(testCase + "/" + step, k -> new AtomicInteger()).incrementAndGet();
    }

    int runs(String testCase, String step) {
        AtomicInteger n = runs.get(testCase + "/" + step);
        return n == null ? 0 : n.get();
    }

    void wrote(String testCase, List<?> items) {
        written.computeIfAbsent(testCase, k -> new CopyOnWriteArrayList<>()).addAll(items);
    }

    List<Object> written(String testCase) {
        return written.getOrDefault(testCase, List.of());
    }

    void add(String testCase, long value) {
        sums.computeIfAbsent(testCase, k -> new AtomicLong()).addAndGet(value);
    }

    long sum(String testCase) {
        AtomicLong s = sums.get(testCase);
        return s == null ? 0 : s.get();
    }

    void saw(String testCase, String what, Object value) {
        seen.put(testCase + "/" + what, value == null ? "<null>" : value);
    }

    Object seen(String testCase, String what) {
        return seen.get(testCase + "/" + what);
    }

    /** Makes the case's gated reader stop at its gate until {@link #open}. */
    void closeGate(String testCase) {
        reached.put(testCase, new CountDownLatch(1));
        gates.put(testCase, new CountDownLatch(1));
    }

    /** Called by the reader at its gate: says it is there, then waits (at most 20 s) for it to open. */
    void atGate(String testCase) throws InterruptedException {
        CountDownLatch here = reached.get(testCase);
        CountDownLatch gate = gates.get(testCase);
        if (here != null && gate != null) {
            here.countDown();
            gate.await(20, TimeUnit.SECONDS);
        }
    }

    boolean awaitGate(String testCase) throws InterruptedException {
        return reached.get(testCase).await(20, TimeUnit.SECONDS);
    }

    void open(String testCase) {
        gates.get(testCase).countDown();
    }
}
