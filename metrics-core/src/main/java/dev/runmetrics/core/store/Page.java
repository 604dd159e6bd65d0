package dev.runmetrics.core.store;

import java.util.List;
import java.util.Objects;

/**
 * One page of a query (the run list's shape: {@code items, total, skip, limit}).
 *
 * @param items the page's items, in the query's order; unmodifiable
 * @param total how many items match the query in all
 * @param skip how many matching items precede this page
 * @param limit the page size asked for ({@code items.size() <= limit})
 * @param <T> the item type
 */
public record Page<T>(List<T> items, long total, int skip, int limit) {

    /**
     * @throws NullPointerException if items is null or holds null
     * @throws IllegalArgumentException if a number is negative or there are more items than the limit
     */
    public Page {
        items = List.copyOf(Objects.requireNonNull(items, "items"));
        if (total < 0 || skip < 0 || limit < 0 || items.size() > limit) {
            throw new IllegalArgumentException("bad page: " + items.size() + " items, total " + total + ", skip "
                    + skip + ", limit " + limit);
        }
    }
}
