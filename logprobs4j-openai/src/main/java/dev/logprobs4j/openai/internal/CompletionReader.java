package dev.logprobs4j.openai.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.Choice;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.MalformedResponseException;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.ResponseInfo;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import dev.logprobs4j.Usage;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads OpenAI's {@code chat.completion} and {@code chat.completion.chunk} objects with Jackson's
 * streaming parser straight into the core records: no tree, no databind. Unknown fields are skipped.
 * Every problem becomes a {@link MalformedResponseException} naming the JSON path (for example
 * {@code $.choices[0].logprobs.content[2].logprob}). One instance reads one document; not thread-safe.
 */
public final class CompletionReader {

    /** Shared and thread-safe; limits keep hostile bodies from allocating absurd sizes. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(16 << 20).build())
            .build();

    private final JsonParser p;
    private final String what;
    private final boolean chunk;

    private String id;
    private String model;
    private String systemFingerprint;
    private Usage usage;
    private final Map<String, Object> extra = new LinkedHashMap<>();
    private final List<Choice> choices = new ArrayList<>();
    private boolean sawChoices;
    private ProviderError error;

    private CompletionReader(JsonParser p, String what, boolean chunk) {
        this.p = p;
        this.what = what;
        this.chunk = chunk;
    }

    /**
     * A whole {@code chat.completion} body as a message; {@code raw} becomes {@link AIMessage#raw()}.
     *
     * @throws ProviderException          when the body is an error object
     * @throws MalformedResponseException naming the JSON path of the problem
     */
    public static AIMessage readCompletion(byte[] body, String raw, int status) {
        CompletionReader r;
        try {
            r = new CompletionReader(JSON.createParser(body), "the response body", false);
        } catch (IOException e) {
            throw new MalformedResponseException("cannot read the response body: " + e.getMessage(), null, e);
        }
        r.readDocument();
        if (r.error != null) {
            throw r.error.toException(status, raw);
        }
        if (!r.sawChoices || r.choices.isEmpty()) {
            throw new MalformedResponseException("the response body has no choices; expected a chat.completion object"
                    + " with at least one entry in \"choices\"", "$.choices", null);
        }
        return new AIMessage(r.choices, r.info(), raw);
    }

    /**
     * One streamed {@code chat.completion.chunk} (the JSON of an SSE event's data) as a chunk.
     *
     * @param eventNumber 1-based number of the event in the stream, for messages
     * @throws ProviderException          when the event is an error object
     * @throws MalformedResponseException naming the JSON path of the problem
     */
    public static AIMessageChunk readChunk(String data, int eventNumber) {
        CompletionReader r;
        try {
            r = new CompletionReader(JSON.createParser(data), "event " + eventNumber + " of the stream", true);
        } catch (IOException e) {
            throw new MalformedResponseException("cannot read event " + eventNumber + ": " + e.getMessage(), null, e);
        }
        r.readDocument();
        if (r.error != null) {
            throw r.error.toException(0, data);
        }
        return AIMessageChunk.of(r.choices, r.info(), data);
    }

    /**
     * The provider's error object in {@code body} ({@code {"error": {...}}}, or the flat form of vLLM),
     * or {@code null} when the body is not such JSON.
     */
    public static ProviderError readError(String body) {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            CompletionReader r = new CompletionReader(parser, "the error body", false);
            ProviderError flat = r.readErrorFields(true);
            return r.error != null ? r.error : flat;
        } catch (IOException | MalformedResponseException e) {
            return null;
        }
    }

    private ResponseInfo info() {
        return new ResponseInfo(id, model, systemFingerprint, usage, extra);
    }

    private void readDocument() {
        try {
            expect(p.nextToken(), JsonToken.START_OBJECT, "an object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "id": id = string(t); break;
                    case "model": model = string(t); break;
                    case "system_fingerprint": systemFingerprint = string(t); break;
                    case "choices": readChoices(t); break;
                    case "usage": readUsage(t); break;
                    case "error": readErrorObject(t); break;
                    case "prompt_logprobs": readPromptLogprobs(t); break;
                    case "created": case "service_tier":
                        // Streamed chunks repeat these; merging them would add or concatenate, so only whole responses keep them.
                        if (!chunk && t != JsonToken.VALUE_NULL) {
                            extra.put(name, value(t));
                        } else {
                            p.skipChildren();
                        }
                        break;
                    default: p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw mismatch("a field name or '}'", p.currentToken());
            }
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw malformed("unexpected data after the end of the JSON object (" + describe(trailing) + ")", "$");
            }
        } catch (JsonProcessingException e) {
            String path = pathOf(p.getParsingContext());
            long offset = e.getLocation() == null ? -1 : Math.max(e.getLocation().getCharOffset(), e.getLocation().getByteOffset());
            throw new MalformedResponseException(what + " is not valid JSON: " + e.getOriginalMessage(),
                    path + (offset >= 0 ? " (character " + offset + " of " + what + ")" : ""), e);
        } catch (IOException e) {
            throw new MalformedResponseException("cannot read " + what + ": " + e.getMessage(), pathOf(p.getParsingContext()), e);
        }
    }

    private void readChoices(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        expect(t, JsonToken.START_ARRAY, "an array");
        sawChoices = true;
        int position = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expect(p.currentToken(), JsonToken.START_OBJECT, "a choice object");
            choices.add(readChoice(position++));
        }
        for (int i = 0; i < choices.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (choices.get(i).index() == choices.get(j).index()) {
                    throw malformed("choice index " + choices.get(i).index() + " appears twice", "$.choices[" + i + "].index");
                }
            }
        }
    }

    private Choice readChoice(int position) throws IOException {
        int index = position;
        String content = null;
        String refusal = null;
        Logprobs logprobs = null;
        String finishReason = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "index":
                    if (t != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0 || p.getLongValue() > 1_000_000) {
                        throw mismatch("a choice index (an integer >= 0)", t);
                    }
                    index = p.getIntValue();
                    break;
                case "message": case "delta":
                    if (t == JsonToken.VALUE_NULL) {
                        break;
                    }
                    expect(t, JsonToken.START_OBJECT, "an object");
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String field = p.currentName();
                        JsonToken v = p.nextToken();
                        if (field.equals("content")) {
                            content = string(v);
                        } else if (field.equals("refusal")) {
                            refusal = string(v);
                        } else {
                            p.skipChildren();
                        }
                    }
                    break;
                case "logprobs": logprobs = readLogprobs(t); break;
                case "finish_reason": finishReason = string(t); break;
                case "prompt_logprobs":
                    // vLLM's /v1/completions puts them per choice; every choice has the same prompt.
                    if (position == 0) {
                        readPromptLogprobs(t);
                    } else {
                        p.skipChildren();
                    }
                    break;
                default: p.skipChildren();
            }
        }
        return new Choice(index, content, refusal, logprobs, finishReason);
    }

    /**
     * vLLM's {@code prompt_logprobs} (a list of null or {@code {token_id: {logprob, rank,
     * decoded_token}}}), kept as vLLM sent it in {@code extra} under its wire name: that is what
     * LangChain shows, and {@code VllmPromptLogprobs} reads it typed. Checked here so that a bad
     * entry is reported with its JSON path.
     */
    private void readPromptLogprobs(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        expect(t, JsonToken.START_ARRAY, "an array or null");
        List<Object> positions = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            JsonToken v = p.currentToken();
            if (v == JsonToken.VALUE_NULL) {
                positions.add(null);
                continue;
            }
            expect(v, JsonToken.START_OBJECT, "null or an object of token ids");
            Map<String, Object> byId = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String id = p.currentName();
                expect(p.nextToken(), JsonToken.START_OBJECT, "an object with logprob, rank and decoded_token");
                Map<String, Object> entry = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken f = p.nextToken();
                    switch (name) {
                        case "logprob": entry.put(name, number(f)); break;
                        case "rank": entry.put(name, f == JsonToken.VALUE_NULL ? null : count(f)); break;
                        case "decoded_token": entry.put(name, string(f)); break;
                        default: p.skipChildren();
                    }
                }
                byId.put(id, entry);
            }
            positions.add(byId);
        }
        if (!chunk) {
            extra.putIfAbsent("prompt_logprobs", positions);
        }
    }

    private Logprobs readLogprobs(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t, JsonToken.START_OBJECT, "an object or null");
        List<TokenLogprob> content = null;
        List<TokenLogprob> refusal = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (name.equals("content")) {
                content = readTokens(v);
            } else if (name.equals("refusal")) {
                refusal = readTokens(v);
            } else {
                p.skipChildren();
            }
        }
        return new Logprobs(content, refusal);
    }

    private List<TokenLogprob> readTokens(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t, JsonToken.START_ARRAY, "an array or null");
        List<TokenLogprob> tokens = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expect(p.currentToken(), JsonToken.START_OBJECT, "a token object");
            String at = pathOf(p.getParsingContext().getParent());
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
            requireTokenFields(token, logprob, at);
            try {
                tokens.add(new TokenLogprob(token, bytes, logprob, top));
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
            String at = pathOf(p.getParsingContext().getParent());
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
            requireTokenFields(token, logprob, at);
            try {
                top.add(new TopLogprob(token, bytes, logprob));
            } catch (IllegalArgumentException e) {
                throw malformed(e.getMessage(), at + ".logprob");
            }
        }
        return top;
    }

    private void requireTokenFields(String token, double logprob, String at) {
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

    private void readUsage(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        expect(t, JsonToken.START_OBJECT, "an object or null");
        long prompt = 0;
        long completion = 0;
        long total = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "prompt_tokens": prompt = count(v); break;
                case "completion_tokens": completion = count(v); break;
                case "total_tokens": total = count(v); break;
                default:
                    if (name.endsWith("_details") && v != JsonToken.VALUE_NULL) {
                        extra.put(name, value(v));
                    } else {
                        p.skipChildren();
                    }
            }
        }
        usage = new Usage(prompt, completion, total < 0 ? prompt + completion : total);
    }

    private void readErrorObject(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t == JsonToken.VALUE_STRING) {
            error = new ProviderError(null, null, null, p.getText());
            return;
        }
        expect(t, JsonToken.START_OBJECT, "an error object");
        error = readErrorFields(false);
    }

    /** Reads {@code message}, {@code type}, {@code code}, {@code param} of the object the parser is in. */
    private ProviderError readErrorFields(boolean topLevel) throws IOException {
        String message = null;
        String type = null;
        String code = null;
        String param = null;
        boolean any = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "message": message = scalarText(v); any = true; break;
                case "type": type = scalarText(v); break;
                case "code": code = scalarText(v); break;
                case "param": param = scalarText(v); break;
                case "error":
                    if (topLevel) {
                        readErrorObject(v);
                    } else {
                        p.skipChildren();
                    }
                    break;
                default: p.skipChildren();
            }
        }
        return any || !topLevel ? new ProviderError(type, code, param, message) : null;
    }

    private String scalarText(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t.isScalarValue()) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    /** Any JSON value as maps, lists, strings, longs, doubles, booleans and null. */
    private Object value(JsonToken t) throws IOException {
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

    private String string(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw mismatch("a string or null", t);
        }
        return p.getText();
    }

    private double number(JsonToken t) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
            throw mismatch("a number", t);
        }
        return p.getDoubleValue();
    }

    private long count(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return 0;
        }
        if (t != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0) {
            throw mismatch("a token count (an integer >= 0)", t);
        }
        return p.getLongValue();
    }

    private void expect(JsonToken actual, JsonToken expected, String description) throws IOException {
        if (actual != expected) {
            throw mismatch(description, actual);
        }
    }

    private MalformedResponseException mismatch(String expected, JsonToken actual) throws IOException {
        return malformed("expected " + expected + ", found " + describe(actual), pathOf(p.getParsingContext()));
    }

    private String describe(JsonToken t) throws IOException {
        if (t == null) {
            return "the end of the data";
        }
        switch (t) {
            case VALUE_STRING: return "the string " + quote(p.getText());
            case VALUE_NUMBER_INT: case VALUE_NUMBER_FLOAT: return "the number " + p.getText();
            case VALUE_TRUE: case VALUE_FALSE: return "the boolean " + p.getText();
            case VALUE_NULL: return "null";
            case START_OBJECT: return "an object";
            case START_ARRAY: return "an array";
            default: return "'" + t.asString() + "'";
        }
    }

    private static String quote(String s) {
        return '"' + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + '"';
    }

    private MalformedResponseException malformed(String problem, String path) {
        return new MalformedResponseException(what + " is not a valid chat completion: " + problem, path, null);
    }

    /** A Jackson parsing context as a JSON path: {@code $.choices[0].logprobs.content[2].logprob}. */
    public static String pathOf(JsonStreamContext ctx) {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.inObject() && c.getCurrentName() != null) {
                parts.push("." + c.getCurrentName());
            }
        }
        StringBuilder s = new StringBuilder("$");
        parts.forEach(s::append);
        return s.toString();
    }

    /** The fields of a provider's error object: immutable. */
    public record ProviderError(String type, String code, String param, String message) {

        /** The exception for this error, answered with HTTP {@code status} (0 inside a stream). */
        public ProviderException toException(int status, String body) {
            return new ProviderException(status, type, code, param, message, body);
        }
    }
}
