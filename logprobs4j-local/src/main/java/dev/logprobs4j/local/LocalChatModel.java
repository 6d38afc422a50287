package dev.logprobs4j.local;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AbstractChatModel;
import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatModel;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatRequest;
import dev.logprobs4j.ChatStream;
import dev.logprobs4j.ChunkSource;
import dev.logprobs4j.LabelScorer;
import dev.logprobs4j.LabelScores;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.Message;
import dev.logprobs4j.ResponseInfo;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.engine.LoadOptions;
import dev.logprobs4j.engine.Model;
import dev.logprobs4j.engine.ModelConfig;
import dev.logprobs4j.local.internal.LabelScoring;
import dev.logprobs4j.local.internal.LocalEngine;
import dev.logprobs4j.local.internal.LocalGeneration;
import dev.logprobs4j.local.internal.RollingScorer;
import dev.logprobs4j.local.internal.SequentialChoices;
import dev.logprobs4j.local.template.ChatTemplate;
import dev.logprobs4j.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A chat model that runs a GGUF file in this JVM, on the CPU, and returns exact logprobs: every
 * token, the full vocabulary's top alternatives, prompt tokens too. No server, no API key.
 *
 * {@snippet :
 * try (LocalChatModel local = LocalChatModel.load(Path.of("../shared/models/stories260K.gguf"))) {
 *     ChatModel llm = local.bind(ChatOptions.builder().logprobs(true).topLogprobs(3).build());
 *     AIMessage msg = llm.invoke(Message.human("Once upon a time"));
 *     double first = msg.logprobs().content().get(0).logprob();
 * }
 * }
 *
 * <p>{@code logprob} is the log-softmax of the model's raw logits, before temperature and
 * truncation (what OpenAI and vLLM report); {@code top_logprobs} are the most likely tokens of that
 * same distribution, most likely first. A token's {@code bytes} are its raw bytes; its
 * {@code token} text writes bytes that are not whole UTF-8 characters as {@code \xNN} escapes (an
 * emoji split over two tokens shows {@code \xf0\x9f} then {@code \x98\x80}).
 *
 * <p>Conversations are rendered with the chat template stored in the GGUF (Jinja); models without
 * one get plain text (one user message is used as it is). Options: logprobs, topLogprobs (up to
 * 20), temperature (default 1, 0 is greedy), topP, seed, maxTokens (default: until the model ends
 * or the context is full), stop, n, responseFormat, and the extras {@code top_k}, {@code min_p},
 * {@code logit_bias} (a {@code Map} of token id to a bias in [-100, 100] added to that token's logit
 * before sampling; logprobs stay those of the model) and {@code logprobs_mode}.
 *
 * <p>A {@link dev.logprobs4j.ResponseFormat} (JSON object, or a JSON Schema of the supported
 * subset: see the README's "Constrained decoding") is enforced while decoding: a token mask lets
 * the sampler draw only tokens that keep the output a prefix of a valid value, end-of-generation
 * only once it is complete, and generation stops as soon as nothing else may follow. The output
 * then always parses and validates, unless {@code maxTokens} cuts it (finish reason
 * {@code length}). Logprobs stay the model's raw distribution before the mask; extra
 * {@code logprobs_mode = "processed"} reports the masked, renormalised one instead. Tokens the
 * grammar left as the only choice have {@link dev.logprobs4j.TokenLogprob#forced()} set.
 *
 * <p>Immutable and thread-safe; {@link #bind} variants share the loaded file, and each concurrent
 * call uses its own session (KV cache). Concurrent generations decode in shared steps that read
 * the weights once for all of them; each still produces exactly what it would alone (same seed,
 * same output). {@link #close()} unmaps the file for all of them.
 */
public final class LocalChatModel extends AbstractChatModel implements LabelScorer, AutoCloseable {

    private static final Set<String> EXTRA_OPTIONS = Set.of("top_k", "min_p", "logit_bias", "logprobs_mode");
    private static final Capabilities CAPABILITIES = new Capabilities(true, 20, true, true);
    private static final AtomicLong IDS = new AtomicLong();

    private final LocalEngine engine;
    private final Path path;

    private LocalChatModel(LocalEngine engine, Path path, ChatOptions bound) {
        super(bound);
        this.engine = engine;
        this.path = path;
    }

    /** Loads {@code gguf} with the defaults. */
    public static LocalChatModel load(Path gguf) {
        return builder().modelPath(gguf).build();
    }

    /** A builder with no model path set. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String modelName() {
        return engine.name();
    }

    /** The GGUF file this model runs. */
    public Path modelPath() {
        return path;
    }

    /** Logprobs with up to 20 alternatives, while streaming too, and prompt logprobs ({@link #score}). */
    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public LocalChatModel bind(ChatOptions options) {
        return (LocalChatModel) super.bind(options);
    }

    @Override
    protected ChatModel withBoundOptions(ChatOptions options) {
        return new LocalChatModel(engine, path, options);
    }

    @Override
    protected AIMessage doInvoke(ChatRequest request) {
        return ChatStream.of(doStream(request)).aggregate().toMessage();
    }

    @Override
    protected ChunkSource doStream(ChatRequest request) {
        return generate(engine.promptTokens(request.messages()), request.options());
    }

    /** Completes raw text (no chat template), with the bound options and {@code options} over them. */
    public AIMessage complete(String prompt, ChatOptions options) {
        return completeStream(prompt, options).aggregate().toMessage();
    }

    /** {@link #complete} streamed. */
    public ChatStream completeStream(String prompt, ChatOptions options) {
        ChatOptions effective = boundOptions().merge(options).validateCombination();
        return ChatStream.of(generate(engine.encodeWithBos(prompt, false), effective));
    }

    private ChunkSource generate(int[] prompt, ChatOptions options) {
        checkExtras(options);
        int n = options.n() == null ? 1 : options.n();
        ResponseInfo info = new ResponseInfo("chatcmpl-local-" + IDS.incrementAndGet(), engine.name(), null, null, Map.of());
        if (n == 1) {
            return new LocalGeneration(engine, prompt, options, 0, info);
        }
        List<ChunkSource> choices = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            choices.add(new LocalGeneration(engine, prompt, options, i, i == 0 ? info : null));
        }
        return new SequentialChoices(choices);
    }

    private static void checkExtras(ChatOptions options) {
        for (String key : options.extra().keySet()) {
            if (!EXTRA_OPTIONS.contains(key)) {
                throw new IllegalArgumentException("unknown option '" + key + "' for the local engine: it takes the extras "
                        + EXTRA_OPTIONS + " besides the typed options of ChatOptions");
            }
        }
    }

    /**
     * The prompt logprobs of {@code text}: each token's logprob given the ones before it, with
     * {@code topLogprobs} alternatives (0..20). The text is tokenised as it is (no chat template,
     * special-token text not parsed), with BOS first when the model uses one. A text longer than
     * the context is scored in rolling windows of the whole context with a stride of half of it
     * (see {@link ScoreOptions}); one that fits is scored in one pass. Concurrent calls (from
     * several threads) are packed into shared forward passes, which reads the weights once for
     * several short texts; each text's logprobs are the same as alone, bit for bit.
     */
    public PromptScore score(String text, int topLogprobs) {
        return score(text, ScoreOptions.DEFAULTS.withTopLogprobs(topLogprobs));
    }

    /**
     * The prompt logprobs of {@code text}, read with {@code options}: every token after the first
     * scored exactly once, conditioned on up to {@code options.window()} tokens before it. Keeps
     * every token in memory; {@link #score(int[], ScoreOptions, Consumer)} streams them instead.
     *
     * @throws IllegalArgumentException if the window is larger than the model's context
     */
    public PromptScore score(String text, ScoreOptions options) {
        engine.joinScoring(); // before tokenising: a shared pass about to start waits for this text
        try {
            int[] tokens = tokenize(text);
            List<TokenLogprob> scored = new ArrayList<>(Math.max(0, tokens.length - 1));
            int[] contexts = new int[Math.max(0, tokens.length - 1)];
            ScoreTotals totals = scoreJoined(tokens, options, t -> {
                contexts[scored.size()] = t.context();
                scored.add(t.logprob());
            });
            return new PromptScore(totals.unscored(), Logprobs.of(scored), contexts);
        } finally {
            engine.leaveScoring();
        }
    }

    /**
     * Streams the prompt logprobs of {@code tokens} (as {@link #tokenize} gives them) to
     * {@code sink}, in order, keeping none of them: memory stays bounded by one window whatever
     * the length, so a whole book can be scored.
     *
     * @return the totals of the run
     * @throws IllegalArgumentException if the window is larger than the model's context, or a token
     *                                  is not in the vocabulary
     */
    public ScoreTotals score(int[] tokens, ScoreOptions options, Consumer<ScoredToken> sink) {
        engine.joinScoring();
        try {
            return scoreJoined(tokens, options, sink);
        } finally {
            engine.leaveScoring();
        }
    }

    private ScoreTotals scoreJoined(int[] tokens, ScoreOptions options, Consumer<ScoredToken> sink) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(sink, "sink");
        int context = engine.contextLength();
        int window = options.windowFor(context);
        if (window > context) {
            throw new ContextLengthException("a scoring window of " + window + " tokens does not fit in the context of "
                    + context + " tokens", window, context);
        }
        boolean hasBos = tokens.length > 0 && tokens[0] == engine.tokenizer().bosId();
        // Token 0 is BOS (context only) or the unscored start of the text; the rest are scored.
        List<String> unscored = hasBos || tokens.length == 0 ? List.of() : List.of(engine.tokenizer().tokenDisplay(tokens[0]));
        double[] total = {0};
        long[] count = {0};
        int[] minRolled = {Integer.MAX_VALUE};
        int firstWindowEnd = window + 1; // targets below it are the first window's
        int windows = new RollingScorer(engine, window, options.strideFor(context), options.topLogprobs()).score(tokens,
                (position, seen, logprob) -> {
                    total[0] += logprob.logprob();
                    count[0]++;
                    if (position >= firstWindowEnd) {
                        minRolled[0] = Math.min(minRolled[0], seen);
                    }
                    sink.accept(new ScoredToken(position, seen, logprob));
                });
        return new ScoreTotals(unscored, count[0], total[0], windows, windows > 1 ? minRolled[0] : 0);
    }

    /** Tokens per conversation (prompt and answer) and the most a scoring window may hold: the KV cache size. */
    public int contextLength() {
        return engine.contextLength();
    }

    /**
     * Each label's exact joint logprob as the continuation of raw text {@code prompt} (no chat
     * template, as {@link #score}), and their distribution. The prompt is prefilled once; each label
     * is then fed on the same KV cache, rewound to the prompt's end between labels, so a label costs
     * its own tokens only, however unlikely it is. A label's logprob equals
     * {@code score(prompt + label).totalLogprob() - score(prompt).totalLogprob()}: its tokens are those
     * that {@code prompt + label} has after the prompt's (see {@link LabelScorer}).
     */
    @Override
    public LabelScores classify(String prompt, List<String> labels) {
        return new LabelScoring(engine).score(prompt, labels, text -> engine.encodeWithBos(text, false));
    }

    /**
     * Each label as the start of the assistant's answer to {@code messages}: the conversation is
     * rendered with the chat template (with the generation prompt) and the label follows it, as in
     * {@link #classify(String, List)}.
     */
    @Override
    public LabelScores classify(List<Message> messages, List<String> labels) {
        boolean special = engine.parsesSpecial();
        return new LabelScoring(engine).score(engine.promptText(messages), labels, text -> engine.encodeWithBos(text, special));
    }

    /** The tokens of {@code text} as the model sees it (BOS first when it uses one; special-token text not parsed). */
    public int[] tokenize(String text) {
        return engine.encodeWithBos(text, false);
    }

    /** The text of the BOS token that starts every text this model reads, or empty when it uses none. */
    public java.util.Optional<String> bosText() {
        Tokenizer t = engine.tokenizer();
        return t.addBosByDefault() && t.bosId() >= 0 ? java.util.Optional.of(t.tokenDisplay(t.bosId())) : java.util.Optional.empty();
    }

    /** A token's display text (bytes that are not whole UTF-8 characters as {@code \xNN}; control tokens by name). */
    public String tokenText(int id) {
        return engine.tokenizer().tokenDisplay(id);
    }

    /** How many prompt tokens a conversation takes after templating. */
    public int countTokens(List<Message> messages) {
        return engine.promptTokens(messages).length;
    }

    /** Unmaps the model file; this model and every {@link #bind} variant of it stop working. */
    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String toString() {
        return "LocalChatModel[" + path + ", bound=" + boundOptions() + "]";
    }

    /** Builds a {@link LocalChatModel}; not thread-safe. */
    public static final class Builder {
        private Path modelPath;
        private int threads = Runtime.getRuntime().availableProcessors();
        private int contextLength;
        private LoadOptions.ProgressListener progress;
        private ChatOptions options = ChatOptions.NONE;
        private Boolean exact;

        private Builder() {
        }

        /**
         * Numerics of quantised weights (Q8_0, Q4_0, Q4_K, Q6_K): {@code true} keeps float
         * activations (exact mode, the closest to the stored model); {@code false} quantises them to
         * 8 bits as llama.cpp does (faster, llama.cpp's logprobs). F32, F16 and BF16 weights are
         * always exact. Default: the engine's, {@link LoadOptions.Builder#exact}.
         */
        public Builder exact(boolean exact) {
            this.exact = exact;
            return this;
        }

        /** The GGUF file to run. Required. */
        public Builder modelPath(Path modelPath) {
            this.modelPath = Objects.requireNonNull(modelPath, "modelPath");
            return this;
        }

        /** Threads for the forward pass. Default: the available processors. */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * Tokens per conversation (prompt and answer), the KV cache size, and the most tokens a
         * scoring window may hold. Default: the context the model was trained with, capped so that
         * one sequence's KV cache (float32 keys and values of every layer) takes at most an eighth
         * of the JVM's maximum heap, since a server keeps one cache per concurrent request; see
         * {@link #defaultContextLength}. Larger values than the trained context are allowed (the
         * model then reads positions it never saw in training).
         */
        public Builder contextLength(int contextLength) {
            if (contextLength < 1) {
                throw new IllegalArgumentException("contextLength must be >= 1, was " + contextLength);
            }
            this.contextLength = contextLength;
            return this;
        }

        /** Called as the weights load, e.g. for a progress bar. Default: none. */
        public Builder progress(LoadOptions.ProgressListener progress) {
            this.progress = progress;
            return this;
        }

        /** Options bound from the start. Default: none. */
        public Builder options(ChatOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * Maps the file and prepares the model.
         *
         * @throws IllegalArgumentException when the file does not exist
         * @throws dev.logprobs4j.gguf.GgufFormatException naming the file, offset and problem when it is not a usable GGUF
         */
        public LocalChatModel build() {
            if (modelPath == null) {
                throw new IllegalStateException("modelPath(...) is required: the GGUF file to run");
            }
            if (!Files.isRegularFile(modelPath)) {
                throw new IllegalArgumentException("no model file at " + modelPath.toAbsolutePath()
                        + ": pass the path of a .gguf file");
            }
            LoadOptions.Builder load = LoadOptions.builder().threads(threads);
            if (exact != null) {
                load.exact(exact);
            }
            if (progress != null) {
                load.progress(progress);
            }
            Model model = Model.load(modelPath, load.build());
            try {
                Tokenizer tokenizer = Tokenizer.fromGguf(model.gguf());
                ChatTemplate template = model.chatTemplate()
                        .map(src -> ChatTemplate.of(src, text(tokenizer, tokenizer.bosId()), text(tokenizer, tokenizer.eosId())))
                        .orElse(ChatTemplate.plain());
                int context = contextLength > 0 ? contextLength : defaultContextLength(model.config(), Runtime.getRuntime().maxMemory());
                String name = model.gguf().metadata().findString("general.name")
                        .orElse(modelPath.getFileName().toString().replaceFirst("\\.gguf$", ""));
                return new LocalChatModel(new LocalEngine(model, tokenizer, template, name, context), modelPath, options);
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        }

        /**
         * The default context length: the trained one, capped so that one sequence's KV cache
         * ({@code layers x (keyDim + valueDim) x 4} bytes per token) fits in an eighth of
         * {@code maxHeapBytes}, and never below 256 tokens (or the trained context, if smaller).
         */
        public static int defaultContextLength(ModelConfig config, long maxHeapBytes) {
            long perToken = 4L * config.blockCount() * (config.keyDim() + config.valueDim());
            long fits = maxHeapBytes / 8 / Math.max(1, perToken);
            int trained = config.contextLength();
            return (int) Math.max(Math.min(trained, 256), Math.min(trained, fits));
        }

        private static String text(Tokenizer tokenizer, int id) {
            return id < 0 ? "" : tokenizer.piece(id);
        }
    }
}
