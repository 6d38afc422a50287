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

    private EngineBench() {}

    static List<Subject> subjects(BenchEnv env, boolean withQ4) {
        List<Subject> s = new ArrayList<>();
        s.add(new Subject("stories260K", env.sharedModel("stories260K.gguf"), 3, 512, "512m"));
        s.add(new Subject("1B Q8_0", SyntheticModel.ensure(GgmlType.Q8_0, env.cacheDir()), 256, SyntheticModel.FIRST_SPECIAL, "2g"));
        if (withQ4) {
            s.add(new Subject("1B Q4_0", SyntheticModel.ensure(GgmlType.Q4_0, env.cacheDir()), 256, SyntheticModel.FIRST_SPECIAL, "2g"));
        }
        return s;
    }

    static List<Measured> run(BenchEnv env) {
        int prefill = env.quick() ? 128 : 512;
        int decode = env.quick() ? 32 : 128;
        int top = 20;
        List<Measured> all = new ArrayList<>();
        for (Subject s : subjects(env, !env.quick())) {
            WorkerArgs a = new WorkerArgs(s.file().toString(), env.threads(), env.runs(), prefill, decode, top, s.tokenLow(), s.tokenHigh(), false);
            System.err.printf("engine: %s logprobs4j ...%n", s.label());
            Fork.Results ours = Fork.run(env.classPath(), EngineWorker.class.getName(), env.engineJvmArgs(s.heap()), a.toArgs(), 1200);
            System.err.printf("engine: %s llama.cpp ...%n", s.label());
            Fork.Results peer = Fork.run(env.classPath() + java.io.File.pathSeparator + env.llamaCppJar(), LlamaCppWorker.class.getName(),
                    List.of("--enable-native-access=ALL-UNNAMED", "-Xmx512m"), a.toArgs(), 1200);
            all.add(new Measured(s, ours, peer));
        }
        print(env, all, prefill, decode, top);
        return all;
    }

    private static void print(BenchEnv env, List<Measured> all, int prefill, int decode, int top) {
        String header = "%-12s  %-32s  %-32s  %s%n";
        System.out.printf("%nengine prefill (%d threads, %d-token prompt, %d runs)%n", env.threads(), prefill, env.runs());
        System.out.printf(header, "model", "logprobs4j tok/s min/med/max", "llama.cpp tok/s min/med/max", "ratio (median)");
        for (Measured m : all) {
            row(m.subject().label(), m.logprobs4j().get("prefill"), m.llamaCpp().get("prefill"));
        }
        System.out.printf("%nengine decode (%d threads, %d tokens, logprobs4j with top_logprobs=%d; llama.cpp without: n_probs aborts 4.1.0)%n",
                env.threads(), decode, top);
        System.out.printf(header, "model", "logprobs4j tok/s min/med/max", "llama.cpp tok/s min/med/max", "ratio (median)");
        for (Measured m : all) {
            row(m.subject().label(), m.logprobs4j().get("decode"), m.llamaCpp().get("decode"));
        }
        System.out.printf("%nllama.cpp's own timings (its print_timings, excludes JNI/sampling) and load times%n");
        System.out.printf("%-12s  %-28s  %-28s  %-14s  %s%n", "model", "prefill tok/s median", "decode tok/s median", "load l4j s", "load llama.cpp s");
        for (Measured m : all) {
            Fork.Results p = m.llamaCpp();
            System.out.printf("%-12s  %-28s  %-28s  %-14.2f  %.2f%n", m.subject().label(),
                    p.has("prefill_internal") ? String.format("%.2f", Stats.of(p.get("prefill_internal")).median()) : "-",
                    p.has("decode_internal") ? String.format("%.2f", Stats.of(p.get("decode_internal")).median()) : "-",
                    m.logprobs4j().get("load")[0], p.get("load")[0]);
        }
    }

    static void row(String label, double[] ours, double[] peer) {
        Stats a = Stats.of(ours);
        Stats b = Stats.of(peer);
        System.out.printf("%-12s  %-32s  %-32s  %.2fx%n", label, a.format(""), b.format(""), a.median() / b.median());
    }
}
