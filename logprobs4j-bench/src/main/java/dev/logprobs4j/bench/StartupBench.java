package dev.logprobs4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Wall time from process start to the first generated token on standard output, and to exit, for
 * {@code ./logprobs4j chat --stream} on stories260K (with and without its AOT cache), against a
 * minimal {@code java -cp} main that loads the model and prints one token. Stateless; prints.
 */
final class StartupBench {
    private StartupBench() {}

    static void run(BenchEnv env) {
        int runs = Math.max(env.runs(), env.quick() ? 3 : 5);
        Path stories = env.sharedModel("stories260K.gguf");
        Path launcher = env.repoRoot().resolve("logprobs4j");
        List<String> chat = List.of("bash", launcher.toString(), "chat", "Once upon a time", "--stream", "--max-tokens", "1",
                "--temperature", "0", "--model", stories.toString());
        System.out.printf("%nstartup to first token (stories260K, %d runs, after one untimed run that builds / trains caches)%n", runs);
        System.out.printf("%-48s  %-28s  %s%n", "command", "first token s min/med/max", "exit s min/med/max");
        if (Files.isRegularFile(launcher)) {
            time(chat, Map.of(), 1); // builds the CLI and records the AOT cache if needed
            row("./logprobs4j chat --stream --max-tokens 1", chat, Map.of(), runs);
            row("  same, LOGPROBS4J_AOT=0 (no AOT cache)", chat, Map.of("LOGPROBS4J_AOT", "0"), runs);
        } else {
            System.out.println("(./logprobs4j is not in this tree yet: only the minimal main below was measured)");
        }
        List<String> minimal = new ArrayList<>(List.of(Fork.javaExecutable(), "-cp", env.classPath()));
        minimal.addAll(List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-Xss4m", StartupWorker.class.getName(), stories.toString()));
        time(minimal, Map.of(), 1);
        row("java -cp ... StartupWorker (load, prefill, 1 token)", minimal, Map.of(), runs);
    }

    private static void row(String label, List<String> cmd, Map<String, String> envVars, int runs) {
        double[][] t = time(cmd, envVars, runs);
        System.out.printf("%-48s  %-28s  %s%n", label, Stats.of(t[0]).format(""), Stats.of(t[1]).format(""));
    }

    /** Seconds to the first byte on stdout and to exit, per run. */
    private static double[][] time(List<String> cmd, Map<String, String> envVars, int runs) {
        double[] first = new double[runs];
        double[] exit = new double[runs];
        for (int r = 0; r < runs; r++) {
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
                pb.environment().putAll(envVars);
                long t0 = System.nanoTime();
                Process p = pb.start();
                try (InputStream in = p.getInputStream()) {
                    int b = in.read();
                    first[r] = (System.nanoTime() - t0) / 1e9;
                    if (b < 0) {
                        throw new IllegalStateException(String.join(" ", cmd) + " printed nothing");
                    }
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                }
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", cmd) + " did not exit within 120 s");
                }
                exit[r] = (System.nanoTime() - t0) / 1e9;
                if (p.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", cmd) + " exited with " + p.exitValue());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return new double[][] {first, exit};
    }

}
