package dev.logprobs4j.anthropic.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import dev.logprobs4j.MalformedResponseException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Jackson streaming helpers: JSON paths for errors, typed reads, and writing request values. Stateless. */
public final class JsonSupport {

    public static final JsonFactory FACTORY = JsonFactory.builder().build();

    private JsonSupport() {
    }

    /** A parser over {@code json}. */
    public static JsonParser parser(String json) {
        try {
            return FACTORY.createParser(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The parser's position as a JSONPath such as {@code $.completion_probabilities[3].logprob}. */
    public static String path(JsonParser p) {
        java.util.ArrayDeque<String> steps = new java.util.ArrayDeque<>();
        for (JsonStreamContext c = p.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                steps.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.getCurrentName() != null) {
                steps.push("." + c.getCurrentName());
            }
        }
        return "$" + String.join("", steps);
    }

    /** A {@link MalformedResponseException} at the parser's position. */
    public static MalformedResponseException malformed(JsonParser p, String message) {
        return new MalformedResponseException(message, path(p), null);
    }

    /** Wraps a Jackson failure as malformed data at its position. */
    public static MalformedResponseException malformed(JsonParser p, IOException e) {
        return new MalformedResponseException("malformed JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), path(p), e);
    }

    /** The next token, which must be {@code expected}. */
    public static void expect(JsonParser p, JsonToken expected, String what) throws IOException {
        JsonToken t = p.nextToken();
        if (t != expected) {
            throw malformed(p, "expected " + what + " but found " + describe(t));
        }
    }

    /** Checks that the current token is {@code expected}. */
    public static void require(JsonParser p, JsonToken expected, String what) {
        if (p.currentToken() != expected) {
            throw malformed(p, "expected " + what + " but found " + describe(p.currentToken()));
        }
    }

    /** Checks that nothing but whitespace follows the root value. */
    public static void requireEnd(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t != null) {
            throw malformed(p, "unexpected " + describe(t) + " after the end of the JSON value");
        }
    }

    /** The current value as a string (null for JSON null). */
    public static String string(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw malformed(p, "expected a string but found " + describe(t));
        }
        return p.getText();
    }

    /** The current value as a double; {@code Double.NaN} for JSON null. */
    public static double number(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return Double.NaN;
        }
        if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
            throw malformed(p, "expected a number but found " + describe(t));
        }
        return p.getDoubleValue();
    }

    /** The current value as a long (JSON null gives {@code fallback}). */
    public static long integer(JsonParser p, long fallback) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return fallback;
        }
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw malformed(p, "expected an integer but found " + describe(t));
        }
        return p.getLongValue();
    }

    /** The current value as a boolean (JSON null gives false). */
    public static boolean bool(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_TRUE) {
            return true;
        }
        if (t == JsonToken.VALUE_FALSE || t == JsonToken.VALUE_NULL) {
            return false;
        }
        throw malformed(p, "expected a boolean but found " + describe(t));
    }

    /** The current value, an array of 0..255 integers, as bytes; null for JSON null. */
    public static byte[] bytes(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        require(p, JsonToken.START_ARRAY, "an array of byte values");
        byte[] out = new byte[16];
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            long v = integer(p, -1);
            if (v < 0 || v > 255) {
                throw malformed(p, "a byte value must be within [0, 255], was " + v);
            }
            if (n == out.length) {
                out = java.util.Arrays.copyOf(out, n * 2);
            }
            out[n++] = (byte) v;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /**
     * The current value as plain Java values (maps, lists, strings, Long/Double, Boolean, null):
     * for the few provider fields passed through untyped in {@code ResponseInfo.extra}.
     */
    public static Object value(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    m.put(name, value(p));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(value(p));
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw malformed(p, "unexpected " + describe(t));
        }
    }

    /** UTF-8 bytes of a token's text: used when the provider sends none. */
    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The JSON text of a map of request fields (maps, lists, strings, numbers, booleans, null). */
    public static String write(Map<String, ?> fields) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writeValue(g, fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("cannot send a non-finite number (" + d + ") in JSON");
            }
            g.writeNumber(d);
        } else if (v instanceof BigDecimal bd) {
            g.writeNumber(bd);
        } else if (v instanceof BigInteger bi) {
            g.writeNumber(bi);
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                writeValue(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Iterable<?> l) {
            g.writeStartArray();
            for (Object o : l) {
                writeValue(g, o);
            }
            g.writeEndArray();
        } else {
            throw new IllegalArgumentException("cannot send a " + v.getClass().getName()
                    + " as JSON: use maps, lists, strings, numbers, booleans or null in extra options");
        }
    }

    private static String describe(JsonToken t) {
        return t == null ? "the end of the input" : t.asString() != null ? "'" + t.asString() + "'" : t.name().toLowerCase(java.util.Locale.ROOT);
    }
}
