package dev.runmetrics.langgraph4j;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns LangGraph4j state (any Java objects) into the JSON-like values that run and step
 * summaries take. A graph's state holds whatever its nodes put there (messages, records, POJOs),
 * and a summary must never fail the recording: a value that is not JSON-like becomes its
 * {@code toString()}, cut short. The recorder truncates the whole summary afterwards; the bounds
 * here only keep the conversion itself cheap on large states. Stateless and thread-safe.
 */
final class StateValues {

    private static final int MAX_DEPTH = 8;
    private static final int MAX_ELEMENTS = 100;
    private static final int MAX_TEXT = 1_000;

    private StateValues() {}

    /** Returns a JSON-like copy of a state (or partial state) map, or null for null. */
    static Map<String, Object> summary(Map<String, ?> state) {
        if (state == null) {
            return null;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> converted = (Map<String, Object>) convert(state, 0);
        return converted;
    }

    private static Object convert(Object value, int depth) {
        if (value == null || value instanceof Boolean || value instanceof String s && s.length() <= MAX_TEXT) {
            return value;
        }
        if (value instanceof String s) {
            return s.substring(0, MAX_TEXT) + "…";
        }
        if (value instanceof Number n) {
            if (n instanceof Double d && (d.isNaN() || d.isInfinite())
                    || n instanceof Float f && (f.isNaN() || f.isInfinite())) {
                return n.toString();
            }
            if (n instanceof Byte || n instanceof Short || n instanceof Integer || n instanceof Long
                    || n instanceof Float || n instanceof Double || n instanceof java.math.BigInteger
                    || n instanceof java.math.BigDecimal) {
                return n;
            }
            return n.toString(); // AtomicLong, LongAdder and the like
        }
        if (depth >= MAX_DEPTH) {
            return text(value);
        }
        if (value instanceof Optional<?> o) {
            return convert(o.orElse(null), depth + 1);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (out.size() == MAX_ELEMENTS) {
                    out.put("…", (map.size() - MAX_ELEMENTS) + " more");
                    break;
                }
                out.put(String.valueOf(e.getKey()), convert(e.getValue(), depth + 1));
            }
            return out;
        }
        if (value instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>(Math.min(c.size(), MAX_ELEMENTS + 1));
            for (Object element : c) {
                if (out.size() == MAX_ELEMENTS) {
                    out.add((c.size() - MAX_ELEMENTS) + " more");
                    break;
                }
                out.add(convert(element, depth + 1));
            }
            return out;
        }
        if (value.getClass().isArray()) {
            int length = Array.getLength(value);
            List<Object> out = new ArrayList<>(Math.min(length, MAX_ELEMENTS + 1));
            for (int i = 0; i < length; i++) {
                if (i == MAX_ELEMENTS) {
                    out.add((length - MAX_ELEMENTS) + " more");
                    break;
                }
                out.add(convert(Array.get(value, i), depth + 1));
            }
            return out;
        }
        return text(value);
    }

    private static String text(Object value) {
        String s;
        try {
            s = String.valueOf(value);
        } catch (RuntimeException e) {
            s = value.getClass().getName();
        }
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "…";
    }
}
