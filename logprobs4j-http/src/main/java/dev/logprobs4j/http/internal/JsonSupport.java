package dev.logprobs4j.http.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.logprobs4j.MalformedResponseException;
import dev.logprobs4j.ProviderException;
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

/**
 * Jackson streaming helpers shared by the providers' wire code: typed reads that fail with a
 * {@link MalformedResponseException} naming the JSON path, provider error bodies as
 * {@link ProviderException}s, token bytes from token text, and request values written with a
 * streaming generator. Stateless and thread-safe.
 */
public final class JsonSupport {

    /**
     * The one factory every provider parses and writes with: shared and thread-safe. Limits keep
     * hostile bodies from allocating absurd sizes. The fast double parser (FastDoubleParser, shipped
     * inside jackson-core) rounds correctly, so it gives the same double as
     * {@link Double#parseDouble} at a fraction of the cost: a streamed token has up to 21 logprobs.
     */
    public static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(16 << 20).build())
            .build();

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

    /** Reads one JSON object's fields with the parser on its {@code START_OBJECT}, keeping {@code path}. */
    @FunctionalInterface
    public interface ObjectReader<T> {
        T read(JsonParser p, JsonPath path) throws IOException;
    }

    /**
     * Parses {@code json}, which must be one JSON object and nothing after it, with {@code reader}.
     *
     * @param provider the provider's name for messages ("invalid JSON from Ollama")
     * @throws MalformedResponseException naming the JSON path (or byte offset) when it is not valid
     */
    public static <T> T parseObject(byte[] json, String provider, ObjectReader<T> reader) {
        JsonPath path = new JsonPath();
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedResponseException("expected a JSON object from " + provider + ", got " + p.currentToken(), "$", null);
            }
            T value = reader.read(p, path);
            if (p.nextToken() != null) {
                throw new MalformedResponseException("unexpected data after the JSON object", "byte offset "
                        + p.currentLocation().getByteOffset(), null);
            }
            return value;
        } catch (com.fasterxml.jackson.core.JsonParseException e) {
            throw new MalformedResponseException("invalid JSON from " + provider + ": " + e.getOriginalMessage(),
                    path + " (byte offset " + e.getLocation().getByteOffset() + ")", e);
        } catch (IOException e) {
            throw new MalformedResponseException("could not read " + provider + "'s JSON: " + e.getMessage(), path.toString(), e);
        }
    }

    /** The parser's position as a JSONPath such as {@code $.completion_probabilities[3].logprob}. */
    public static String path(JsonParser p) {
        return path(p.getParsingContext());
    }

    /** A parsing context as a JSONPath, e.g. one kept from before the parser moved on. */
    public static String path(JsonStreamContext context) {
        java.util.ArrayDeque<String> steps = new java.util.ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
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

    /** A type error at {@code path}: "expected a string, got VALUE_NUMBER_INT". */
    public static MalformedResponseException wrongType(JsonPath path, String expected, JsonToken actual) {
        return new MalformedResponseException("expected " + expected + ", got " + actual, path.toString(), null);
    }

    /** The current value as a string (null for JSON null), or a {@link #wrongType} error at {@code path}. */
    public static String string(JsonParser p, JsonPath path) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw wrongType(path, "a string", t);
        }
        return p.getText();
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

    /**
     * The bytes of a token whose provider sends only its text (Gemini, TGI, older llama.cpp and
     * Ollama servers): the text's UTF-8 encoding, which is what the model produced whenever the
     * token is a whole character sequence.
     */
    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A provider's error body as a {@link ProviderException}, reading the shapes the providers
     * send: {@code {"error": {"message", "type", "code", "param"}}} (OpenAI, llama.cpp, Anthropic,
     * whose top-level {@code "type": "error"} the inner type wins over), {@code {"error": "text",
     * "error_type": "..."}} (TGI, Ollama) and the bare inner object (a llama.cpp stream's
     * {@code error:} line). A body that is none of these (a proxy's page) is the message itself.
     *
     * @param status the HTTP status, 0 for an error inside a stream
     */
    public static ProviderException providerError(int status, String body) {
        String[] inner = new String[4]; // message, type, code, param of the error object
        String[] outer = new String[4]; // the same fields at the top level
        try (JsonParser p = parser(body)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken t = p.nextToken();
                    if (field.equals("error") && t == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            p.nextToken();
                            errorField(p, f, inner);
                        }
                    } else if (field.equals("error") && t == JsonToken.VALUE_STRING) {
                        inner[0] = p.getText();
                    } else if (field.equals("error_type")) {
                        errorField(p, "type", outer);
                    } else {
                        errorField(p, field, outer);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not JSON (a proxy's page, say): the body itself is the message
        }
        String message = inner[0] != null ? inner[0] : outer[0];
        if (message == null) {
            message = body.isBlank() ? null : body.strip();
        }
        return new ProviderException(status, inner[1] != null ? inner[1] : outer[1], inner[2] != null ? inner[2] : outer[2],
                inner[3] != null ? inner[3] : outer[3], message, body);
    }

    /** Keeps a scalar message/type/code/param in {@code into}; skips anything else. */
    private static void errorField(JsonParser p, String field, String[] into) throws IOException {
        JsonToken t = p.currentToken();
        int slot;
        switch (field) {
            case "message": slot = 0; break;
            case "type": slot = 1; break;
            case "code": slot = 2; break;
            case "param": slot = 3; break;
            default: slot = -1;
        }
        if (slot >= 0 && t.isScalarValue() && t != JsonToken.VALUE_NULL) {
            into[slot] = p.getText();
        } else {
            p.skipChildren();
        }
    }

    /** The JSON text of a map of request fields (maps, lists, strings, numbers, booleans, null). */
    public static String write(Map<String, ?> fields) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * Writes an untyped request value (such as {@code ChatOptions.extra()}): maps, lists, strings,
     * booleans, null and numbers (integers exactly, big numbers exactly, others as finite doubles);
     * anything else, and NaN or infinity, is refused by name.
     */
    public static void write(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof BigDecimal bd) {
            g.writeNumber(bd);
        } else if (v instanceof BigInteger bi) {
            g.writeNumber(bi);
        } else if (v instanceof Number n) {
            double d = n.doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("cannot send a non-finite number (" + d + ") in JSON");
            }
            g.writeNumber(d);
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Iterable<?> l) {
            g.writeStartArray();
            for (Object o : l) {
                write(g, o);
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
