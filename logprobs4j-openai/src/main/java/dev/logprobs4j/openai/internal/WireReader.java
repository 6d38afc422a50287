package dev.logprobs4j.openai.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.logprobs4j.MalformedResponseException;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsing steps the Responses and legacy Completions readers share: typed reads from Jackson's
 * streaming parser that fail with a {@link MalformedResponseException} naming the JSON path. One
 * instance reads one document; not thread-safe.
 */
abstract class WireReader {

    /** Shared and thread-safe; limits keep hostile bodies from allocating absurd sizes. */
    static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(16 << 20).build())
            .build();

    final JsonParser p;
    final String what;
    private final String kind;

    WireReader(JsonParser p, String what, String kind) {
        this.p = p;
        this.what = what;
        this.kind = kind;
    }

    static JsonParser parser(String text, String what) {
        try {
            return JSON.createParser(text);
        } catch (IOException e) {
            throw new MalformedResponseException("cannot read " + what + ": " + e.getMessage(), null, e);
        }
    }

    /** Reads the root object's fields with {@link #field}, then checks nothing follows it. */
    final void readRoot() {
        try {
            expect(p.nextToken(), JsonToken.START_OBJECT, "an object");
            readFields();
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw malformed("unexpected data after the end of the JSON object (" + describe(trailing) + ")", "$");
            }
        } catch (JsonProcessingException e) {
            long offset = e.getLocation() == null ? -1 : Math.max(e.getLocation().getCharOffset(), e.getLocation().getByteOffset());
            throw new MalformedResponseException(what + " is not valid JSON: " + e.getOriginalMessage(),
                    CompletionReader.pathOf(p.getParsingContext()) + (offset >= 0 ? " (character " + offset + " of " + what + ")" : ""), e);
        } catch (IOException e) {
            throw new MalformedResponseException("cannot read " + what + ": " + e.getMessage(), CompletionReader.pathOf(p.getParsingContext()), e);
        }
    }

    /** Reads the fields of the object the parser has just entered, up to its end. */
    final void readFields() throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            field(name, p.nextToken());
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw mismatch("a field name or '}'", p.currentToken());
        }
    }

    /** Handles one field of the root object; its value's first token is current. */
    abstract void field(String name, JsonToken t) throws IOException;

    /**
     * OpenAI's token logprob objects ({@code token}, {@code bytes}, {@code logprob},
     * {@code top_logprobs}); bytes missing from the wire become the UTF-8 encoding of the token.
     */
    final List<TokenLogprob> readTokens(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return List.of();
        }
        expect(t, JsonToken.START_ARRAY, "an array or null");
        List<TokenLogprob> tokens = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expect(p.currentToken(), JsonToken.START_OBJECT, "a token object");
            String at = CompletionReader.pathOf(p.getParsingContext().getParent());
            String token = null;
            byte[] bytes = null;
            double logprob = Double.NaN;
            List<TopLogprob> top = List.of();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "token": token = string(v); break;
                    case "bytes": bytes = readBytes(v); break;
                    case "logprob": logprob = number(v); break;
                    case "top_logprobs": top = readTop(v); break;
                    default: p.skipChildren();
                }
            }
            require(token, logprob, at);
            try {
                tokens.add(new TokenLogprob(token, bytes != null ? bytes : utf8(token), logprob, top));
            } catch (IllegalArgumentException e) {
                throw malformed(e.getMessage(), at + ".logprob");
            }
        }
        return tokens;
    }

    private List<TopLogprob> readTop(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return List.of();
        }
        expect(t, JsonToken.START_ARRAY, "an array or null");
        List<TopLogprob> top = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expect(p.currentToken(), JsonToken.START_OBJECT, "a top_logprobs entry");
            String at = CompletionReader.pathOf(p.getParsingContext().getParent());
            String token = null;
            byte[] bytes = null;
            double logprob = Double.NaN;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "token": token = string(v); break;
                    case "bytes": bytes = readBytes(v); break;
                    case "logprob": logprob = number(v); break;
                    default: p.skipChildren();
                }
            }
            require(token, logprob, at);
            try {
                top.add(new TopLogprob(token, bytes != null ? bytes : utf8(token), logprob));
            } catch (IllegalArgumentException e) {
                throw malformed(e.getMessage(), at + ".logprob");
            }
        }
        return top;
    }

    static byte[] utf8(String token) {
        return token.getBytes(StandardCharsets.UTF_8);
    }

    void require(String token, double logprob, String at) {
        if (token == null) {
            throw malformed("a logprobs entry has no \"token\" (a string)", at + ".token");
        }
        if (Double.isNaN(logprob)) {
            throw malformed("a logprobs entry has no \"logprob\" (a number)", at + ".logprob");
        }
    }

    private byte[] readBytes(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t, JsonToken.START_ARRAY, "an array of byte values or null");
        byte[] out = new byte[16];
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            JsonToken v = p.currentToken();
            if (v != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0 || p.getLongValue() > 255) {
                throw mismatch("a byte value (an integer 0..255)", v);
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = (byte) p.getIntValue();
        }
        return Arrays.copyOf(out, n);
    }

    /** Any JSON value as maps, lists, strings, longs, doubles, booleans and null. */
    final Object value(JsonToken t) throws IOException {
        switch (t) {
            case VALUE_NULL: return null;
            case VALUE_TRUE: return Boolean.TRUE;
            case VALUE_FALSE: return Boolean.FALSE;
            case VALUE_STRING: return p.getText();
            case VALUE_NUMBER_INT: return p.getLongValue();
            case VALUE_NUMBER_FLOAT: return p.getDoubleValue();
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(value(p.currentToken()));
                }
                return list;
            }
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    map.put(name, value(p.nextToken()));
                }
                return map;
            }
            default: throw mismatch("a JSON value", t);
        }
    }

    final String string(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw mismatch("a string or null", t);
        }
        return p.getText();
    }

    /** A scalar's text (string, number, boolean), null for null; objects and arrays are skipped. */
    final String scalarText(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t.isScalarValue()) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    final double number(JsonToken t) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
            throw mismatch("a number", t);
        }
        return p.getDoubleValue();
    }

    final long count(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return 0;
        }
        if (t != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0) {
            throw mismatch("a token count (an integer >= 0)", t);
        }
        return p.getLongValue();
    }

    final void expect(JsonToken actual, JsonToken expected, String description) throws IOException {
        if (actual != expected) {
            throw mismatch(description, actual);
        }
    }

    final MalformedResponseException mismatch(String expected, JsonToken actual) throws IOException {
        return malformed("expected " + expected + ", found " + describe(actual), CompletionReader.pathOf(p.getParsingContext()));
    }

    private String describe(JsonToken t) throws IOException {
        if (t == null) {
            return "the end of the data";
        }
        switch (t) {
            case VALUE_STRING: {
                String s = p.getText();
                return "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + '"';
            }
            case VALUE_NUMBER_INT: case VALUE_NUMBER_FLOAT: return "the number " + p.getText();
            case VALUE_TRUE: case VALUE_FALSE: return "the boolean " + p.getText();
            case VALUE_NULL: return "null";
            case START_OBJECT: return "an object";
            case START_ARRAY: return "an array";
            default: return "'" + t.asString() + "'";
        }
    }

    final MalformedResponseException malformed(String problem, String path) {
        return new MalformedResponseException(what + " is not a valid " + kind + ": " + problem, path, null);
    }
}
