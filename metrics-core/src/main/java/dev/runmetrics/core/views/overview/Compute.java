package dev.runmetrics.core.views.overview;

import java.util.List;

/**
 * Compute samples in percent. Immutable.
 *
 * @param cpuUsage CPU samples in the period (or the current one)
 * @param memoryUsage memory samples in the period (or the current one)
 * @param gpuUsage always null: the JVM cannot see GPUs
 */
public record Compute(List<TimedValue> cpuUsage, List<TimedValue> memoryUsage, List<TimedValue> gpuUsage) {
    /** Copies the lists. */
    public Compute {
        cpuUsage = List.copyOf(cpuUsage);
        memoryUsage = List.copyOf(memoryUsage);
        gpuUsage = gpuUsage == null ? null : List.copyOf(gpuUsage);
    }
}
