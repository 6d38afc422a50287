package dev.logprobs4j.openai.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import dev.logprobs4j.MalformedResponseException;
import dev.logprobs4j.http.internal.ByteScratch;
import dev.logprobs4j.http.internal.JsonSupport;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import dev.logprobs4j.Usage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The parsing steps the Chat Completions, Responses and legacy Completions readers share: typed reads from Jackson's
 * streaming parser that fail with a {@link MalformedResponseException} naming the JSON path. One
 * instance reads one document; not thread-safe.
 */
abstract class WireReader {

    final JsonParser p;
    private final ByteScratch bytesScratch = new ByteScratch();
    private final List<TopLogprob> topScratch = new ArrayList<>();
    final String what;
    private final String kind;

    WireReader(JsonParser p, String what, String kind) {
        this.p = p;
        this.what = what;
        this.kind = kind;
    }

    /** A parser over UTF-8 {@code bytes}: Jackson's byte parser, which skips decoding to chars first. */
    static JsonParser parser(byte[] bytes, String what) {
        try {
            return JsonSupport.FACTORY.createParser(bytes);
        } catch (IOException e) {
            throw new MalformedResponseException("cannot read " + what + ": " + e.getMessage(), null, e);
        }
    }

    static JsonParser parser(String text, String what) {
        try {
            return JsonSupport.FACTORY.createParser(text);
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
                    JsonSupport.path(p.getParsingContext()) + (offset >= 0 ? " (character " + offset + " of " + what + ")" : ""), e);
        } catch (IOException e) {
            throw new MalformedResponseException("cannot read " + what + ": " + e.getMessage(), JsonSupport.path(p.getParsingContext()), e);
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
     * {@code top_logprobs}), an empty list for null; bytes missing from the wire go through {@link #bytesOf}.
     */
    final List<TokenLogprob> readTokens(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return List.of();
        }
        expect(t, JsonToken.START_ARRAY, "an array or null");
        List<TokenLogprob> tokens = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expect(p.currentToken(), JsonToken.START_OBJECT, "a token object");
            tokens.add(readEntry());
        }
        return tokens;
    }

    /**
     * The alternatives of one token, each read straight into a {@link TopLogprob} (whose defensive
     * copy is the only copy its bytes get) and collected in a reused list that the token copies.
     */
    private List<TopLogprob> readTop(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return List.of();
        }
        expect(t, JsonToken.START_ARRAY, "an array or null");
        topScratch.clear();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expect(p.currentToken(), JsonToken.START_OBJECT, "a top_logprobs entry");
            JsonStreamContext at = p.getParsingContext().getParent();
            String token = null;
            byte[] bytes = null;
            double logprob = Double.NaN;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "token" -> token = string(v);
                    case "bytes" -> bytes = bytesScratch.read(p);
                    case "logprob" -> logprob = number(v);
                    default -> p.skipChildren(); // an alternative's own top_logprobs, say
                }
            }
            checkEntry(token, logprob, at);
            try {
                topScratch.add(new TopLogprob(token, bytesOf(token, bytes), logprob));
            } catch (IllegalArgumentException e) {
                throw malformed(e.getMessage(), JsonSupport.path(at) + ".logprob");
            }
        }
        return topScratch;
    }

    /** One {@code {token, bytes, logprob, top_logprobs}} object the parser has just entered. */
    private TokenLogprob readEntry() throws IOException {
        // The enclosing array's context keeps this entry's index until the entry ends, so the path is built
        // from it only when an error needs it (building it for every entry cost ~12% of a streamed token).
        JsonStreamContext at = p.getParsingContext().getParent();
        String token = null;
        byte[] bytes = null;
        double logprob = Double.NaN;
        List<TopLogprob> top = List.of();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "token" -> token = string(v);
                case "bytes" -> bytes = JsonSupport.bytes(p); // its own array: the alternatives reuse the scratch
                case "logprob" -> logprob = number(v);
                case "top_logprobs" -> top = readTop(v);
                default -> p.skipChildren();
            }
        }
        checkEntry(token, logprob, at);
        try {
            return new TokenLogprob(token, bytesOf(token, bytes), logprob, top);
        } catch (IllegalArgumentException e) {
            throw malformed(e.getMessage(), JsonSupport.path(at) + ".logprob");
        }
    }

    private void checkEntry(String token, double logprob, JsonStreamContext at) {
        if (token == null) {
            throw malformed("a logprobs entry has no \"token\" (a string)", JsonSupport.path(at) + ".token");
        }
        if (Double.isNaN(logprob)) {
            throw malformed("a logprobs entry has no \"logprob\" (a number)", JsonSupport.path(at) + ".logprob");
        }
    }

    private <T> T skip(T unchanged) throws IOException {
        p.skipChildren();
        return unchanged;
    }

    /** {@code value}, or {@code previous} when it is null (a null field leaves what an earlier one set). */
    static <T> T orElse(T value, T previous) {
        return value != null ? value : previous;
    }

    /** The bytes a token gets: those sent, or the UTF-8 encoding of its text when none were. */
    byte[] bytesOf(String token, byte[] sent) {
        return sent != null ? sent : JsonSupport.utf8(token);
    }

    /**
     * Chat and legacy Completions' {@code usage} object, null for null: prompt, completion and total
     * tokens (the total defaults to their sum); {@code details}, when not null, gets its
     * {@code *_details} objects.
     */
    final Usage readUsage(JsonToken t, Map<String, Object> details) throws IOException {
        return readUsage(t, details, "prompt_tokens", "completion_tokens");
    }

    /** {@link #readUsage(JsonToken, Map)} with these names for the prompt and completion counts (Responses: input, output). */
    final Usage readUsage(JsonToken t, Map<String, Object> details, String promptField, String completionField) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t, JsonToken.START_OBJECT, "an object or null");
        long prompt = 0;
        long completion = 0;
        long total = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (name.equals(promptField)) {
                prompt = count(v);
                continue;
            }
            if (name.equals(completionField)) {
                completion = count(v);
                continue;
            }
            switch (name) {
                case "total_tokens" -> total = count(v);
                default -> {
                    if (details != null && name.endsWith("_details") && v != JsonToken.VALUE_NULL) {
                        details.put(name, JsonSupport.value(p));
                    } else {
                        p.skipChildren();
                    }
                }
            }
        }
        return new Usage(prompt, completion, total < 0 ? prompt + completion : total);
    }

    /** An {@code error} field's value, null for null: a message string, or an object read by {@link #readErrorFields}. */
    final CompletionReader.ProviderError readErrorValue(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t == JsonToken.VALUE_STRING) {
            return new CompletionReader.ProviderError(null, null, null, p.getText());
        }
        expect(t, JsonToken.START_OBJECT, "an error object");
        return readErrorFields(null);
    }

    /**
     * The {@code message}, {@code type}, {@code code} and {@code param} of the object the parser is
     * in. With {@code nested} (a top-level body, vLLM's flat form or OpenAI's {@code {"error": {...}}}),
     * an {@code error} field inside goes to {@code nested[0]}, and the result is null without a message.
     */
    final CompletionReader.ProviderError readErrorFields(CompletionReader.ProviderError[] nested) throws IOException {
        String message = null;
        String type = null;
        String code = null;
        String param = null;
        boolean any = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "message" -> {
                    message = scalarText(v);
                    any = true;
                }
                case "type" -> type = scalarText(v);
                case "code" -> code = scalarText(v);
                case "param" -> param = scalarText(v);
                case "error" -> {
                    CompletionReader.ProviderError inner = nested != null ? readErrorValue(v) : skip(null);
                    if (inner != null) {
                        nested[0] = inner;
                    }
                }
                default -> p.skipChildren();
            }
        }
        return any || nested == null ? new CompletionReader.ProviderError(type, code, param, message) : null;
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
        return malformed("expected " + expected + ", found " + describe(actual), JsonSupport.path(p.getParsingContext()));
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
