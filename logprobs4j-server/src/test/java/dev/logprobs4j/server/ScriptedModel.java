package dev.logprobs4j.server;

import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatStream;
import dev.logprobs4j.Choice;
import dev.logprobs4j.ChunkSource;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.Message;
import dev.logprobs4j.ResponseInfo;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import dev.logprobs4j.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deterministic stand-in model for the HTTP tests: a 24-word vocabulary (one word with a
 * two-byte character), next-token "logits" from a hash of the prompt and step, log-softmax
 * logprobs, greedy at temperature 0 and seeded sampling otherwise. Each call has its own state, like
 * a session of the local engine. It counts generated tokens and early closes so tests can see a
 * generation stop. Thread-safe.
 */
final class ScriptedModel implements ServedModel {

    static final String NAME = "scripted-24";
    static final String[] VOCAB = {" the", " cat", " sat", " on", " a", " mat", " and", " dog", " ran", " far",
        " café", " sun", " was", " hot", " she", " said", " hello", " to", " him", ".", ",", " big", " red", " ball"};

    final AtomicLong tokensGenerated = new AtomicLong();
    final AtomicLong closedEarly = new AtomicLong();
    final AtomicLong sessions = new AtomicLong();
    private final int naturalLength;
    private volatile CountDownLatch gate;

    /** A model whose answers end by themselves after {@code naturalLength} tokens (unless max_tokens or a stop string ends them first). */
    ScriptedModel(int naturalLength) {
        this.naturalLength = naturalLength;
    }

    /** From now on every generation waits for {@code gate} before its first token. */
    void holdGenerations(CountDownLatch gate) {
        this.gate = gate;
    }

    @Override
    public String modelName() {
        return NAME;
    }

    @Override
    public int contextLength() {
        return 2048;
    }

    @Override
    public Capabilities capabilities() {
        return new Capabilities(true, 20, true, true);
    }

    @Override
    public ChatStream chat(List<Message> messages, ChatOptions options) {
        StringBuilder prompt = new StringBuilder();
        for (Message m : messages) {
            prompt.append(m.role().wireName()).append(": ").append(m.content()).append('\n');
        }
        return complete(prompt.toString(), options);
    }

    @Override
    public ChatStream complete(String prompt, ChatOptions options) {
        options.validateCombination();
        int n = options.n() == null ? 1 : options.n();
        List<Generation> choices = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            choices.add(new Generation(prompt, options, i));
        }
        return ChatStream.of(new ChunkSource() {
            int current;

            @Override
            public AIMessageChunk next() {
                while (current < choices.size()) {
                    AIMessageChunk c = choices.get(current).next();
                    if (c != null) {
                        return c;
                    }
                    current++;
                }
                return null;
            }

            @Override
            public void close() {
                choices.forEach(Generation::close);
            }
        });
    }

    @Override
    public PromptLogprobs score(String text, int topLogprobs) {
        List<Integer> ids = tokenize(text);
        if (ids.isEmpty()) {
            return new PromptLogprobs(List.of(), Logprobs.EMPTY, false);
        }
        List<TokenLogprob> scored = new ArrayList<>();
        long h = hash(text);
        for (int i = 1; i < ids.size(); i++) {
            double[] lp = logprobs(h, i - 1);
            scored.add(tokenLogprob(ids.get(i), lp, topLogprobs));
        }
        return new PromptLogprobs(List.of(VOCAB[ids.get(0)]), Logprobs.of(scored), false);
    }

    /** Greedy words of a text: the longest vocabulary word at each position; unknown characters are skipped. */
    static List<Integer> tokenize(String text) {
        List<Integer> ids = new ArrayList<>();
        int pos = 0;
        while (pos < text.length()) {
            int best = -1;
            for (int v = 0; v < VOCAB.length; v++) {
                if (text.startsWith(VOCAB[v], pos) && (best < 0 || VOCAB[v].length() > VOCAB[best].length())) {
                    best = v;
                }
            }
            if (best < 0) {
                pos++;
            } else {
                ids.add(best);
                pos += VOCAB[best].length();
            }
        }
        return ids;
    }

    static long hash(String s) {
        long h = 1125899906842597L;
        for (int i = 0; i < s.length(); i++) {
            h = 31 * h + s.charAt(i);
        }
        return h;
    }

    /** Log-softmax of the step's pseudo-logits. */
    static double[] logprobs(long promptHash, int step) {
        Random r = new Random(promptHash * 1_000_003L + step);
        double[] logits = new double[VOCAB.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < logits.length; v++) {
            logits[v] = r.nextGaussian() * 3;
            max = Math.max(max, logits[v]);
        }
        double sum = 0;
        for (double l : logits) {
            sum += Math.exp(l - max);
        }
        double lse = max + Math.log(sum);
        for (int v = 0; v < logits.length; v++) {
            logits[v] = Math.min(0, logits[v] - lse);
        }
        return logits;
    }

    static TokenLogprob tokenLogprob(int id, double[] lp, int top) {
        Integer[] order = new Integer[lp.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -lp[i]));
        List<TopLogprob> alts = new ArrayList<>();
        for (int k = 0; k < top; k++) {
            alts.add(new TopLogprob(VOCAB[order[k]], VOCAB[order[k]].getBytes(StandardCharsets.UTF_8), lp[order[k]]));
        }
        return new TokenLogprob(VOCAB[id], VOCAB[id].getBytes(StandardCharsets.UTF_8), lp[id], alts);
    }

    /** One answer, one token per chunk. */
    private final class Generation {
        private final long promptHash;
        private final int promptTokens;
        private final boolean logprobs;
        private final int top;
        private final int maxTokens;
        private final List<String> stops;
        private final double temperature;
        private final Random random;
        private final int index;
        private final StringBuilder text = new StringBuilder();
        private int step = -1;
        private boolean done;

        Generation(String prompt, ChatOptions o, int index) {
            this.promptHash = hash(prompt);
            this.promptTokens = Math.max(1, tokenize(prompt).size());
            this.logprobs = o.wantsLogprobs();
            this.top = o.topLogprobs() == null ? 0 : o.topLogprobs();
            this.maxTokens = o.maxTokens() == null ? Integer.MAX_VALUE : o.maxTokens();
            this.stops = o.stop() == null ? List.of() : o.stop();
            this.temperature = o.temperature() == null ? 1 : o.temperature();
            this.random = new Random(o.seed() == null ? System.nanoTime() : o.seed() + index);
            this.index = index;
        }

        AIMessageChunk next() {
            if (done) {
                return null;
            }
            if (step < 0) {
                step = 0;
                sessions.incrementAndGet();
                CountDownLatch g = gate;
                if (g != null) {
                    try {
                        g.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                ResponseInfo info = index == 0 ? new ResponseInfo("scripted", NAME, null, null, Map.of()) : null;
                return AIMessageChunk.of(List.of(new Choice(index, "", null, logprobs ? Logprobs.EMPTY : null, null)), info, null);
            }
            if (step >= maxTokens) {
                return finish("length");
            }
            if (step >= naturalLength) {
                return finish("stop");
            }
            double[] lp = logprobs(promptHash, step);
            int id = pick(lp);
            step++;
            tokensGenerated.incrementAndGet();
            text.append(VOCAB[id]);
            for (String s : stops) {
                if (text.indexOf(s) >= 0) {
                    return finish("stop");
                }
            }
            return AIMessageChunk.of(List.of(new Choice(index, VOCAB[id], null,
                    logprobs ? Logprobs.of(List.of(tokenLogprob(id, lp, top))) : null, null)), null, null);
        }

        private int pick(double[] lp) {
            if (temperature == 0) {
                int best = 0;
                for (int v = 1; v < lp.length; v++) {
                    if (lp[v] > lp[best]) {
                        best = v;
                    }
                }
                return best;
            }
            double u = random.nextDouble();
            double acc = 0;
            for (int v = 0; v < lp.length; v++) {
                acc += Math.exp(lp[v] / temperature);
            }
            double target = u * acc;
            acc = 0;
            for (int v = 0; v < lp.length; v++) {
                acc += Math.exp(lp[v] / temperature);
                if (acc >= target) {
                    return v;
                }
            }
            return lp.length - 1;
        }

        private AIMessageChunk finish(String reason) {
            done = true;
            Usage usage = new Usage(promptTokens, step, promptTokens + (long) step);
            return AIMessageChunk.of(List.of(new Choice(index, "", null, logprobs ? Logprobs.EMPTY : null, reason)),
                    new ResponseInfo(null, null, null, usage, Map.of()), null);
        }

        void close() {
            if (!done && step >= 0) {
                closedEarly.incrementAndGet();
            }
            done = true;
        }
    }
}
