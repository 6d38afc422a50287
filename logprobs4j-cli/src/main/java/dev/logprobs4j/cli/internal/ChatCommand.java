package dev.logprobs4j.cli.internal;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatStream;
import dev.logprobs4j.Choice;
import dev.logprobs4j.JsonConfidence;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.Message;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code logprobs4j chat}: one user message, the answer with its token logprobs. */
@Command(name = "chat", sortOptions = false, mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Send one user message and show the answer with the logprob of every token:",
                "the answer, a token table (token, logprob, probability, top alternatives) and a summary."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  logprobs4j chat \"Once upon a time\"",
                "  logprobs4j chat \"Once upon a time\" -n 32 --temperature 0 --top-logprobs 5",
                "  logprobs4j chat \"Once upon a time\" --stream --html story.html",
                "  logprobs4j chat \"Once upon a time\" -n 16 --json | jq '.usage'",
                "  logprobs4j chat --model chat-model.gguf \"Answer in JSON: ...\" --json-fields --html fields.html",
                "  logprobs4j chat --model my-model.gguf \"The capital of France is\" --stop .",
                "  export OPENAI_API_KEY=sk-...",
                "  logprobs4j chat --provider openai --model gpt-4o-mini \"how are you today\"",
                "  logprobs4j chat --provider openai --base-url http://localhost:8080/v1 \"hi\"",
                "",
                "Exit codes: 0 ok, 1 model or provider error, 2 usage error."})
public final class ChatCommand implements Callable<Integer> {

    /** Answer length when none is given to the local engine. */
    static final int LOCAL_DEFAULT_MAX_TOKENS = 64;

    /** Which provider answers. */
    public enum Provider { local, openai, vllm }

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PROMPT",
            description = "The user message; several words are joined with spaces; - reads it from stdin.")
    List<String> prompt;

    @Option(names = "--provider", paramLabel = "NAME", defaultValue = "local",
            description = "local (the in-process GGUF engine), openai (any OpenAI-compatible server) or vllm (a vLLM server: "
                    + "openai with its extras). Default: ${DEFAULT-VALUE}.")
    Provider provider;

    @Option(names = {"-m", "--model"}, paramLabel = "FILE|NAME",
            description = {"local: a GGUF file. Default: stories260K.gguf in shared/models beside the repository.",
                    "openai: the model name. Default: gpt-4o-mini."})
    String model;

    @Option(names = "--base-url", paramLabel = "URL",
            description = "openai: the API's base URL. Default: $OPENAI_BASE_URL, else https://api.openai.com/v1.")
    String baseUrl;

    @Option(names = "--api-key", paramLabel = "KEY", description = "openai: the API key. Default: $OPENAI_API_KEY.")
    String apiKey;

    @Option(names = "--stream", description = "Print tokens as they arrive, then the table.")
    boolean stream;

    @Option(names = {"-t", "--temperature"}, paramLabel = "T", description = "Sampling temperature, >= 0 (0 is greedy). Default: the provider's.")
    Double temperature;

    @Option(names = "--top-p", paramLabel = "P", description = "Nucleus sampling mass in (0, 1]. Default: the provider's.")
    Double topP;

    @Option(names = "--seed", paramLabel = "S", description = "Seed for reproducible sampling. Default: random.")
    Long seed;

    @Option(names = {"-n", "--max-tokens"}, paramLabel = "N", description = "The most tokens to generate. Default: 64 with the local engine (a small model rambles "
            + "until its context is full), the provider's otherwise.")
    Integer maxTokens;

    @Option(names = "--json-fields", description = "Also show the confidence of every key and value of a JSON answer (a table; a tree in --html).")
    boolean jsonFields;

    @Option(names = "--stop", paramLabel = "S", description = "A stop sequence; repeat for more.")
    List<String> stop = new ArrayList<>();

    @Mixin
    CommonOptions common;

    private final Io io;

    public ChatCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        Inputs.atLeastOne(spec.commandLine(), "--threads", common.threads);
        Inputs.checkWritable(spec.commandLine(), common.html);
        String text = promptText();
        ChatOptions options = options();
        AnsiColors colors = AnsiColors.detect(io.env(), io.terminal().stdout(), common.noColor);
        PrintStream out = io.out();
        try (Backend backend = io.backends().open(new Backend.Spec(provider.name(), model, baseUrl, apiKey,
                common.threads, common.exact, common.context, ModelPaths.repoRoot(io.env()), io.terminal().stderr() ? io.err() : null))) {
            AIMessage answer;
            if (stream) {
                AIMessageChunk full = AIMessageChunk.empty();
                try (ChatStream chunks = backend.chatModel().stream(List.of(Message.human(text)), options)) {
                    for (AIMessageChunk chunk : chunks) {
                        full = full.add(chunk);
                        if (!common.json) {
                            out.print(AnswerText.paint(chunk.content(), chunk.logprobs(), colors));
                            out.flush();
                        }
                    }
                }
                // A stream that ended before any choice arrived still answers: with nothing.
                answer = new AIMessage(full.choices().isEmpty() ? List.of(new Choice(0, "", null, Logprobs.EMPTY, null))
                        : full.choices(), full.info(), null);
            } else {
                answer = backend.chatModel().invoke(List.of(Message.human(text)), options);
                if (!common.json) {
                    out.print(AnswerText.paint(answer.content(), answer.logprobs(), colors));
                }
            }
            if (common.json) {
                // A provider's own response body is the most faithful OpenAI JSON there is; else build it.
                out.println(answer.raw() != null && !stream ? answer.raw().strip()
                        : OpenAiJson.write(OpenAiJson.chatCompletion(answer, backend.modelName(), System.currentTimeMillis() / 1000)));
            } else {
                out.print(answer.content().endsWith("\n") ? "\n" : "\n\n");
                out.print(TokenTable.render(answer.logprobs(), colors, 0));
                out.println(Summary.line(answer.logprobs(), colors, 0));
                if (jsonFields) {
                    out.println();
                    out.print(JsonFieldsTable.render(JsonConfidence.of(answer), colors));
                }
            }
            out.flush();
            if (common.html != null) {
                Reports.write(common.html, HtmlReport.render(new HtmlReport.Input("chat", backend.modelName(), text,
                        List.of(), answer.logprobs(), answer.finishReason(), jsonFields ? JsonConfidence.of(answer) : null)), io.err());
            }
        }
        return 0;
    }

    private String promptText() throws IOException {
        if (prompt.size() == 1 && prompt.get(0).equals("-")) {
            return Inputs.stdin(io.in());
        }
        return String.join(" ", prompt);
    }

    private ChatOptions options() {
        try {
            ChatOptions.Builder b = ChatOptions.builder().logprobs(true).topLogprobs(common.topLogprobs);
            if (temperature != null) {
                b.temperature(temperature);
            }
            if (topP != null) {
                b.topP(topP);
            }
            if (seed != null) {
                b.seed(seed);
            }
            if (maxTokens != null) {
                b.maxTokens(maxTokens);
            } else if (provider == Provider.local) {
                b.maxTokens(LOCAL_DEFAULT_MAX_TOKENS);
            }
            if (!stop.isEmpty()) {
                b.stop(stop);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), Flags.named(e.getMessage()));
        }
    }
}
