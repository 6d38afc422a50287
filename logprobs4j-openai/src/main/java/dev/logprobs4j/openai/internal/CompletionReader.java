package dev.logprobs4j.openai.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.Choice;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.MalformedResponseException;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.ResponseInfo;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.Usage;
import dev.logprobs4j.http.internal.JsonSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads OpenAI's {@code chat.completion} and {@code chat.completion.chunk} objects with Jackson's
 * streaming parser straight into the core records: no tree, no databind. Unknown fields are skipped.
 * Every problem becomes a {@link MalformedResponseException} naming the JSON path (for example
 * {@code $.choices[0].logprobs.content[2].logprob}). One instance reads one document; not thread-safe.
 */
public final class CompletionReader extends WireReader {

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
        super(p, what, "chat completion");
        this.chunk = chunk;
    }

    /**
     * A whole {@code chat.completion} body (UTF-8) as a message; its text becomes {@link AIMessage#raw()}.
     *
     * @throws ProviderException          when the body is an error object
     * @throws MalformedResponseException naming the JSON path of the problem
     */
    public static AIMessage readCompletion(byte[] body, int status) {
        String raw = new String(body, StandardCharsets.UTF_8);
        CompletionReader r;
        try {
            r = new CompletionReader(JsonSupport.FACTORY.createParser(body), "the response body", false);
        } catch (IOException e) {
            throw new MalformedResponseException("cannot read the response body: " + e.getMessage(), null, e);
        }
        r.readRoot();
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
     * @param bytes       the event's data as UTF-8: parsed, then kept as the chunk's raw event
     * @param eventNumber 1-based number of the event in the stream, for messages
     * @throws ProviderException          when the event is an error object
     * @throws MalformedResponseException naming the JSON path of the problem
     */
    public static AIMessageChunk readChunk(byte[] bytes, int eventNumber) {
        CompletionReader r;
        try {
            r = new CompletionReader(JsonSupport.FACTORY.createParser(bytes), "event " + eventNumber + " of the stream", true);
        } catch (IOException e) {
            throw new MalformedResponseException("cannot read event " + eventNumber + ": " + e.getMessage(), null, e);
        }
        r.readRoot();
        if (r.error != null) {
            throw r.error.toException(0, new String(bytes, StandardCharsets.UTF_8));
        }
        return AIMessageChunk.ofUtf8(r.choices, r.info(), bytes);
    }

    /**
     * The provider's error object in {@code body} ({@code {"error": {...}}}, or the flat form of vLLM),
     * or {@code null} when the body is not such JSON.
     */
    public static ProviderError readError(String body) {
        try (JsonParser parser = JsonSupport.FACTORY.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            CompletionReader r = new CompletionReader(parser, "the error body", false);
            ProviderError[] nested = new ProviderError[1];
            ProviderError flat = r.readErrorFields(nested);
            return nested[0] != null ? nested[0] : flat;
        } catch (IOException | MalformedResponseException e) {
            return null;
        }
    }

    private ResponseInfo info() {
        return new ResponseInfo(id, model, systemFingerprint, usage, extra);
    }

    @Override
    void field(String name, JsonToken t) throws IOException {
        switch (name) {
            case "id" -> id = string(t);
            case "model" -> model = string(t);
            case "system_fingerprint" -> systemFingerprint = string(t);
            case "choices" -> readChoices(t);
            case "usage" -> usage = orElse(readUsage(t, extra), usage);
            case "error" -> error = orElse(readErrorValue(t), error);
            case "prompt_logprobs" -> readPromptLogprobs(t);
            case "created", "service_tier" -> {
                // Streamed chunks repeat these; merging them would add or concatenate, so only whole responses keep them.
                if (!chunk && t != JsonToken.VALUE_NULL) {
                    extra.put(name, JsonSupport.value(p));
                } else {
                    p.skipChildren();
                }
            }
            default -> p.skipChildren();
        }
    }

    /** Chat completions keep a token without {@code bytes} as sent: {@code null}, "the provider sent none". */
    @Override
    byte[] bytesOf(String token, byte[] sent) {
        return sent;
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
                content = v == JsonToken.VALUE_NULL ? null : readTokens(v);
            } else if (name.equals("refusal")) {
                refusal = v == JsonToken.VALUE_NULL ? null : readTokens(v);
            } else {
                p.skipChildren();
            }
        }
        return new Logprobs(content, refusal);
    }

    /** The fields of a provider's error object: immutable. */
    public record ProviderError(String type, String code, String param, String message) {

        /** The exception for this error, answered with HTTP {@code status} (0 inside a stream). */
        public ProviderException toException(int status, String body) {
            return new ProviderException(status, type, code, param, message, body);
        }
    }
}
