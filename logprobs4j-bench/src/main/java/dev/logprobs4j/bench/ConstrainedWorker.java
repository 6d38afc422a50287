package dev.logprobs4j.bench;

import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatStream;
import dev.logprobs4j.Choice;
import dev.logprobs4j.ResponseFormat;
import dev.logprobs4j.local.LocalChatModel;
import dev.logprobs4j.local.constraint.TokenGrammar;
import dev.logprobs4j.local.constraint.TokenMask;
import dev.logprobs4j.local.constraint.TokenTrie;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Forked-JVM measurement of decoding with and without a JSON Schema mask through
 * {@link LocalChatModel}, alternating in one JVM: prints {@code RESULT decode_free},
 * {@code RESULT decode_json} (tok/s from token arrival times, first token excluded) and
 * {@code RESULT tokens_json}.
 *
 * <p>Usage: {@code ConstrainedWorker MODEL THREADS RUNS TOKENS}
 */
public final class ConstrainedWorker {
    /** Records of names and scores: keys, strings and numbers, so masks come from every kind of state. */
    static final Map<String, Object> SCHEMA = schema();

    private static Map<String, Object> schema() {
        Map<String, Object> properties = new java.util.LinkedHashMap<>();
        properties.put("name", Map.of("type", "string", "maxLength", 16));
        properties.put("score", Map.of("type", "number"));
        properties.put("tags", Map.of("type", "array", "items", Map.of("enum", List.of("red", "green", "blue")), "maxItems", 3));
        return Map.of("type", "array", "items", Map.of("type", "object", "properties", properties,
                "required", List.of("name", "score", "tags")));
    }

    private ConstrainedWorker() {}

    public static void main(String[] args) {
        int status = 0;
        try {
            run(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        } catch (Throwable t) {
            t.printStackTrace();
            status = 1;
        }
        System.out.flush();
        System.exit(status);
    }

    private static void run(Path file, int threads, int runs, int tokens) {
        try (LocalChatModel model = LocalChatModel.builder().modelPath(file).threads(threads).contextLength(512).build()) {
            ChatOptions free = ChatOptions.builder().temperature(0).maxTokens(tokens).logprobs(true).build();
            ChatOptions json = free.toBuilder().responseFormat(ResponseFormat.jsonSchema("records", SCHEMA)).build();
            decode(model, free, 8);
            decode(model, json, 8);
            isolated(file);
            for (int r = 0; r < runs; r++) {
                System.out.printf("RESULT decode_free %.3f%n", decode(model, free, tokens)[0]);
                double[] j = decode(model, json, tokens);
                System.out.printf("RESULT decode_json %.3f%n", j[0]);
                System.out.printf("RESULT tokens_json %.0f%n", j[1]);
            }
        }
    }

    /**
     * The mask's own costs over this vocabulary, apart from the model: building the token trie, a
     * first-visit mask inside a string (the largest walk: nearly every token is allowed), and one
     * step with a cached mask (lookup, masking the logits, advancing past a token).
     */
    private static void isolated(Path file) {
        dev.logprobs4j.tokenizer.Tokenizer tokenizer = dev.logprobs4j.tokenizer.Tokenizer.fromGguf(dev.logprobs4j.gguf.GgufFile.open(file));
        int vocab = tokenizer.vocabularySize();
        long t0 = System.nanoTime();
        TokenTrie trie = TokenTrie.of(vocab, tokenizer::tokenBytes);
        System.out.printf("RESULT trie_ms %.3f%n", (System.nanoTime() - t0) / 1e6);
        System.out.printf("RESULT trie_nodes %d%n", trie.size());
        byte[] prefix = "[{\"name\":\"".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        float[] logits = new float[vocab];
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        for (int i = 0; i < vocab; i++) {
            logits[i] = (float) random.nextGaussian();
        }
        float[] masked = new float[vocab];
        byte[] letter = {'a'};
        for (int round = 0; round < 5; round++) {
            // A fresh grammar each round, so that the walk is a first visit.
            TokenGrammar g = TokenGrammar.compile(ResponseFormat.jsonSchema("records", SCHEMA), trie, tokenizer.endOfGenerationIds());
            int cfg = g.advance(g.start(), prefix);
            long w0 = System.nanoTime();
            TokenMask first = g.mask(cfg);
            long w1 = System.nanoTime();
            int reps = 200;
            long sink = 0;
            for (int i = 0; i < reps; i++) {
                TokenMask m = g.mask(cfg);
                sink += m.apply(logits, vocab, masked)[i] > 0 ? 1 : 0;
                sink += g.advance(cfg, letter);
            }
            long w2 = System.nanoTime();
            if (round >= 2) {
                System.out.printf("RESULT first_mask_us %.1f%n", (w1 - w0) / 1e3);
                System.out.printf("RESULT cached_step_us %.1f%n", (w2 - w1) / 1e3 / reps);
                System.out.printf("RESULT string_mask_allowed %d%n", first.count() + (sink == 42 ? 1 : 0) * 0);
            }
        }
    }

    /** {tok/s, tokens} of one greedy generation, from the arrival times of its tokens. */
    private static double[] decode(LocalChatModel model, ChatOptions options, int tokens) {
        long first = 0;
        long last = 0;
        int counted = 0;
        int total = 0;
        try (ChatStream stream = model.completeStream("[", options.toBuilder().maxTokens(tokens).build())) {
            for (AIMessageChunk chunk : stream) {
                long now = System.nanoTime();
                for (Choice c : chunk.choices()) {
                    int n = c.logprobs() == null ? 0 : c.logprobs().size();
                    if (n == 0) {
                        continue;
                    }
                    if (total == 0) {
                        first = now;
                        counted -= 1; // the first token's time includes the prefill
                    }
                    total += n;
                    counted += n;
                    last = now;
                }
            }
        }
        return new double[] {counted <= 0 ? Double.NaN : counted / ((last - first) / 1e9), total};
    }
}
