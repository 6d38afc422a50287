package dev.logprobs4j.openai.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatRequest;
import dev.logprobs4j.Message;
import dev.logprobs4j.http.internal.JsonSupport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;

/**
 * Writes a Chat Completions request body with Jackson's streaming generator. Only options that are
 * set are sent, so servers apply their own defaults. Stateless and thread-safe.
 */
public final class RequestWriter {


    private RequestWriter() {
    }

    /**
     * The JSON body for {@code request}.
     *
     * @param stream              whether to ask for an SSE stream
     * @param streamUsage         whether to ask for the usage-only last chunk ({@code stream_options.include_usage})
     * @param maxCompletionTokens write the token limit as {@code max_completion_tokens} instead of {@code max_tokens}
     */
    public static byte[] write(String model, ChatRequest request, boolean stream, boolean streamUsage, boolean maxCompletionTokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        ChatOptions o = request.options();
        try (JsonGenerator g = JsonSupport.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("model", model);
            g.writeArrayFieldStart("messages");
            for (Message m : request.messages()) {
                g.writeStartObject();
                g.writeStringField("role", m.role().wireName());
                g.writeStringField("content", m.content());
                g.writeEndObject();
            }
            g.writeEndArray();
            writeStream(g, stream, streamUsage);
            if (o.logprobs() != null) {
                g.writeBooleanField("logprobs", o.logprobs());
            }
            if (o.topLogprobs() != null) {
                g.writeNumberField("top_logprobs", o.topLogprobs());
            }
            writeSampling(g, o, maxCompletionTokens ? "max_completion_tokens" : "max_tokens");
            writeStopAndN(g, o);
            if (o.responseFormat() != null) {
                g.writeFieldName("response_format");
                JsonSupport.write(g, o.responseFormat().toWire());
            }
            writeExtra(g, o, Set.of("model", "messages", "stream", "stream_options"),
                    "streaming is chosen by calling stream(...) or invoke(...)");
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory does not fail
        }
        return out.toByteArray();
    }

    /** {@code stream: true}, with {@code stream_options.include_usage} when {@code streamUsage}; nothing for blocking calls. */
    static void writeStream(JsonGenerator g, boolean stream, boolean streamUsage) throws IOException {
        if (stream) {
            g.writeBooleanField("stream", true);
            if (streamUsage) {
                g.writeObjectFieldStart("stream_options");
                g.writeBooleanField("include_usage", true);
                g.writeEndObject();
            }
        }
    }

    /** {@code temperature}, {@code top_p}, {@code seed} and the token limit (as {@code maxTokensField}), those that are set. */
    static void writeSampling(JsonGenerator g, ChatOptions o, String maxTokensField) throws IOException {
        if (o.temperature() != null) {
            g.writeNumberField("temperature", o.temperature());
        }
        if (o.topP() != null) {
            g.writeNumberField("top_p", o.topP());
        }
        if (o.seed() != null) {
            g.writeNumberField("seed", o.seed());
        }
        if (o.maxTokens() != null) {
            g.writeNumberField(maxTokensField, o.maxTokens());
        }
    }

    /** {@code stop} (when not empty) and {@code n}, those that are set. */
    static void writeStopAndN(JsonGenerator g, ChatOptions o) throws IOException {
        if (o.stop() != null && !o.stop().isEmpty()) {
            g.writeArrayFieldStart("stop");
            for (String s : o.stop()) {
                g.writeString(s);
            }
            g.writeEndArray();
        }
        if (o.n() != null) {
            g.writeNumberField("n", o.n());
        }
    }

    /**
     * The {@link ChatOptions#extra()} fields as they are.
     *
     * @param ours fields the client writes itself: an extra option naming one is refused
     * @param hint how to set what such an option was after, for the exception's message
     */
    static void writeExtra(JsonGenerator g, ChatOptions o, Set<String> ours, String hint) throws IOException {
        for (Map.Entry<String, Object> e : o.extra().entrySet()) {
            if (ours.contains(e.getKey())) {
                throw new IllegalArgumentException("extra option '" + e.getKey() + "' is set by the client itself; remove it"
                        + " (" + hint + ")");
            }
            g.writeFieldName(e.getKey());
            try {
                JsonSupport.write(g, e.getValue());
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("extra option '" + e.getKey() + "': " + bad.getMessage(), bad);
            }
        }
    }
}
