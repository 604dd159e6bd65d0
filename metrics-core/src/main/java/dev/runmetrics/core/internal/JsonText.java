package dev.runmetrics.core.internal;

/**
 * Writes JSON string and number literals into a {@link StringBuilder}: the small piece of JSON the
 * dependency-free core needs. Stateless and thread-safe.
 */
public final class JsonText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonText() {
    }

    /**
     * Appends {@code value} as a JSON string literal (RFC 8259): quotes, backslashes and control
     * characters are escaped, as are U+2028/U+2029 (so the text is also safe inside a script) and
     * unpaired surrogates (which have no UTF-8 encoding); other characters are written as they are.
     *
     * @param out where to append
     * @param value the string; {@code null} appends {@code null}
     */
    public static void appendString(StringBuilder out, String value) {
        if (value == null) {
            out.append("null");
            return;
        }
        out.append('"');
        int length = value.length();
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        appendUnicodeEscape(out, c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < length
                            && Character.isLowSurrogate(value.charAt(i + 1))) {
                        out.append(c).append(value.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        appendUnicodeEscape(out, c);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * Appends a number, or {@code null} for {@code null}, NaN and infinities (which JSON cannot
     * represent).
     *
     * @param out where to append
     * @param value the number
     */
    public static void appendNumber(StringBuilder out, Double value) {
        if (value == null || value.isNaN() || value.isInfinite()) {
            out.append("null");
        } else {
            appendNumber(out, value.doubleValue());
        }
    }

    /**
     * Appends a finite number; NaN and infinities become {@code null}. Integral values within
     * 2<sup>53</sup> are written without a fraction.
     *
     * @param out where to append
     * @param value the number
     */
    public static void appendNumber(StringBuilder out, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            out.append("null");
        } else if (value == Math.rint(value) && Math.abs(value) < 0x1p53) {
            out.append((long) value);
        } else {
            out.append(value); // Double.toString: digits, '.', optional 'E' exponent: valid JSON
        }
    }

    private static void appendUnicodeEscape(StringBuilder out, char c) {
        out.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
                .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
    }
}
