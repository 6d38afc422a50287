package dev.logprobs4j.cli.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.Choice;
import dev.logprobs4j.Json;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.ResponseInfo;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import dev.logprobs4j.Usage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON the CLI prints with {@code --json}: stateless and thread-safe. A chat answer becomes
 * OpenAI's {@code chat.completion} object; a scored text becomes a {@code logprobs4j.score} object
 * whose {@code logprobs} has the same shape.
 */
public final class OpenAiJson {

    private OpenAiJson() {
    }

    /**
     * OpenAI's {@code chat.completion} object for {@code message}: {@code id}, {@code object},
     * {@code created}, {@code model}, {@code choices[i]} ({@code index}, {@code message}
     * {@code {role, content, refusal}}, {@code logprobs {content: [...]}}, {@code finish_reason}),
     * {@code usage} when known, and {@code system_fingerprint} when known.
     *
     * @param fallbackModel the model name to write when the message does not name one
     * @param created       seconds since the epoch, OpenAI's {@code created}
     */
    public static Map<String, Object> chatCompletion(AIMessage message, String fallbackModel, long created) {
        ResponseInfo info = message.info();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("id", info.id() != null ? info.id() : "chatcmpl-local-" + Long.toHexString(created));
        root.put("object", "chat.completion");
        root.put("created", created);
        root.put("model", info.model() != null ? info.model() : fallbackModel);
        List<Object> choices = new ArrayList<>();
        for (Choice c : message.choices()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", c.index());
            Map<String, Object> msg = new LinkedHashMap<>();
            msg.put("role", "assistant");
            msg.put("content", c.content());
            msg.put("refusal", c.refusal());
            m.put("message", msg);
            m.put("logprobs", logprobs(c.logprobs()));
            m.put("finish_reason", c.finishReason());
            choices.add(m);
        }
        root.put("choices", choices);
        if (message.usage() != null) {
            root.put("usage", usage(message.usage()));
        }
        if (info.systemFingerprint() != null) {
            root.put("system_fingerprint", info.systemFingerprint());
        }
        return root;
    }

    /**
     * The score object: {@code object "logprobs4j.score"}, {@code model}, {@code text},
     * {@code unscored} (leading tokens nothing predicts), {@code logprobs {content: [...]}} in
     * OpenAI's shape, {@code usage {prompt_tokens}}, {@code total_logprob} and {@code perplexity}.
     */
    public static Map<String, Object> score(String model, String text, List<String> unscored, Logprobs scored) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("object", "logprobs4j.score");
        root.put("model", model);
        root.put("text", text);
        root.put("unscored", List.copyOf(unscored));
        root.put("logprobs", logprobs(scored));
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("prompt_tokens", unscored.size() + scored.size());
        root.put("usage", usage);
        root.put("total_logprob", scored.totalLogprob());
        root.put("perplexity", scored.perplexity());
        return root;
    }

    /**
     * Writes {@link #score}'s object to {@code json}, field for field and number for number the
     * same, without building maps first: {@code logprobs4j batch} writes one per scored row.
     */
    public static void writeScore(JsonGenerator json, String model, String text, List<String> unscored, Logprobs scored)
            throws IOException {
        json.writeStartObject();
        json.writeStringField("object", "logprobs4j.score");
        json.writeStringField("model", model);
        json.writeStringField("text", text);
        json.writeArrayFieldStart("unscored");
        for (String u : unscored) {
            json.writeString(u);
        }
        json.writeEndArray();
        json.writeObjectFieldStart("logprobs");
        writeTokens(json, "content", scored.content());
        if (scored.refusal() != null) {
            writeTokens(json, "refusal", scored.refusal());
        }
        json.writeEndObject();
        json.writeObjectFieldStart("usage");
        json.writeNumberField("prompt_tokens", unscored.size() + scored.size());
        json.writeEndObject();
        json.writeNumberField("total_logprob", scored.totalLogprob());
        json.writeNumberField("perplexity", scored.perplexity());
        json.writeEndObject();
    }

    private static void writeTokens(JsonGenerator json, String field, List<TokenLogprob> tokens) throws IOException {
        json.writeArrayFieldStart(field);
        for (TokenLogprob t : tokens) {
            json.writeStartObject();
            json.writeStringField("token", t.token());
            writeBytes(json, t.bytes());
            json.writeNumberField("logprob", t.logprob());
            json.writeArrayFieldStart("top_logprobs");
            for (TopLogprob alt : t.topLogprobs()) {
                json.writeStartObject();
                json.writeStringField("token", alt.token());
                writeBytes(json, alt.bytes());
                json.writeNumberField("logprob", alt.logprob());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static void writeBytes(JsonGenerator json, byte[] bytes) throws IOException {
        json.writeFieldName("bytes");
        if (bytes == null) {
            json.writeNull();
            return;
        }
        json.writeStartArray();
        for (byte b : bytes) {
            json.writeNumber(b & 0xFF);
        }
        json.writeEndArray();
    }

    /** OpenAI's {@code logprobs} object for {@code logprobs}, or null when none were returned. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> logprobs(Logprobs logprobs) {
        if (logprobs == null) {
            return null;
        }
        // The core's LangChain view already writes OpenAI's shape: reuse it rather than repeat it.
        AIMessage one = new AIMessage(List.of(new Choice(0, "", null, logprobs, null)), ResponseInfo.EMPTY, null);
        return (Map<String, Object>) one.responseMetadata().get("logprobs");
    }

    /** {@code value} as JSON text, via the core's writer. */
    public static String write(Object value) {
        return Json.write(value);
    }

    private static Map<String, Object> usage(Usage u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prompt_tokens", u.promptTokens());
        m.put("completion_tokens", u.completionTokens());
        m.put("total_tokens", u.totalTokens());
        return m;
    }
}
