package dev.runmetrics.core.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;

/**
 * This JVM's load, as the resource samplers read it: the machine's CPU load and the heap in use.
 * Each returns NaN when the JVM cannot tell. Stateless and thread-safe.
 */
public final class JvmLoad {
    private JvmLoad() {}

    /**
     * The machine's CPU load in percent (the {@code com.sun.management} bean when the JVM has it,
     * else the load average over the processors, capped at 100), or NaN.
     */
    public static double cpuPercent() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        try {
            if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
                double load = sun.getCpuLoad();
                return load < 0 ? Double.NaN : load * 100.0;
            }
        } catch (LinkageError e) {
            // no jdk.management module: fall back to the load average below
        }
        double average = os.getSystemLoadAverage();
        return average < 0 ? Double.NaN : Math.min(100.0, average / os.getAvailableProcessors() * 100.0);
    }

    /** Heap in use over the maximum heap (the committed heap when there is no maximum), percent, or NaN. */
    public static double heapPercent() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long max = heap.getMax() > 0 ? heap.getMax() : heap.getCommitted();
        return max <= 0 ? Double.NaN : heap.getUsed() * 100.0 / max;
    }
}
