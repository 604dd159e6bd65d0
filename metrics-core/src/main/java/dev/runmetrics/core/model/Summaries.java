package dev.runmetrics.core.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bounds the size of input, output and result summaries kept on runs and steps (the run detail's
 * {@code input_summary}/{@code output_summary}: "truncated for large outputs"). Full step outputs
 * are kept only as checkpoints (the store's {@code StepCheckpoint}).
 *
 * <p>The rule, for a JSON-like value {@code v} and a limit {@code max} (in characters of compact
 * JSON, {@link JsonValues#toJson}):
 * <ul>
 *   <li>{@code null} stays {@code null} (no summary);
 *   <li>a value that is not a map is wrapped as {@code {"value": v}}, so every summary is a JSON
 *       object;
 *   <li>if that map's JSON is at most {@code max} characters it is the summary, unchanged;
 *   <li>otherwise the summary is {@code {"_truncated": true, "_original_chars": n, "_preview": p}}
 *       where {@code n} is the length of the full JSON and {@code p} is the longest prefix of it
 *       (never splitting a surrogate pair) for which the whole summary's JSON still fits in
 *       {@code max}.
 * </ul>
 * So a summary's JSON is never longer than {@code max}, and a consumer recognises a truncated one
 * by the key {@value #TRUNCATED_KEY} being {@code true}.
 *
 * <p>Stateless and thread-safe.
 */
public final class Summaries {

    /** Default bound, in characters of JSON: 2 KiB keeps a timeline of 100 steps well under 1 MB. */
    public static final int DEFAULT_MAX_CHARS = 2048;

    /** The smallest bound accepted: room for the truncation marker and a short preview. */
    public static final int MIN_MAX_CHARS = 128;

    /** Key that marks a truncated summary; its value is {@code true}. */
    public static final String TRUNCATED_KEY = "_truncated";

    /** Key holding the length in characters of the full value's JSON. */
    public static final String ORIGINAL_CHARS_KEY = "_original_chars";

    /** Key holding a prefix of the full value's JSON. */
    public static final String PREVIEW_KEY = "_preview";

    private Summaries() {}

    /**
     * Returns the summary of {@code value} under the rule above.
     *
     * @param value a JSON-like value, or null
     * @param maxChars the bound, at least {@value #MIN_MAX_CHARS}
     * @return an unmodifiable JSON object, or null when {@code value} is null
     * @throws IllegalArgumentException if the value is not JSON-like or the bound is too small
     */
    public static Map<String, Object> summarize(Object value, int maxChars) {
        if (maxChars < MIN_MAX_CHARS) {
            throw new IllegalArgumentException("maxChars must be >= " + MIN_MAX_CHARS + ", was " + maxChars);
        }
        if (value == null) {
            return null;
        }
        Map<String, Object> map = value instanceof Map ? JsonValues.copyOfMap(value) : Map.of("value", JsonValues.copyOf(value));
        String json = JsonValues.toJson(map);
        if (json.length() <= maxChars) {
            return map;
        }
        // Start from the most the preview could take and shrink by what escaping added.
        int prefix = Math.min(json.length(), maxChars);
        while (true) {
            if (prefix > 0 && Character.isHighSurrogate(json.charAt(prefix - 1))) {
                prefix--;
            }
            Map<String, Object> truncated = new LinkedHashMap<>();
            truncated.put(TRUNCATED_KEY, Boolean.TRUE);
            truncated.put(ORIGINAL_CHARS_KEY, (long) json.length());
            truncated.put(PREVIEW_KEY, json.substring(0, prefix));
            int length = JsonValues.toJson(truncated).length();
            if (length <= maxChars) {
                return JsonValues.copyOfMap(truncated);
            }
            prefix = Math.max(0, prefix - (length - maxChars));
        }
    }

    /** Returns whether {@code summary} carries the truncation marker. */
    public static boolean isTruncated(Map<String, ?> summary) {
        return summary != null && Boolean.TRUE.equals(summary.get(TRUNCATED_KEY));
    }
}
