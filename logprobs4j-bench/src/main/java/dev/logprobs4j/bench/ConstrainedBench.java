package dev.logprobs4j.bench;

/**
 * Cost of constrained decoding on the 1B model (vocabulary 128,256): greedy decode tok/s of free
 * text against the same with a JSON Schema mask, alternating in one forked JVM. Stateless; not
 * thread-safe (prints).
 */
final class ConstrainedBench {
    private ConstrainedBench() {}

    static void run(BenchEnv env) {
        EngineBench.Subject s = EngineBench.subjects(env, false).get(1);
        int tokens = env.quick() ? 32 : 96;
        System.err.printf("constrained: %s decode with/without a JSON Schema mask ...%n", s.label());
        Fork.Results r = Fork.run(env.classPath(), ConstrainedWorker.class.getName(), env.engineJvmArgs(s.heap()),
                java.util.List.of(s.file().toString(), "" + env.threads(), "" + env.runs(), "" + tokens), 1800);
        Stats free = Stats.of(r.get("decode_free"));
        Stats json = Stats.of(r.get("decode_json"));
        System.out.printf("%nconstrained decoding (%s, vocab %d, %d threads, greedy, up to %d tokens, %d runs each, alternating)%n",
                s.label(), SyntheticModel.VOCAB, env.threads(), tokens, env.runs());
        System.out.printf("%-40s  %s%n", "variant", "decode tok/s min/med/max");
        System.out.printf("%-40s  %s%n", "free text", free.format(""));
        System.out.printf("%-40s  %s%n", "JSON Schema mask (records array)", json.format(""));
        System.out.printf("tokens per constrained run: %s%n", Stats.of(r.get("tokens_json")).format(""));
        System.out.printf("decode time increase with the mask (medians): %.1f%% (target <= 10%%)%n", 100 * (free.median() / json.median() - 1));
        double stepUs = 1e6 / free.median();
        System.out.printf("token trie: %.0f nodes built in %s ms (once per model)%n", r.get("trie_nodes")[0], Stats.of(r.get("trie_ms")).format(""));
        System.out.printf("first-visit mask inside a string (%.0f tokens allowed): %s us = %.2f%% of a %.0f us decode step%n",
                r.get("string_mask_allowed")[0], Stats.of(r.get("first_mask_us")).format(""), 100 * Stats.of(r.get("first_mask_us")).median() / stepUs,
                stepUs);
        System.out.printf("step with a cached mask (lookup + mask logits + advance): %s us = %.3f%% of a decode step%n",
                Stats.of(r.get("cached_step_us")).format(""), 100 * Stats.of(r.get("cached_step_us")).median() / stepUs);
    }
}
