package dev.logprobs4j.springai.autoconfigure;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code logprobs4j.*} properties: which model to run and the options bound to it. Immutable.
 * {@snippet lang=properties :
 * # the in-process engine (needs logprobs4j-local and JDK 25 started with --add-modules jdk.incubator.vector)
 * logprobs4j.local.model-path=models/stories260K.gguf
 * logprobs4j.local.threads=2
 * # or any OpenAI-compatible server
 * logprobs4j.openai.base-url=http://localhost:8000/v1
 * logprobs4j.openai.api-key=${OPENAI_API_KEY}
 * logprobs4j.openai.model=gpt-4o-mini
 * # options bound to the model
 * logprobs4j.logprobs=true
 * logprobs4j.top-logprobs=3
 * }
 *
 * @param local       the in-process engine; used when {@code model-path} is set
 * @param openai      an OpenAI-compatible server; used when {@code model} is set and no local model is
 * @param logprobs    return each token's log probability (default: unset, the provider's default)
 * @param topLogprobs alternatives per position, 0..20 (default: unset)
 * @param temperature sampling temperature (default: unset)
 * @param maxTokens   most tokens to generate (default: unset)
 * @param seed        sampling seed (default: unset)
 */
@ConfigurationProperties("logprobs4j")
public record Logprobs4jProperties(Local local, OpenAi openai, Boolean logprobs, Integer topLogprobs, Double temperature,
                                   Integer maxTokens, Long seed) {

    public Logprobs4jProperties {
        local = local == null ? new Local(null, null, null) : local;
        openai = openai == null ? new OpenAi(null, null, null) : openai;
    }

    /**
     * The in-process engine.
     *
     * @param modelPath     the GGUF file to run
     * @param threads       threads of the matrix products (default: the engine's, all cores)
     * @param contextLength tokens of context per conversation (default: the model's)
     */
    public record Local(Path modelPath, Integer threads, Integer contextLength) {
    }

    /**
     * An OpenAI-compatible server.
     *
     * @param baseUrl the API's base URL, ending in {@code /v1} (default: OpenAI's)
     * @param apiKey  the key (default: the {@code OPENAI_API_KEY} environment variable)
     * @param model   the model name to ask for
     */
    public record OpenAi(String baseUrl, String apiKey, String model) {

        @Override
        public String toString() {
            return "OpenAi[baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? null : "***") + ", model=" + model + "]";
        }
    }

    /** The options bound to the model. */
    dev.logprobs4j.ChatOptions boundOptions() {
        dev.logprobs4j.ChatOptions.Builder b = dev.logprobs4j.ChatOptions.builder();
        if (logprobs != null) {
            b.logprobs(logprobs);
        }
        if (topLogprobs != null) {
            b.topLogprobs(topLogprobs);
        }
        if (temperature != null) {
            b.temperature(temperature);
        }
        if (maxTokens != null) {
            b.maxTokens(maxTokens);
        }
        if (seed != null) {
            b.seed(seed);
        }
        return b.build();
    }
}
