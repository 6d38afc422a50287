package dev.logprobs4j.cli.internal;

import dev.logprobs4j.local.ScoreOptions;
import dev.logprobs4j.local.ScoreTotals;

import dev.logprobs4j.ChatModel;
import dev.logprobs4j.openai.OpenAiChatModel;

/** An OpenAI-compatible server as a CLI backend; it cannot score a given text. */
final class OpenAiBackend implements Backend {

    /** The model asked for when {@code --model} is not given. */
    static final String DEFAULT_MODEL = "gpt-4o-mini";

    private final OpenAiChatModel model;
    private final String name;

    private OpenAiBackend(OpenAiChatModel model, String name) {
        this.model = model;
        this.name = name;
    }

    /**
     * A client for the server {@code spec} names; {@code OPENAI_BASE_URL} is the default base URL. With
     * {@code vllm}, the server is vLLM: labels are scored exactly from its {@code prompt_logprobs}.
     */
    static OpenAiBackend open(Spec spec, java.util.Map<String, String> env, boolean vllm) {
        if (spec.context() != null) {
            throw new CliException("--context sets the local engine's context; the openai provider's server decides its own");
        }
        String name = spec.model() != null ? spec.model() : DEFAULT_MODEL;
        OpenAiChatModel.Builder b = OpenAiChatModel.builder().model(name).vllm(vllm);
        String baseUrl = spec.baseUrl() != null ? spec.baseUrl() : env.get("OPENAI_BASE_URL");
        if (baseUrl != null && !baseUrl.isEmpty()) {
            b.baseUrl(baseUrl);
        }
        if (spec.apiKey() != null) {
            b.apiKey(spec.apiKey());
        }
        return new OpenAiBackend(b.build(), name);
    }

    @Override
    public String modelName() {
        return name;
    }

    @Override
    public ChatModel chatModel() {
        return model;
    }

    @Override
    public ScoreTotals score(String text, ScoreOptions options, ScoreSink sink) {
        throw new CliException("the openai provider cannot score a given text: use the local engine");
    }

    @Override
    public void close() {
        // The JDK's HttpClient needs no closing here: the process ends with the command.
    }
}
