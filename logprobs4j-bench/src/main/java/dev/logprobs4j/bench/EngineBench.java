package dev.logprobs4j.bench;

import dev.logprobs4j.gguf.GgmlType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Prefill and decode speed of logprobs4j against llama.cpp on the same GGUF files, token ids and
 * thread count, each engine in its own forked JVM. Stateless; not thread-safe (prints).
 */
final class EngineBench {
    /** One model under test and the token ids its prompts may use. */
    record Subject(String label, Path file, int tokenLow, int tokenHigh, String heap) {}

    /** Both engines' samples for one subject. */
    record Measured(Subject subject, Fork.Results logprobs4j, Fork.Results llamaCpp) {}

    /** Length of the scored prompt: prompt logprobs of a 512-token text. */
    static final int SCORE_TOKENS = 512;

    private EngineBench() {}

    /**
     * stories260K and the 1B files: Q8_0, then (with {@code withQ4}) Q4_0 and Q4_K_M; or, with
     * {@code --types}, the first of them, then (with {@code withQ4}) the others.
     */
    static List<Subject> subjects(BenchEnv env, boolean withQ4) {
        List<Subject> s = new ArrayList<>();
        s.add(new Subject("stories260K", env.sharedModel("stories260K.gguf"), 3, 512, "512m"));
        if (!env.types().isEmpty()) {
            for (GgmlType t : withQ4 ? env.types() : env.types().subList(0, 1)) {
                s.add(new Subject("1B " + t, SyntheticModel.ensureSingleType(t, env.cacheDir()), 256, SyntheticModel.FIRST_SPECIAL, "2g"));
            }
            return s;
        }
        s.add(new Subject("1B Q8_0", SyntheticModel.ensure(GgmlType.Q8_0, env.cacheDir()), 256, SyntheticModel.FIRST_SPECIAL, "2g"));
        if (withQ4) {
            s.add(new Subject("1B Q4_0", SyntheticModel.ensure(GgmlType.Q4_0, env.cacheDir()), 256, SyntheticModel.FIRST_SPECIAL, "2g"));
            s.add(new Subject("1B Q4_K_M", SyntheticModel.ensure(GgmlType.Q4_K, env.cacheDir()), 256, SyntheticModel.FIRST_SPECIAL, "2g"));
        }
        return s;
    }

    static List<Measured> run(BenchEnv env) {
        int prefill = env.quick() ? 128 : 512;
        int decode = env.quick() ? 32 : 128;
        int top = 20;
        int score = SCORE_TOKENS;
        List<Measured> all = new ArrayList<>();
        String load0 = loadAverage();
        for (Subject s : subjects(env, true)) {
            // One run per forked pair, alternating engines, so that both see the same background load.
            // Scoring only on the 1B files: stories260K's context is 512 tokens in all.
            int sc = s.label().startsWith("1B") ? score : 0;
            WorkerArgs a = new WorkerArgs(s.file().toString(), env.threads(), 1, prefill, decode, top, s.tokenLow(), s.tokenHigh(), false, sc);
            Fork.Results ours = null;
            Fork.Results peer = null;
            for (int r = 0; r < env.runs(); r++) {
                System.err.printf("engine: %s run %d/%d: logprobs4j ...%n", s.label(), r + 1, env.runs());
                Fork.Results o = Fork.run(env.classPath(), EngineWorker.class.getName(), env.engineJvmArgs(s.heap()), a.toArgs(), 1200);
                System.err.printf("engine: %s run %d/%d: llama.cpp ...%n", s.label(), r + 1, env.runs());
                Fork.Results p = llamaCpp(env, a);
                ours = ours == null ? o : ours.plus(o);
                peer = peer == null ? p : peer.plus(p);
            }
            all.add(new Measured(s, ours, peer));
        }
        print(env, all, prefill, decode, top);
        System.out.printf("load average before / after: %s / %s (2 cores; figures are only comparable within one run)%n", load0, loadAverage());
        return all;
    }

    /** llama.cpp in a forked JVM, with its own print_timings figures (from standard error) added as *_internal. */
    static Fork.Results llamaCpp(BenchEnv env, WorkerArgs a) {
        Fork.Results p = Fork.run(env.classPath() + java.io.File.pathSeparator + env.llamaCppJar(), LlamaCppWorker.class.getName(),
                List.of("--enable-native-access=ALL-UNNAMED", "-Xmx512m"), a.toArgs(), 1200);
        java.util.Map<String, double[]> extra = new java.util.LinkedHashMap<>();
        List<Double> pre = new ArrayList<>();
        List<Double> dec = new ArrayList<>();
        java.util.regex.Matcher m = TIMING.matcher(p.errors());
        while (m.find()) {
            double ms = Double.parseDouble(m.group(2));
            int n = Integer.parseInt(m.group(3));
            if (m.group(1).startsWith("prompt") && n == a.prefill()) {
                pre.add(n * 1000 / ms);
            } else if (!m.group(1).startsWith("prompt") && n == a.decode()) {
                dec.add(n * 1000 / ms);
            }
        }
        // The first matching entries are the warm-up's only if it had the same sizes; it has not.
        if (!pre.isEmpty()) {
            extra.put("prefill_internal", pre.stream().mapToDouble(Double::doubleValue).toArray());
        }
        if (!dec.isEmpty()) {
            extra.put("decode_internal", dec.stream().mapToDouble(Double::doubleValue).toArray());
        }
        return extra.isEmpty() ? p : p.plus(new Fork.Results(extra, p.log(), ""));
    }

    private static final java.util.regex.Pattern TIMING =
            java.util.regex.Pattern.compile("(prompt eval|eval) time =\\s*([\\d.]+) ms /\\s*(\\d+) tokens");

    static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "?";
        }
    }

    private static void print(BenchEnv env, List<Measured> all, int prefill, int decode, int top) {
        String header = "%-12s  %-32s  %-32s  %-15s  %s%n";
        System.out.printf("%nengine prefill (%d threads, %d-token prompt, %d runs)%n", env.threads(), prefill, env.runs());
        System.out.printf(header, "model", "logprobs4j tok/s min/med/max", "llama.cpp tok/s min/med/max", "ratio (median)", "ratio (max: least disturbed)");
        for (Measured m : all) {
            row(m.subject().label(), m.logprobs4j().get("prefill"), m.llamaCpp().get("prefill"));
        }
        System.out.printf("%nengine score (%d threads, prompt logprobs of a %d-token text with top_logprobs=%d; llama.cpp: prefill of the same tokens)%n",
                env.threads(), SCORE_TOKENS, top);
        System.out.printf(header, "model", "logprobs4j tok/s min/med/max", "llama.cpp tok/s min/med/max", "ratio (median)", "ratio (max: least disturbed)");
        for (Measured m : all) {
            if (m.logprobs4j().has("score") && m.llamaCpp().has("score")) {
                row(m.subject().label(), m.logprobs4j().get("score"), m.llamaCpp().get("score"));
            }
        }
        System.out.printf("%nengine decode (%d threads, %d tokens, logprobs4j with top_logprobs=%d; llama.cpp without: n_probs aborts 4.1.0)%n",
                env.threads(), decode, top);
        System.out.printf(header, "model", "logprobs4j tok/s min/med/max", "llama.cpp tok/s min/med/max", "ratio (median)", "ratio (max: least disturbed)");
        for (Measured m : all) {
            row(m.subject().label(), m.logprobs4j().get("decode"), m.llamaCpp().get("decode"));
        }
        System.out.printf("%nllama.cpp's own timings (its print_timings, excludes JNI/sampling) and load times%n");
        System.out.printf("%-12s  %-22s  %-22s  %-20s  %s%n", "model", "prefill tok/s median", "decode tok/s median",
                "load s l4j (median)", "load s llama.cpp (median)");
        for (Measured m : all) {
            Fork.Results p = m.llamaCpp();
            System.out.printf("%-12s  %-22s  %-22s  %-20.2f  %.2f%n", m.subject().label(),
                    p.has("prefill_internal") ? String.format("%.2f", Stats.of(p.get("prefill_internal")).median()) : "-",
                    p.has("decode_internal") ? String.format("%.2f", Stats.of(p.get("decode_internal")).median()) : "-",
                    Stats.of(m.logprobs4j().get("load")).median(), Stats.of(p.get("load")).median());
        }
    }

    static void row(String label, double[] ours, double[] peer) {
        Stats a = Stats.of(ours);
        Stats b = Stats.of(peer);
        System.out.printf("%-12s  %-32s  %-32s  %-15s  %.2fx%n", label, a.format(""), b.format(""),
                String.format("%.2fx", a.median() / b.median()), a.max() / b.max());
    }
}
