package dev.logprobs4j.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a forked engine worker measures, passed as {@code key=value} arguments: immutable.
 *
 * @param model GGUF path
 * @param threads threads for matrix products (both engines)
 * @param runs measured repetitions (after one warm-up)
 * @param prefill prompt length for the prefill measurement; 0 skips it
 * @param decode tokens to generate for the decode measurement; 0 skips it
 * @param top top_logprobs per generated token (logprobs4j only; -1: no logprobs at all)
 * @param tokenLow lowest token id the prompts use
 * @param tokenHigh one past the highest token id the prompts use
 * @param alsoRaw whether to also measure decoding without any logprobs (argmax only), alternating
 * @param score prompt length for the scoring measurement (prompt logprobs of every token; llama.cpp:
 *     prefill of the same tokens); 0 skips it
 */
record WorkerArgs(String model, int threads, int runs, int prefill, int decode, int top, int tokenLow, int tokenHigh, boolean alsoRaw,
        int score) {
    /** Length of the prompt that precedes decoding. */
    static final int DECODE_PROMPT = 16;

    WorkerArgs {
        if (threads < 1 || runs < 1 || prefill < 0 || decode < 0 || score < 0 || tokenLow < 0 || tokenHigh <= tokenLow) {
            throw new IllegalArgumentException("bad worker arguments: threads, runs >= 1, prefill, decode >= 0, tokenLow < tokenHigh");
        }
    }

    static WorkerArgs parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("worker argument must be key=value, is '" + a + "'");
            }
            m.put(a.substring(0, eq), a.substring(eq + 1));
        }
        return new WorkerArgs(m.get("model"), i(m, "threads"), i(m, "runs"), i(m, "prefill"), i(m, "decode"), i(m, "top"),
                i(m, "tokenLow"), i(m, "tokenHigh"), Boolean.parseBoolean(m.getOrDefault("alsoRaw", "false")),
                Integer.parseInt(m.getOrDefault("score", "0")));
    }

    private static int i(Map<String, String> m, String k) {
        String v = m.get(k);
        if (v == null) {
            throw new IllegalArgumentException("worker argument " + k + "= is missing");
        }
        return Integer.parseInt(v);
    }

    List<String> toArgs() {
        List<String> l = new ArrayList<>();
        l.add("model=" + model);
        l.add("threads=" + threads);
        l.add("runs=" + runs);
        l.add("prefill=" + prefill);
        l.add("decode=" + decode);
        l.add("top=" + top);
        l.add("tokenLow=" + tokenLow);
        l.add("tokenHigh=" + tokenHigh);
        l.add("alsoRaw=" + alsoRaw);
        l.add("score=" + score);
        return l;
    }

    int contextLength() {
        return Math.max(Math.max(prefill, score), DECODE_PROMPT + decode) + 16;
    }

    int[] prefillPrompt() {
        return SyntheticModel.promptIds(prefill, tokenLow, tokenHigh, 512);
    }

    int[] scorePrompt() {
        return SyntheticModel.promptIds(score, tokenLow, tokenHigh, 1024);
    }

    int[] decodePrompt() {
        return SyntheticModel.promptIds(DECODE_PROMPT, tokenLow, tokenHigh, 16);
    }
}
