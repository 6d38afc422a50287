package dev.logprobs4j.openai.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonToken;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatRequest;
import dev.logprobs4j.Choice;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.MalformedResponseException;
import dev.logprobs4j.Message;
import dev.logprobs4j.ResponseInfo;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import dev.logprobs4j.Usage;
import dev.logprobs4j.http.internal.JsonSupport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The legacy Completions API ({@code POST /completions}) on the wire, as OpenAI and vLLM serve it:
 * a prompt string in, {@code choices[].text} and the old logprobs shape ({@code tokens},
 * {@code token_logprobs}, {@code top_logprobs} as {@code {token: logprob}} maps, {@code text_offset})
 * out, mapped to the common {@link Logprobs}. Stateless and thread-safe.
 */
public final class CompletionsWire {

    private CompletionsWire() {
    }

    /** The prompt: the messages' texts joined as they are (no chat template; this API takes raw text). */
    public static String prompt(ChatRequest request) {
        StringBuilder s = new StringBuilder();
        for (Message m : request.messages()) {
            s.append(m.content());
        }
        return s.toString();
    }

    /**
     * The JSON body: {@code logprobs: k} (the legacy integer, {@code topLogprobs} or 0) when logprobs
     * are asked for, and {@code echo} when set.
     */
    public static byte[] write(String model, ChatRequest request, boolean stream, boolean streamUsage, boolean echo) {
        ChatOptions o = request.options();
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JsonSupport.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("model", model);
            g.writeStringField("prompt", prompt(request));
            RequestWriter.writeStream(g, stream, streamUsage);
            if (o.wantsLogprobs()) {
                g.writeNumberField("logprobs", o.topLogprobs() == null ? 0 : o.topLogprobs());
            }
            if (echo) {
                g.writeBooleanField("echo", true);
            }
            RequestWriter.writeSampling(g, o, "max_tokens");
            RequestWriter.writeStopAndN(g, o);
            RequestWriter.writeExtra(g, o, Set.of("model", "prompt", "stream", "stream_options", "echo"),
                    "echo is a builder setting; streaming follows stream(...) or invoke(...)");
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory does not fail
        }
        return out.toByteArray();
    }

    /**
     * A whole {@code text_completion} body as a message.
     *
     * @param wantLogprobs whether logprobs were asked for: only then does the message carry them
     */
    public static AIMessage read(byte[] bytes, boolean wantLogprobs, int status) {
        String body = new String(bytes, StandardCharsets.UTF_8);
        Reader r = new Reader(WireReader.parser(bytes, "the response body"), "the response body", false, wantLogprobs);
        r.readRoot();
        if (r.error != null) {
            throw r.error.toException(status, body);
        }
        if (r.choices.isEmpty()) {
            throw new MalformedResponseException("the response body has no choices; expected a text_completion object"
                    + " with at least one entry in \"choices\"", "$.choices", null);
        }
        checkDistinctIndexes(r.choices, "the response body");
        return new AIMessage(r.choices, r.info(), body);
    }

    /** Two choices with one index cannot be told apart (fuzzing finding: it threw IllegalArgumentException). */
    private static void checkDistinctIndexes(List<Choice> choices, String where) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int i = 0; i < choices.size(); i++) {
            if (!seen.add(choices.get(i).index())) {
                throw new MalformedResponseException("choice index " + choices.get(i).index() + " appears twice in " + where,
                        "$.choices[" + i + "].index", null);
            }
        }
    }

    /** Streamed {@code text_completion} events, ending with {@code [DONE]}. */
    public static OpenAiChunkSource.Decoder decoder(boolean wantLogprobs) {
        return new OpenAiChunkSource.Decoder() {
            @Override
            public AIMessageChunk decode(String type, byte[] bytes, int eventNumber) {
                Reader r = new Reader(WireReader.parser(bytes, "event " + eventNumber + " of the stream"),
                        "event " + eventNumber + " of the stream", true, wantLogprobs);
                r.readRoot();
                if (r.error != null) {
                    throw r.error.toException(0, new String(bytes, StandardCharsets.UTF_8));
                }
                checkDistinctIndexes(r.choices, "event " + eventNumber + " of the stream");
                return AIMessageChunk.ofUtf8(r.choices, r.info(), bytes);
            }

            @Override
            public boolean done() {
                return false;
            }

            @Override
            public AIMessage whole(byte[] body) {
                return read(body, wantLogprobs, 200);
            }
        };
    }

    private static final class Reader extends WireReader {
        private final boolean chunk;
        private final boolean wantLogprobs;
        String id;
        String model;
        String systemFingerprint;
        Usage usage;
        final List<Choice> choices = new ArrayList<>();
        final Map<String, Object> extra = new LinkedHashMap<>();
        CompletionReader.ProviderError error;

        Reader(com.fasterxml.jackson.core.JsonParser p, String what, boolean chunk, boolean wantLogprobs) {
            super(p, what, "text completion");
            this.chunk = chunk;
            this.wantLogprobs = wantLogprobs;
        }

        ResponseInfo info() {
            return new ResponseInfo(id, model, systemFingerprint, usage, extra);
        }

        @Override
        void field(String name, JsonToken t) throws IOException {
            switch (name) {
                case "id": id = string(t); break;
                case "model": model = string(t); break;
                case "system_fingerprint": systemFingerprint = string(t); break;
                case "choices": readChoices(t); break;
                case "usage": usage = orElse(readUsage(t, null), usage); break;
                case "error": error = orElse(readErrorValue(t), error); break;
                case "created":
                    if (!chunk && t != JsonToken.VALUE_NULL) {
                        extra.put(name, JsonSupport.value(p));
                    } else {
                        p.skipChildren();
                    }
                    break;
                default: p.skipChildren();
            }
        }

        private void readChoices(JsonToken t) throws IOException {
            if (t == JsonToken.VALUE_NULL) {
                return;
            }
            expect(t, JsonToken.START_ARRAY, "an array");
            int position = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                expect(p.currentToken(), JsonToken.START_OBJECT, "a choice object");
                choices.add(readChoice(position++));
            }
        }

        private Choice readChoice(int position) throws IOException {
            int index = position;
            String text = null;
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
                    case "text": text = string(t); break;
                    case "logprobs": logprobs = readLogprobs(t); break;
                    case "finish_reason": finishReason = string(t); break;
                    case "prompt_logprobs":
                        if (position == 0 && !chunk && t != JsonToken.VALUE_NULL) {
                            extra.putIfAbsent("prompt_logprobs", JsonSupport.value(p));
                        } else {
                            p.skipChildren();
                        }
                        break;
                    default: p.skipChildren();
                }
            }
            if (logprobs == null && wantLogprobs) {
                logprobs = Logprobs.EMPTY; // e.g. the finish chunk: the tokens came before
            }
            return new Choice(index, text, null, wantLogprobs ? logprobs : null, finishReason);
        }

        /**
         * The legacy parallel arrays as tokens. A {@code null} in {@code token_logprobs} (the first
         * token of an echoed prompt: nothing precedes it) has no value to give: that token is left
         * out, its text stays in the choice's text. Alternatives come from the {@code {token: logprob}}
         * map, most likely first; bytes are the UTF-8 encoding of the token text (the API sends none).
         */
        private Logprobs readLogprobs(JsonToken t) throws IOException {
            if (t == JsonToken.VALUE_NULL) {
                return null;
            }
            expect(t, JsonToken.START_OBJECT, "an object or null");
            List<String> tokens = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            List<List<TopLogprob>> tops = new ArrayList<>();
            String at = JsonSupport.path(p.getParsingContext());
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "tokens":
                        expect(v, JsonToken.START_ARRAY, "an array of strings");
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            String s = string(p.currentToken());
                            if (s == null) {
                                throw mismatch("a token string", JsonToken.VALUE_NULL);
                            }
                            tokens.add(s);
                        }
                        break;
                    case "token_logprobs":
                        expect(v, JsonToken.START_ARRAY, "an array of numbers or nulls");
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            JsonToken n = p.currentToken();
                            values.add(n == JsonToken.VALUE_NULL ? null : number(n));
                        }
                        break;
                    case "top_logprobs":
                        if (v == JsonToken.VALUE_NULL) {
                            break;
                        }
                        expect(v, JsonToken.START_ARRAY, "an array of objects or nulls");
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            tops.add(readTopMap(p.currentToken()));
                        }
                        break;
                    default: p.skipChildren();
                }
            }
            if (values.size() != tokens.size() || !tops.isEmpty() && tops.size() != tokens.size()) {
                throw malformed("logprobs arrays differ in length: " + tokens.size() + " tokens, " + values.size()
                        + " token_logprobs, " + tops.size() + " top_logprobs", at);
            }
            List<TokenLogprob> out = new ArrayList<>(tokens.size());
            for (int i = 0; i < tokens.size(); i++) {
                if (values.get(i) == null) {
                    continue;
                }
                String token = tokens.get(i);
                try {
                    out.add(new TokenLogprob(token, JsonSupport.utf8(token), values.get(i), tops.isEmpty() ? List.of() : tops.get(i)));
                } catch (IllegalArgumentException e) {
                    throw malformed(e.getMessage(), at + ".token_logprobs[" + i + "]");
                }
            }
            return Logprobs.of(out);
        }

        private List<TopLogprob> readTopMap(JsonToken t) throws IOException {
            if (t == JsonToken.VALUE_NULL) {
                return List.of();
            }
            expect(t, JsonToken.START_OBJECT, "a {token: logprob} object or null");
            List<TopLogprob> top = new ArrayList<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String token = p.currentName();
                double logprob = number(p.nextToken());
                try {
                    top.add(new TopLogprob(token, JsonSupport.utf8(token), logprob));
                } catch (IllegalArgumentException e) {
                    throw malformed(e.getMessage(), JsonSupport.path(p.getParsingContext()));
                }
            }
            top.sort(Comparator.comparingDouble(TopLogprob::logprob).reversed()); // stable: ties keep the server's order
            return top;
        }
    }
}
