package dev.logprobs4j.openai;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.http.internal.HttpModelCore;
import dev.logprobs4j.http.internal.Transport;
import dev.logprobs4j.openai.OpenAiChatModel.AuthStyle;
import dev.logprobs4j.openai.internal.OpenAiChunkSource;
import java.net.URI;
import java.util.function.Function;

/**
 * One OpenAI endpoint as the three OpenAI models hold it: the shared HTTP core, the endpoint's URI
 * and what {@link OpenAiBuilder} resolved. Immutable and thread-safe.
 */
record OpenAiEndpoint(HttpModelCore core, URI uri, AuthStyle authStyle, String apiVersion, boolean vllm, boolean streamUsage) {

    Transport transport() {
        return core.transport();
    }

    /** Posts a blocking request and reads its answer, scrubbing the key from any provider error. */
    AIMessage invoke(byte[] body, Function<byte[], AIMessage> reader) {
        byte[] raw = transport().readAllBytes(transport().post(uri, body, false));
        try {
            return reader.apply(raw);
        } catch (ProviderException e) {
            throw transport().scrub(e);
        }
    }

    /** Posts a streaming request; {@code leading}, when not null, is handed out before the server's events. */
    OpenAiChunkSource stream(byte[] body, OpenAiChunkSource.Decoder decoder, AIMessageChunk leading) {
        return new OpenAiChunkSource(transport().post(uri, body, true), transport(), decoder, leading);
    }

    /** {@code toString} of {@code owner} with the extras it adds after the base URL; never the key. */
    String describe(Object owner, String extras, ChatOptions bound) {
        return owner.getClass().getSimpleName() + "[model=" + core.model() + ", baseUrl=" + core.baseUrl() + extras
                + ", apiKey=" + core.auth() + ", boundOptions=" + bound + "]";
    }
}
