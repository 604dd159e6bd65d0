package dev.runmetrics.http.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.views.overview.Timeframe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The adapter's one {@link ObjectMapper}: writes maps and lists built by the handlers (so field
 * names are exactly the API's), and reads request bodies with tight nesting limits.
 */
public final class Json {

    /** Deepest nesting accepted in a request body. */
    public static final int MAX_DEPTH = 32;

    private static final ObjectMapper MAPPER = mapper(false);
    /** Jackson's message for a repeated key, which names the key. */
    private static final Pattern DUPLICATE = Pattern.compile("^Duplicate field '(.*)'", Pattern.DOTALL);
    private static final ObjectMapper SNAKE = mapper(true);

    private static ObjectMapper mapper(boolean snake) {
        SimpleModule module = new SimpleModule("runmetrics-http");
        module.addSerializer(Instant.class, new ToStringSerializer(Instant.class));
        module.addSerializer(Enum.class, new EnumSerializer());
        JsonMapper.Builder b = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // {"reason":"a","reason":"b"} is ambiguous: refuse it rather than keep one silently.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .addModule(module);
        if (snake) {
            b.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        }
        ObjectMapper m = b.build();
        m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build());
        return m;
    }

    /** Enums as the API's wire names: {@code wireName()} where there is one, else lowercase. */
    @SuppressWarnings("rawtypes")
    private static final class EnumSerializer extends StdSerializer<Enum> {
        private static final long serialVersionUID = 1L;

        EnumSerializer() {
            super(Enum.class);
        }

        @Override
        public void serialize(Enum value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (value instanceof RunStatus s) {
                gen.writeString(s.wireName());
            } else if (value instanceof Timeframe t) {
                gen.writeString(t.wireName());
            } else {
                gen.writeString(value.name().toLowerCase(Locale.ROOT));
            }
        }
    }

    private Json() {}

    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes records with snake_case property names (the run endpoints' bodies); map keys are kept. */
    public static byte[] snakeBytes(Object value) {
        try {
            return SNAKE.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses a request body that must be one JSON object.
     *
     * @throws ApiError 400 {@code invalid_json} if it is not
     */
    public static ObjectNode parseObject(byte[] body) {
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (IOException e) {
            Matcher duplicate = e instanceof JsonParseException ? DUPLICATE.matcher(e.getMessage()) : null;
            if (duplicate != null && duplicate.find()) {
                String field = duplicate.group(1);
                throw new ApiError(400, "duplicate_field", "field '" + Router.truncate(field)
                        + "' appears more than once in the request body", Router.truncate(field));
            }
            throw new ApiError(400, "invalid_json", "request body is not valid JSON", "body");
        }
        if (node == null || !node.isObject()) {
            throw new ApiError(400, "invalid_json", "request body must be a JSON object", "body");
        }
        return (ObjectNode) node;
    }

    /** Converts a JSON tree to plain maps, lists, strings, numbers, booleans and nulls. */
    public static Object plain(JsonNode node) {
        return MAPPER.convertValue(node, Object.class);
    }

    /**
     * The properties the writer puts in the JSON of a type, named as it names them (snake_case or
     * as declared), each with its resolved type: what {@link OpenApiSchemas} describes a record by.
     */
    static List<BeanPropertyDefinition> writtenProperties(Class<?> type, boolean snake) {
        ObjectMapper m = snake ? SNAKE : MAPPER;
        JavaType t = m.constructType(type);
        List<BeanPropertyDefinition> out = new ArrayList<>();
        for (BeanPropertyDefinition p : m.getSerializationConfig().introspect(t).findProperties()) {
            if (p.couldSerialize()) {
                out.add(p);
            }
        }
        return out;
    }

    /** An instant as ISO-8601 UTC text, or null. */
    public static String instant(Instant at) {
        return at == null ? null : at.toString();
    }

    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
