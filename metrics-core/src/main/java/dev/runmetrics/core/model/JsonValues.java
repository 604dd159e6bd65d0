package dev.runmetrics.core.model;

import dev.runmetrics.core.internal.JsonText;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON-like values: the type of run inputs, results, step outputs, summaries and attributes.
 *
 * <p>A JSON-like value is {@code null}, a {@link String}, a {@link Boolean}, a finite
 * {@link Number}, a {@code List} of JSON-like values or a {@code Map} with {@code String} keys and
 * JSON-like values. {@link #copyOf} checks a value and makes a deep, unmodifiable copy with
 * numbers normalised: {@code Byte/Short/Integer/Long} become {@code Long}, {@code Float/Double}
 * become {@code Double}, {@code BigInteger} and {@code BigDecimal} stay; maps keep their
 * iteration order. Every value in the run model has been through {@code copyOf}, so it is safe to
 * share across threads.
 *
 * <p>{@link #toJson} writes RFC 8259 text (no whitespace; non-ASCII kept; control characters,
 * lone surrogates and U+2028/U+2029 escaped) and {@link #parse} reads it back: integers as
 * {@code Long} (or {@code BigInteger} when they don't fit), other numbers as {@code Double}. So
 * {@code parse(toJson(copyOf(v))).equals(copyOf(v))} for every value without {@code BigDecimal}
 * or {@code BigInteger} in the long range. Stores persist these values as this text (for example
 * in a {@code jsonb} column); the HTTP adapter may use its own JSON library on the same values.
 *
 * <p>Stateless and thread-safe.
 */
public final class JsonValues {

    /** Deepest nesting accepted, so that a hostile or cyclic value cannot exhaust the stack. */
    public static final int MAX_DEPTH = 64;

    private JsonValues() {}

    /**
     * Checks {@code value} and returns a deep unmodifiable copy with normalised numbers.
     *
     * @throws IllegalArgumentException if the value (or anything inside it) is not JSON-like, a
     *     number is NaN or infinite, a map key is not a String, or it nests deeper than
     *     {@value #MAX_DEPTH}
     */
    public static Object copyOf(Object value) {
        return copy(value, 0);
    }

    /**
     * Like {@link #copyOf} for a value that must be a map (or null).
     *
     * @throws IllegalArgumentException if the value is not a map of JSON-like values
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> copyOfMap(Object value) {
        if (value != null && !(value instanceof Map)) {
            throw new IllegalArgumentException("expected a JSON object (Map), got " + value.getClass().getName());
        }
        return (Map<String, Object>) copy(value, 0);
    }

    private static Object copy(Object value, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("JSON-like value nests deeper than " + MAX_DEPTH);
        }
        if (value == null || value instanceof String || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("JSON numbers must be finite, got " + d);
            }
            return d;
        }
        if (value instanceof BigInteger || value instanceof BigDecimal) {
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>(Math.max(4, map.size() * 2));
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("JSON object keys must be Strings, got " + e.getKey());
                }
                out.put(key, copy(e.getValue(), depth + 1));
            }
            return Collections.unmodifiableMap(out);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object item : list) {
                out.add(copy(item, depth + 1));
            }
            return Collections.unmodifiableList(out);
        }
        throw new IllegalArgumentException("not a JSON-like value: " + value.getClass().getName());
    }

    /**
     * Writes a JSON-like value as compact JSON text.
     *
     * @throws IllegalArgumentException if the value is not JSON-like
     */
    public static String toJson(Object value) {
        StringBuilder out = new StringBuilder(64);
        write(copyOf(value), out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            JsonText.appendString(out, s);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                JsonText.appendString(out, (String) e.getKey());
                out.append(':');
                write(e.getValue(), out);
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(list.get(i), out);
            }
            out.append(']');
        } else {
            out.append(value); // Boolean, Long, Double (finite), BigInteger, BigDecimal
        }
    }

    /**
     * Parses JSON text into a JSON-like value (unmodifiable maps and lists).
     *
     * @throws IllegalArgumentException if the text is not a single valid JSON value, with the
     *     offset of the problem in the message
     */
    public static Object parse(String text) {
        Parser p = new Parser(text);
        p.skipWhitespace();
        Object value = p.value(0);
        p.skipWhitespace();
        if (p.pos != text.length()) {
            throw p.error("trailing characters");
        }
        return value;
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = java.util.Objects.requireNonNull(s, "text");
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("invalid JSON at offset " + pos + ": " + what);
        }

        void skipWhitespace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("nesting deeper than " + MAX_DEPTH);
            }
            if (pos >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(pos);
            switch (c) {
                case '{': return object(depth);
                case '[': return array(depth);
                case '"': return string();
                case 't': return literal("true", Boolean.TRUE);
                case 'f': return literal("false", Boolean.FALSE);
                case 'n': return literal("null", null);
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw error("unexpected character '" + c + "'");
            }
        }

        Object literal(String word, Object value) {
            if (!s.startsWith(word, pos)) {
                throw error("expected " + word);
            }
            pos += word.length();
            return value;
        }

        Map<String, Object> object(int depth) {
            pos++;
            Map<String, Object> out = new LinkedHashMap<>();
            skipWhitespace();
            if (pos < s.length() && s.charAt(pos) == '}') {
                pos++;
                return Collections.unmodifiableMap(out);
            }
            while (true) {
                skipWhitespace();
                if (pos >= s.length() || s.charAt(pos) != '"') {
                    throw error("expected a string key");
                }
                String key = string();
                skipWhitespace();
                expect(':');
                skipWhitespace();
                out.put(key, value(depth + 1));
                skipWhitespace();
                if (pos < s.length() && s.charAt(pos) == ',') {
                    pos++;
                    continue;
                }
                expect('}');
                return Collections.unmodifiableMap(out);
            }
        }

        List<Object> array(int depth) {
            pos++;
            List<Object> out = new ArrayList<>();
            skipWhitespace();
            if (pos < s.length() && s.charAt(pos) == ']') {
                pos++;
                return Collections.unmodifiableList(out);
            }
            while (true) {
                skipWhitespace();
                out.add(value(depth + 1));
                skipWhitespace();
                if (pos < s.length() && s.charAt(pos) == ',') {
                    pos++;
                    continue;
                }
                expect(']');
                return Collections.unmodifiableList(out);
            }
        }

        void expect(char c) {
            if (pos >= s.length() || s.charAt(pos) != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        String string() {
            pos++; // opening quote
            StringBuilder out = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(pos++);
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    throw error("unescaped control character in string");
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (pos >= s.length()) {
                    throw error("unterminated escape");
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case '"' -> out.append('"');
                    case '\\' -> out.append('\\');
                    case '/' -> out.append('/');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw error("short \\u escape");
                        }
                        try {
                            out.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        pos += 4;
                    }
                    default -> throw error("bad escape '\\" + e + "'");
                }
            }
        }

        Object number() {
            int start = pos;
            if (s.charAt(pos) == '-') {
                pos++;
            }
            int intStart = pos;
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                pos++;
            }
            if (pos == intStart || (s.charAt(intStart) == '0' && pos - intStart > 1)) {
                throw error("bad number");
            }
            boolean integral = true;
            if (pos < s.length() && s.charAt(pos) == '.') {
                integral = false;
                pos++;
                int fracStart = pos;
                while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                    pos++;
                }
                if (pos == fracStart) {
                    throw error("bad fraction");
                }
            }
            if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                integral = false;
                pos++;
                if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                    pos++;
                }
                int expStart = pos;
                while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                    pos++;
                }
                if (pos == expStart) {
                    throw error("bad exponent");
                }
            }
            String text = s.substring(start, pos);
            if (integral) {
                BigInteger big = new BigInteger(text);
                return big.bitLength() < 64 ? (Object) big.longValue() : big;
            }
            double d = Double.parseDouble(text);
            if (!Double.isFinite(d)) {
                throw error("number out of range");
            }
            return d;
        }
    }
}
