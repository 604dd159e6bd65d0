package dev.runmetrics.core.views.overview;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Resource use. Immutable.
 *
 * @param compute CPU and memory samples
 * @param modelUsage per model (step attribute {@code model}), from the MODEL rollups, by name
 * @param databaseLoad the store's database load, or all-null when the store reports none
 */
public record Resources(Compute compute, Map<String, ModelUsage> modelUsage, DatabaseLoad databaseLoad) {
    /** Copies the map. */
    public Resources {
        Objects.requireNonNull(compute, "compute");
        modelUsage = Collections.unmodifiableMap(new LinkedHashMap<>(modelUsage));
        Objects.requireNonNull(databaseLoad, "databaseLoad");
    }
}
