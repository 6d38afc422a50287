package dev.logprobs4j.openai;

import dev.logprobs4j.Capabilities;
import dev.logprobs4j.http.HttpModelBuilder;
import dev.logprobs4j.http.HttpSettings;
import dev.logprobs4j.http.internal.HttpModelCore;
import dev.logprobs4j.http.internal.RetryPolicy;
import dev.logprobs4j.http.internal.Sleeper;
import dev.logprobs4j.http.internal.Transport;
import dev.logprobs4j.openai.OpenAiChatModel.AuthStyle;
import dev.logprobs4j.openai.internal.OpenAiErrors;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

/**
 * The settings the builders of {@link OpenAiChatModel}, {@link OpenAiCompletionModel} and
 * {@link OpenAiResponsesModel} share: {@link HttpModelBuilder}'s, with OpenAI's defaults, plus how
 * the key is sent, the organization and project headers and Azure's API version; not thread-safe.
 * Defaults: base URL {@value OpenAiChatModel#DEFAULT_BASE_URL}, the API key from
 * {@code OPENAI_API_KEY} ({@code AZURE_OPENAI_API_KEY} first for {@link AuthStyle#API_KEY_HEADER}),
 * timeout 10 minutes (the SDKs' 600 s), read timeout 5 minutes, connect timeout 10 seconds,
 * 2 retries as in OpenAI's SDKs; the model's own capabilities.
 *
 * @param <B> the model's builder
 */
public abstract class OpenAiBuilder<B extends OpenAiBuilder<B>> extends HttpModelBuilder<B> {

    private AuthStyle authStyle = AuthStyle.BEARER;
    private String apiVersion;
    boolean vllm;
    boolean streamUsage = true;
    private Sleeper sleeper = Sleeper.THREAD;
    private UnaryOperator<String> env = System::getenv;
    private Clock clock = Clock.systemUTC();

    OpenAiBuilder() {
        super(HttpSettings.builder().baseUrl(OpenAiChatModel.DEFAULT_BASE_URL).timeout(Duration.ofMinutes(10))
                .readTimeout(Duration.ofMinutes(5)).maxRetries(2), null, null);
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** Sent as the {@code OpenAI-Organization} header. Default: none. */
    public B organization(String organization) {
        return header("OpenAI-Organization", organization);
    }

    /** Sent as the {@code OpenAI-Project} header. Default: none. */
    public B project(String project) {
        return header("OpenAI-Project", project);
    }

    /** How the key is sent. Default: {@link AuthStyle#BEARER}. */
    public B authStyle(AuthStyle authStyle) {
        this.authStyle = Objects.requireNonNull(authStyle, "authStyle");
        return self();
    }

    /** Sent as the {@code api-version} query parameter (Azure OpenAI). Default: none. */
    public B apiVersion(String apiVersion) {
        this.apiVersion = apiVersion;
        return self();
    }

    /**
     * Azure OpenAI: base URL {@code endpoint/openai/deployments/deployment}, the key in the
     * {@code api-key} header, and {@code ?api-version=apiVersion}. The model name defaults to the
     * deployment.
     */
    public B azure(String endpoint, String deployment, String apiVersion) {
        String e = Objects.requireNonNull(endpoint, "endpoint").replaceAll("/+$", "");
        baseUrl(e + "/openai/deployments/" + URLEncoder.encode(Objects.requireNonNull(deployment, "deployment"), StandardCharsets.UTF_8));
        this.authStyle = AuthStyle.API_KEY_HEADER;
        this.apiVersion = Objects.requireNonNull(apiVersion, "apiVersion");
        return model() == null ? model(deployment) : self();
    }

    /** Tests: replaces the wait between retries. */
    B sleeper(Sleeper sleeper) {
        this.sleeper = Objects.requireNonNull(sleeper);
        return self();
    }

    /** Tests: replaces the environment variables. */
    B env(UnaryOperator<String> env) {
        this.env = Objects.requireNonNull(env);
        return self();
    }

    /** Tests: replaces the clock that reads HTTP-date {@code retry-after} headers. */
    B clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
        return self();
    }

    /** Copies what a built model keeps into this builder, for {@code toBuilder()}. */
    final B restore(OpenAiEndpoint e) {
        http(e.core().settings()).model(e.core().model()).capabilities(e.core().capabilities());
        this.authStyle = e.authStyle();
        this.apiVersion = e.apiVersion();
        this.vllm = e.vllm();
        this.streamUsage = e.streamUsage();
        return self();
    }

    /**
     * Checks the settings, finds the key and builds the transport for an endpoint below the base
     * URL: what the builders of all three models share.
     *
     * @throws IllegalStateException    when the model is not set, or OpenAI or Azure is used without a key
     * @throws IllegalArgumentException when the base URL is not an http(s) URL
     */
    final OpenAiEndpoint resolve(String path, Capabilities defaults, Capabilities vllmDefaults, String type, String exampleModel) {
        if (model() == null || model().isBlank()) {
            throw new IllegalStateException("model must be set, e.g. " + type + ".builder().model(\"" + exampleModel + "\")");
        }
        HttpSettings http = settings();
        String key = http.apiKey();
        if (key == null && authStyle == AuthStyle.API_KEY_HEADER) {
            key = env.apply("AZURE_OPENAI_API_KEY");
        }
        if (key == null) {
            key = env.apply("OPENAI_API_KEY");
        }
        http = http.toBuilder().apiKey(key).build();
        key = http.apiKey(); // a blank key is none
        if (key == null && (authStyle == AuthStyle.API_KEY_HEADER || URI.create(http.baseUrl()).getHost().equalsIgnoreCase("api.openai.com"))) {
            throw new IllegalStateException("no API key for " + http.baseUrl() + ": set the OPENAI_API_KEY environment variable"
                    + " or call apiKey(...)");
        }
        Transport.Builder tb = Transport.builder(http, OpenAiErrors.mapper(model()))
                .retryPolicy(new RetryPolicy(clock, () -> ThreadLocalRandom.current().nextDouble())).sleeper(sleeper);
        if (key != null) {
            tb.defaultHeader(authStyle == AuthStyle.BEARER ? "Authorization" : "api-key", authStyle == AuthStyle.BEARER ? "Bearer " + key : key);
        }
        tb.defaultHeader("User-Agent", "logprobs4j-openai");
        Capabilities caps = capabilities() != null ? capabilities() : vllm ? vllmDefaults : defaults;
        URI endpoint = URI.create(http.baseUrl() + path
                + (apiVersion == null ? "" : "?api-version=" + URLEncoder.encode(apiVersion, StandardCharsets.UTF_8)));
        return new OpenAiEndpoint(new HttpModelCore(model(), caps, http, tb.build()), endpoint, authStyle, apiVersion, vllm, streamUsage);
    }

    @Override
    public String toString() {
        return getClass().getEnclosingClass().getSimpleName() + ".Builder[model=" + model() + ", baseUrl=" + baseUrl() + "]";
    }
}
