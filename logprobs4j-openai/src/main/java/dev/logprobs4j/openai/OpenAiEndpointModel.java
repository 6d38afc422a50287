package dev.logprobs4j.openai;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.AbstractChatModel;
import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.http.internal.Sleeper;
import dev.logprobs4j.http.internal.Transport;
import dev.logprobs4j.openai.internal.OpenAiChunkSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * What {@link OpenAiCompletionModel} and {@link OpenAiResponsesModel} share: {@link OpenAiChatModel}'s
 * resolved settings and transport, posting to one endpoint below the base URL. Immutable and
 * thread-safe.
 */
abstract class OpenAiEndpointModel extends AbstractChatModel {

    final OpenAiChatModel.Builder settings;
    final Transport transport;
    final URI endpoint;

    OpenAiEndpointModel(OpenAiChatModel.Builder.Resolved resolved, ChatOptions bound) {
        super(bound);
        this.settings = resolved.settings();
        this.transport = resolved.transport();
        this.endpoint = resolved.endpoint();
    }

    /** The settings of this model, to make a copy with other bound options. */
    final OpenAiChatModel.Builder.Resolved resolved() {
        return new OpenAiChatModel.Builder.Resolved(settings, transport, endpoint);
    }

    @Override
    public String modelName() {
        return settings.model();
    }

    @Override
    public Capabilities capabilities() {
        return settings.resolvedCapabilities();
    }

    /** The base URL requests go to, e.g. {@code https://api.openai.com/v1}. */
    public String baseUrl() {
        return settings.resolvedBaseUrl();
    }

    /** Posts a blocking request and reads its answer, scrubbing the key from any provider error. */
    final AIMessage invoke(byte[] body, Function<String, AIMessage> reader) {
        String raw = transport.readAll(transport.post(endpoint, body, false));
        try {
            return reader.apply(raw);
        } catch (ProviderException e) {
            throw transport.scrub(e);
        }
    }

    /** Posts a streaming request; {@code leading}, when not null, is handed out before the server's events. */
    final OpenAiChunkSource stream(byte[] body, OpenAiChunkSource.Decoder decoder, AIMessageChunk leading) {
        return new OpenAiChunkSource(transport.post(endpoint, body, true), transport, decoder, leading);
    }

    @Override
    protected Executor asyncExecutor() {
        return settings.executor() != null ? settings.executor() : super.asyncExecutor();
    }

    /** {@code toString} with the model's name and the extras it adds after the base URL; never the key. */
    final String describe(String extras) {
        return getClass().getSimpleName() + "[model=" + settings.model() + ", baseUrl=" + settings.resolvedBaseUrl() + extras
                + ", apiKey=" + (settings.hasKey() ? "(set)" : "none") + ", boundOptions=" + boundOptions() + "]";
    }

    /**
     * The settings both endpoint models' builders take, passed on to an {@link OpenAiChatModel.Builder};
     * not thread-safe. Their defaults are {@link OpenAiChatModel.Builder}'s.
     *
     * @param <B> the model's builder
     */
    abstract static class Builder<B extends Builder<B>> {
        final OpenAiChatModel.Builder base = OpenAiChatModel.builder();

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }

        /** The model's name as the server knows it. Required. */
        public B model(String model) {
            base.model(model);
            return self();
        }

        /** The API key. Default: the {@code OPENAI_API_KEY} environment variable; none for servers that need none. */
        public B apiKey(String apiKey) {
            base.apiKey(apiKey);
            return self();
        }

        /** The API's base URL; the endpoint's path is appended. Default: {@value OpenAiChatModel#DEFAULT_BASE_URL}. */
        public B baseUrl(String baseUrl) {
            base.baseUrl(baseUrl);
            return self();
        }

        /** Sent as the {@code OpenAI-Organization} header. Default: none. */
        public B organization(String organization) {
            base.organization(organization);
            return self();
        }

        /** Sent as the {@code OpenAI-Project} header. Default: none. */
        public B project(String project) {
            base.project(project);
            return self();
        }

        /** An extra header sent with every request (replacing one of the same name given before). Default: none. */
        public B header(String name, String value) {
            base.header(name, value);
            return self();
        }

        /** How long to wait for a connection; applies to the default HTTP client only. Default: 10 s. */
        public B connectTimeout(Duration connectTimeout) {
            base.connectTimeout(connectTimeout);
            return self();
        }

        /** How long each attempt waits for the answer's status and headers. Default: 10 min. */
        public B timeout(Duration timeout) {
            base.timeout(timeout);
            return self();
        }

        /** The longest silence allowed while reading an answer's body before the connection is dropped. Default: 5 min. */
        public B readTimeout(Duration readTimeout) {
            base.readTimeout(readTimeout);
            return self();
        }

        /** How many times a failed request is tried again (0 for never). Default: 2, as in OpenAI's SDKs. */
        public B maxRetries(int maxRetries) {
            base.maxRetries(maxRetries);
            return self();
        }

        /** The HTTP client to use. Default: one built for this model. */
        public B httpClient(HttpClient httpClient) {
            base.httpClient(httpClient);
            return self();
        }

        /** Runs the default HTTP client's work and the async calls. Default: the JDK's and the core's. */
        public B executor(Executor executor) {
            base.executor(executor);
            return self();
        }

        /** What the model can return. Default: the model's own capabilities constant (see its builder). */
        public B capabilities(Capabilities capabilities) {
            base.capabilities(capabilities);
            return self();
        }

        /** Tests: replaces the wait between retries. */
        B sleeper(Sleeper sleeper) {
            base.sleeper(sleeper);
            return self();
        }

        /** Tests: replaces the environment variables. */
        B env(UnaryOperator<String> env) {
            base.env(env);
            return self();
        }
    }
}
