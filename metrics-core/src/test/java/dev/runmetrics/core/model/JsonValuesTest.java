package dev.runmetrics.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonValuesTest {

    private static final List<String> AWKWARD = List.of("", "plain", "quote \" and backslash \\ and slash /",
            "controls \u0000 \u0001 \b \f \n \r \t \u001f", "line sep \u2028 para sep \u2029",
            "emoji \uD83D\uDE00 and accents é ß 漢字", "lone high \uD800 end", "lone low \uDC00 start",
            "\\u0041 is not an escape here", "</script><!--");

    @Test
    void awkwardStringsSurviveARoundTrip() {
        for (String s : AWKWARD) {
            assertThat(JsonValues.parse(JsonValues.toJson(s))).as(s).isEqualTo(s);
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < AWKWARD.size(); i++) {
            map.put(AWKWARD.get(i), List.of(AWKWARD.get(i), i));
        }
        assertThat(JsonValues.parse(JsonValues.toJson(map))).isEqualTo(JsonValues.copyOf(map));
    }

    @Test
    void outputIsJsonThatARealParserReadsTheSame() throws Exception {
        Map<String, Object> value = Map.of("s", String.join("|", AWKWARD), "n", List.of(1, -2.5, 1e300, true));
        Object jackson = new ObjectMapper().readValue(JsonValues.toJson(value), Object.class);
        assertThat(JsonValues.copyOf(jackson)).isEqualTo(JsonValues.copyOf(value));
    }

    @Test
    void numbersAreNormalisedSoThatParsedValuesEqualCopies() {
        Object copy = JsonValues.copyOf(List.of((byte) 1, (short) 2, 3, 4L, 1.5f, 2.25, new BigInteger("123456789012345678901234")));
        assertThat(copy).isEqualTo(List.of(1L, 2L, 3L, 4L, 1.5, 2.25, new BigInteger("123456789012345678901234")));
        assertThat(JsonValues.parse(JsonValues.toJson(copy))).isEqualTo(copy);
    }

    @Test
    void copiesAreDeepAndUnmodifiable() {
        List<Object> inner = new java.util.ArrayList<>(List.of("a"));
        Map<String, Object> original = new LinkedHashMap<>(Map.of("k", inner));
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = (Map<String, Object>) JsonValues.copyOf(original);
        inner.add("b");
        assertThat(copy).isEqualTo(Map.of("k", List.of("a")));
        assertThatThrownBy(() -> copy.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void nonJsonValuesAreRejectedWithTheReason() {
        assertThatThrownBy(() -> JsonValues.copyOf(Double.NaN)).hasMessageContaining("finite");
        assertThatThrownBy(() -> JsonValues.copyOf(Map.of(1, "x"))).hasMessageContaining("keys must be Strings");
        assertThatThrownBy(() -> JsonValues.copyOf(new Object())).hasMessageContaining("not a JSON-like value");
        Object nested = "x";
        for (int i = 0; i < 100; i++) {
            nested = List.of(nested);
        }
        Object tooDeep = nested;
        assertThatThrownBy(() -> JsonValues.copyOf(tooDeep)).hasMessageContaining("deeper");
        assertThatThrownBy(() -> JsonValues.parse("[".repeat(100) + "]".repeat(100))).hasMessageContaining("deeper");
    }

    @Test
    void malformedTextIsRejectedWithItsOffset() {
        assertThatThrownBy(() -> JsonValues.parse("{\"a\":1,}")).hasMessageContaining("offset 7");
        assertThatThrownBy(() -> JsonValues.parse("[1] x")).hasMessageContaining("trailing");
        assertThatThrownBy(() -> JsonValues.parse("\"abc")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> JsonValues.parse("01")).hasMessageContaining("bad number");
        assertThatThrownBy(() -> JsonValues.parse("\"\\x\"")).hasMessageContaining("bad escape");
    }
}
