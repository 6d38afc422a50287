package dev.logprobs4j.cli.internal;

import dev.logprobs4j.Json;
import dev.logprobs4j.LabelScores;
import dev.logprobs4j.LabelScores.LabelScore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code logprobs4j classify}: how likely each given label is as the continuation of a prompt. */
@Command(name = "classify", sortOptions = false, mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Score given labels as the continuation of a prompt: each label's joint logprob over all",
                "its tokens (however unlikely: no top-20 limit), and the distribution normalised over the labels.",
                "Labels are used exactly as given, so put a leading space where the text would have one."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  logprobs4j classify \"Once upon a time, there was a little\" --labels \" girl, boy, dog, lion\"",
                "  logprobs4j classify \"Is 'great film!' positive? Answer:\" --labels \" yes, no\" --json",
                "  logprobs4j classify --chat --model chat-model.gguf \"Is the sky blue? Answer yes or no.\" --labels yes,no",
                "  logprobs4j classify --provider openai --model gpt-4o-mini \"Capital of France?\" --labels Paris,Lyon",
                "  logprobs4j classify --provider vllm --base-url http://localhost:8000/v1 --model M \"Capital?\" --labels Paris,Lyon",
                "",
                "The local engine scores every label exactly (the prompt is read once), vllm from prompt_logprobs;",
                "the openai provider reads the first answer token's top_logprobs: lower bounds, with the probability",
                "it could not see.",
                "Exit codes: 0 ok, 1 model or provider error, 2 usage error."})
public final class ClassifyCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PROMPT", description = "The prompt; several words are joined with spaces; - reads it from stdin.")
    List<String> prompt;

    @Option(names = {"-l", "--labels"}, paramLabel = "A,B,...", split = ",", required = true,
            description = "The labels, comma-separated (or the option repeated).")
    List<String> labels;

    @Option(names = "--chat", description = "Treat the prompt as a user message (chat template) and the labels as the start of the answer. "
            + "Default: raw text continuation (always a user message with the openai provider).")
    boolean chat;

    @Option(names = "--provider", paramLabel = "NAME", defaultValue = "local",
            description = "local, openai or vllm (exact scores from vLLM's prompt_logprobs). Default: ${DEFAULT-VALUE}.")
    ChatCommand.Provider provider;

    @Option(names = {"-m", "--model"}, paramLabel = "FILE|NAME",
            description = "local: a GGUF file (default: stories260K.gguf in shared/models); openai: the model name.")
    String model;

    @Option(names = "--base-url", paramLabel = "URL", description = "openai: the API's base URL. Default: $OPENAI_BASE_URL, else OpenAI's.")
    String baseUrl;

    @Option(names = "--api-key", paramLabel = "KEY", description = "openai: the API key. Default: $OPENAI_API_KEY.")
    String apiKey;

    @Option(names = "--json", description = "Print only JSON to stdout.")
    boolean json;

    @Option(names = "--no-color", description = "No colours.")
    boolean noColor;

    @Option(names = "--threads", paramLabel = "N", description = "Threads of the local engine. Default: all cores.")
    Integer threads;

    @Option(names = "--context", paramLabel = "N",
            description = "Tokens the local model's context holds (prompt and label). Default: the model's trained context, capped by the heap.")
    Integer context;

    @Option(names = {"-v", "--verbose"}, description = "Show stack traces of errors.")
    boolean verbose;

    private final Io io;

    public ClassifyCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        String text = prompt.size() == 1 && prompt.get(0).equals("-")
                ? new String(io.in().readAllBytes(), StandardCharsets.UTF_8) : String.join(" ", prompt);
        try {
            LabelScores.checkLabels(labels);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--labels: " + e.getMessage());
        }
        AnsiColors colors = AnsiColors.detect(io.env(), io.terminal().stdout(), noColor);
        PrintStream out = io.out();
        try (Backend backend = io.backends().open(new Backend.Spec(provider.name(), model, baseUrl, apiKey, threads, false, context,
                ModelPaths.repoRoot(io.env()), io.terminal().stderr() ? io.err() : null))) {
            LabelScores scores = backend.classify(text, labels, chat);
            out.print(json ? Json.write(toJson(scores, backend.modelName())) + "\n" : table(scores, colors));
        }
        out.flush();
        return 0;
    }

    /** The JSON the command and the server's {@code /v1/classify} print. */
    public static Map<String, Object> toJson(LabelScores scores, String model) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("object", "classification");
        m.put("model", model);
        m.put("method", scores.method().name().toLowerCase(Locale.ROOT));
        m.put("unseen_mass", scores.unseenMass());
        List<Object> list = new ArrayList<>();
        for (LabelScore s : scores.labels()) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("label", s.label());
            l.put("logprob", Double.isInfinite(s.logprob()) ? null : s.logprob());
            l.put("probability", Double.isNaN(s.probability()) ? null : s.probability());
            l.put("tokens", s.tokens());
            l.put("first_token_rank", s.firstTokenRank() == 0 ? null : s.firstTokenRank());
            list.add(l);
        }
        m.put("labels", list);
        return m;
    }

    static String table(LabelScores scores, AnsiColors colors) {
        int width = "label".length();
        for (LabelScore s : scores.labels()) {
            width = Math.max(width, TokenText.displayWidth(TokenText.visible(s.label())));
        }
        StringBuilder out = new StringBuilder();
        out.append(colors.dim(TokenText.padRight("label", width) + "    logprob   joint p  of labels  tokens  1st-token rank")).append('\n');
        for (LabelScore s : scores.labels()) {
            String label = TokenText.visible(s.label());
            out.append(colors.paint(label, s.probability())).append(" ".repeat(width - TokenText.displayWidth(label)));
            out.append(TokenText.padLeft(Double.isInfinite(s.logprob()) ? "-inf" : Numbers.logprob(s.logprob()), 11));
            out.append(TokenText.padLeft(Numbers.percent(s.jointProbability()), 10));
            out.append(colors.paint(TokenText.padLeft(Double.isNaN(s.probability()) ? "n/a" : Numbers.percent(s.probability()), 11),
                    Double.isNaN(s.probability()) ? 0 : s.probability()));
            out.append(TokenText.padLeft(String.valueOf(s.tokens()), 8));
            out.append(TokenText.padLeft(s.firstTokenRank() == 0 ? "?" : String.valueOf(s.firstTokenRank()), 16)).append('\n');
        }
        if (scores.isLowerBound()) {
            out.append(String.format(Locale.ROOT, "lower bounds from the first answer token's top alternatives; %s of the probability was"
                    + " outside them and could belong to any label%n", Numbers.percent(scores.unseenMass())));
        } else {
            out.append("exact: each label's joint logprob as the continuation of the prompt; \"of labels\" is normalised over the labels\n");
        }
        return out.toString();
    }
}
