package dev.logprobs4j.server.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.logprobs4j.Choice;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import dev.logprobs4j.Usage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes OpenAI's response bodies and stream events with Jackson's streaming generator, keys in
 * the order OpenAI sends them (checked against captured OpenAI responses: {@code token},
 * {@code logprob}, {@code bytes}, {@code top_logprobs}; {@code usage} then {@code system_fingerprint}
 * in a completion, {@code system_fingerprint} before {@code choices} in a chunk). Thread-safe.
 */
public final class OpenAiJson {

    /** What {@code system_fingerprint} says: the backend and its version. */
    public static final String SYSTEM_FINGERPRINT = "fp_logprobs4j_0.1.0";

    private static final JsonFactory JSON = new JsonFactory();

    private OpenAiJson() {
    }

    /** Writes one JSON value. */
    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen writing to memory
        }
        return out.toByteArray();
    }

    /** {@code {"error": {"message", "type", "param", "code"}}}. */
    public static byte[] error(ApiException e) {
        return write(g -> {
            g.writeStartObject();
            g.writeFieldName("error");
            g.writeStartObject();
            g.writeStringField("message", e.getMessage());
            g.writeStringField("type", e.type());
            g.writeStringField("param", e.param());
            g.writeStringField("code", e.code());
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /** The {@code chat.completion} object. */
    static byte[] chatCompletion(String id, long created, String model, List<Choice> choices, Usage usage) {
        return chatCompletion(id, created, model, choices, usage, false);
    }

    /** The {@code chat.completion} object; with {@code tokenIds}, logprob entries carry {@code token_id} and {@code rank}. */
    static byte[] chatCompletion(String id, long created, String model, List<Choice> choices, Usage usage, boolean tokenIds) {
        return chatCompletion(id, created, model, choices, usage, tokenIds, false);
    }

    /** {@link #chatCompletion(String, long, String, List, Usage, boolean)}, with {@code forced} flags when {@code forcedField}. */
    static byte[] chatCompletion(String id, long created, String model, List<Choice> choices, Usage usage, boolean tokenIds,
                                 boolean forcedField) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("id", id);
            g.writeStringField("object", "chat.completion");
            g.writeNumberField("created", created);
            g.writeStringField("model", model);
            g.writeArrayFieldStart("choices");
            for (Choice c : choices) {
                g.writeStartObject();
                g.writeNumberField("index", c.index());
                g.writeObjectFieldStart("message");
                g.writeStringField("role", "assistant");
                g.writeStringField("content", c.content());
                g.writeNullField("refusal");
                g.writeEndObject();
                g.writeFieldName("logprobs");
                logprobs(g, c.logprobs() == null ? null : c.logprobs().content(), tokenIds, forcedField);
                g.writeStringField("finish_reason", c.finishReason());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeFieldName("usage");
            usage(g, usage);
            g.writeStringField("system_fingerprint", SYSTEM_FINGERPRINT);
            g.writeEndObject();
        });
    }

    /** What a {@code chat.completion.chunk}'s choice says. */
    enum Delta { ROLE, CONTENT, FINISH }

    /**
     * One {@code chat.completion.chunk} with one choice: the role chunk (empty content, logprobs
     * {@code []} when asked), a content chunk, or the finish chunk ({@code delta: {}}).
     */
    static byte[] chatChunk(String id, long created, String model, boolean usageField, int index, Delta delta,
                            String content, List<TokenLogprob> logprobs, String finishReason) {
        return chatChunk(id, created, model, usageField, index, delta, content, logprobs, finishReason, false);
    }

    /** {@link #chatChunk(String, long, String, boolean, int, Delta, String, List, String)}, with {@code token_id}s when asked. */
    static byte[] chatChunk(String id, long created, String model, boolean usageField, int index, Delta delta,
                            String content, List<TokenLogprob> logprobs, String finishReason, boolean tokenIds) {
        return chatChunk(id, created, model, usageField, index, delta, content, logprobs, finishReason, tokenIds, false);
    }

    /** {@link #chatChunk} with {@code token_id}s and {@code forced} flags (the logprobs_forced extension) when asked. */
    static byte[] chatChunk(String id, long created, String model, boolean usageField, int index, Delta delta,
                            String content, List<TokenLogprob> logprobs, String finishReason, boolean tokenIds, boolean forcedField) {
        return write(g -> {
            chunkHead(g, id, created, model, "chat.completion.chunk");
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", index);
            g.writeObjectFieldStart("delta");
            switch (delta) {
                case ROLE -> {
                    g.writeStringField("role", "assistant");
                    g.writeStringField("content", "");
                    g.writeNullField("refusal");
                }
                case CONTENT -> g.writeStringField("content", content);
                case FINISH -> { }
            }
            g.writeEndObject();
            g.writeFieldName("logprobs");
            logprobs(g, logprobs, tokenIds, forcedField);
            g.writeStringField("finish_reason", finishReason);
            g.writeEndObject();
            g.writeEndArray();
            if (usageField) {
                g.writeNullField("usage");
            }
            g.writeEndObject();
        });
    }

    /** The closing chunk of {@code stream_options.include_usage}: no choices, the usage. */
    static byte[] usageChunk(String id, long created, String model, String object, Usage usage) {
        return write(g -> {
            chunkHead(g, id, created, model, object);
            g.writeArrayFieldStart("choices");
            g.writeEndArray();
            g.writeFieldName("usage");
            usage(g, usage);
            g.writeEndObject();
        });
    }

    private static void chunkHead(JsonGenerator g, String id, long created, String model, String object) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeStringField("object", object);
        g.writeNumberField("created", created);
        g.writeStringField("model", model);
        g.writeStringField("system_fingerprint", SYSTEM_FINGERPRINT);
    }

    /**
     * {@code {"content": [...], "refusal": null}}, or {@code null} when logprobs were not asked. With
     * {@code tokenIds} (the {@code logprobs_token_ids} extension) every entry and alternative also has
     * {@code token_id} and {@code rank} (1 = most likely), where known; with {@code forcedField} (the
     * {@code logprobs_forced} extension) every entry has {@code forced}.
     */
    private static void logprobs(JsonGenerator g, List<TokenLogprob> content, boolean tokenIds, boolean forcedField) throws IOException {
        if (content == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeArrayFieldStart("content");
        for (TokenLogprob t : content) {
            g.writeStartObject();
            g.writeStringField("token", t.token());
            g.writeNumberField("logprob", t.logprob());
            bytes(g, t.bytes());
            if (forcedField) {
                g.writeBooleanField("forced", t.forced());
            }
            if (tokenIds) {
                identity(g, t.tokenId(), t.rank());
            }
            g.writeArrayFieldStart("top_logprobs");
            for (TopLogprob alt : t.topLogprobs()) {
                g.writeStartObject();
                g.writeStringField("token", alt.token());
                g.writeNumberField("logprob", alt.logprob());
                bytes(g, alt.bytes());
                if (tokenIds) {
                    identity(g, alt.tokenId(), alt.rank());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNullField("refusal");
        g.writeEndObject();
    }

    private static void identity(JsonGenerator g, int tokenId, int rank) throws IOException {
        if (tokenId >= 0) {
            g.writeNumberField("token_id", tokenId);
        } else {
            g.writeNullField("token_id");
        }
        if (rank > 0) {
            g.writeNumberField("rank", rank);
        } else {
            g.writeNullField("rank");
        }
    }

    private static void bytes(JsonGenerator g, byte[] bytes) throws IOException {
        g.writeFieldName("bytes");
        if (bytes == null) {
            g.writeNull();
            return;
        }
        g.writeStartArray();
        for (byte b : bytes) {
            g.writeNumber(b & 0xFF);
        }
        g.writeEndArray();
    }

    private static void usage(JsonGenerator g, Usage usage) throws IOException {
        if (usage == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeNumberField("prompt_tokens", usage.promptTokens());
        g.writeNumberField("completion_tokens", usage.completionTokens());
        g.writeNumberField("total_tokens", usage.totalTokens());
        g.writeEndObject();
    }

    /** A {@code text_completion} object (whole response or stream chunk) with one entry per choice. */
    static byte[] textCompletion(String id, long created, String model, List<TextChoice> choices, Usage usage,
                                 boolean usageField) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("id", id);
            g.writeStringField("object", "text_completion");
            g.writeNumberField("created", created);
            g.writeStringField("model", model);
            g.writeArrayFieldStart("choices");
            for (TextChoice c : choices) {
                g.writeStartObject();
                g.writeStringField("text", c.text());
                g.writeNumberField("index", c.index());
                g.writeFieldName("logprobs");
                legacyLogprobs(g, c.logprobs());
                g.writeStringField("finish_reason", c.finishReason());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (usageField) {
                g.writeFieldName("usage");
                usage(g, usage);
            }
            g.writeEndObject();
        });
    }

    /** One choice of a text completion. */
    record TextChoice(int index, String text, LegacyLogprobs logprobs, String finishReason) {
    }

    private static void legacyLogprobs(JsonGenerator g, LegacyLogprobs l) throws IOException {
        if (l == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeArrayFieldStart("tokens");
        for (int i = 0; i < l.size(); i++) {
            g.writeString(l.token(i));
        }
        g.writeEndArray();
        g.writeArrayFieldStart("token_logprobs");
        for (int i = 0; i < l.size(); i++) {
            if (l.isScored(i)) {
                g.writeNumber(l.logprob(i));
            } else {
                g.writeNull();
            }
        }
        g.writeEndArray();
        g.writeArrayFieldStart("top_logprobs");
        for (int i = 0; i < l.size(); i++) {
            List<TopLogprob> top = l.top(i);
            if (top == null) {
                g.writeNull();
                continue;
            }
            g.writeStartObject();
            for (TopLogprob alt : top) {
                g.writeNumberField(alt.token(), alt.logprob());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("text_offset");
        for (int i = 0; i < l.size(); i++) {
            g.writeNumber(l.offset(i));
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** {@code GET /v1/models}: a list holding the served model. */
    static byte[] modelList(String model, long created, int contextLength) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            modelObject(g, model, created, contextLength);
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** {@code GET /v1/models/{id}}. */
    static byte[] model(String model, long created, int contextLength) {
        return write(g -> modelObject(g, model, created, contextLength));
    }

    /** The model object; the context length goes in vLLM's field name and a plain one. */
    private static void modelObject(JsonGenerator g, String model, long created, int contextLength) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", model);
        g.writeStringField("object", "model");
        g.writeNumberField("created", created);
        g.writeStringField("owned_by", "logprobs4j");
        g.writeNumberField("context_length", contextLength);
        g.writeNumberField("max_model_len", contextLength);
        g.writeEndObject();
    }

    /** A {@code data: } event line pair for a JSON payload. */
    static byte[] event(byte[] json) {
        byte[] out = new byte[json.length + 8];
        System.arraycopy(DATA, 0, out, 0, DATA.length);
        System.arraycopy(json, 0, out, DATA.length, json.length);
        out[out.length - 2] = '\n';
        out[out.length - 1] = '\n';
        return out;
    }

    private static final byte[] DATA = "data: ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** The event that ends every OpenAI stream. */
    static final byte[] DONE = "data: [DONE]\n\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
}
