package dev.logprobs4j.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Client-side CPU per streamed token with top_logprobs=20: logprobs4j's OpenAI streaming + add
 * against the official {@code openai} npm client and {@code @langchain/openai} (stream + concat),
 * all reading the same replayed stream from a loopback server in its own JVM, at 2,500, 5,000
 * and 10,000 tokens to show whether aggregation is linear. Stateless; prints.
 */
final class ClientBench {
    /**
     * Warm-up passes over all sizes before measuring (17,500 tokens each), the same for every
     * client: C2 and V8 both need them. The figure is a warm client's steady state; with 6 passes
     * C2 was still compiling through the measured passes on a loaded machine (JFR: ~1.9 s of
     * compiler-thread CPU against ~1.5 s of the reading thread), which the process CPU counts.
     */
    private static final int WARMUP = 20;

    private ClientBench() {}

    static void run(BenchEnv env) {
        int top = 20;
        String sizes = env.quick() ? "1000,2000,4000" : "2500,5000,10000";
        int runs = Math.max(env.runs(), 3);
        Path npm = ensureNpm(env);
        Path script = env.repoRoot().resolve("logprobs4j-bench/src/main/node/client-bench.cjs");
        List<String> cmd = new ArrayList<>(List.of(Fork.javaExecutable(), "-cp", env.classPath(), "-Xmx1g", ReplayServer.class.getName(), "" + top));
        Process server = null;
        try {
            server = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String line = r.readLine();
            if (line == null || !line.startsWith("PORT ")) {
                throw new IllegalStateException("replay server did not start: " + line);
            }
            String port = line.substring(5).trim();
            System.err.println("client: logprobs4j ...");
            Fork.Results java = Fork.run(env.classPath(), JavaClientWorker.class.getName(), List.of("-Xmx1g"),
                    List.of(port, "" + top, "" + WARMUP, "" + runs, sizes), 900);
            System.err.println("client: openai (node) ...");
            Fork.Results openai = node(script, "openai", npm, port, top, runs, sizes);
            System.err.println("client: @langchain/openai (node) ...");
            Fork.Results langchain = node(script, "langchain", npm, port, top, runs, sizes);
            print(env, top, runs, sizes, java, openai, langchain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (server != null) {
                try {
                    server.getOutputStream().close(); // the server stops when its stdin closes
                    if (!server.waitFor(10, TimeUnit.SECONDS)) {
                        server.destroyForcibly();
                    }
                } catch (IOException | InterruptedException e) {
                    server.destroyForcibly();
                }
            }
        }
    }

    private static Fork.Results node(Path script, String client, Path npm, String port, int top, int runs, String sizes) {
        return Fork.runCommand(List.of("node", script.toString(), client, npm.toString(), port, "" + top, "" + WARMUP, "" + runs, sizes), 1800);
    }

    private static void print(BenchEnv env, int top, int runs, String sizes, Fork.Results java, Fork.Results openai, Fork.Results langchain) {
        System.out.printf("%nclient CPU per streamed token (OpenAI SSE replay, top_logprobs=%d, stream + aggregate, steady state, %d runs; process CPU incl. GC/JIT)%n",
                top, runs);
        System.out.printf("%-7s  %-24s  %-24s  %-26s  %-12s  %s%n", "tokens", "logprobs4j us/tok", "openai npm us/tok", "@langchain/openai us/tok",
                "LC / l4j", "openai / l4j");
        for (String s : sizes.split(",")) {
            Stats j = Stats.of(java.get("cpu_" + s));
            Stats o = Stats.of(openai.get("cpu_" + s));
            Stats l = Stats.of(langchain.get("cpu_" + s));
            System.out.printf("%-7s  %-24s  %-24s  %-26s  %-12s  %.1fx%n", s, j.format(""), o.format(""), l.format(""),
                    String.format("%.1fx", l.median() / j.median()), o.median() / j.median());
        }
        String[] n = sizes.split(",");
        String first = n[0];
        String last = n[n.length - 1];
        System.out.printf("linearity: CPU per token at %s / at %s tokens (1.0 = linear): logprobs4j %.2f, openai %.2f, @langchain/openai %.2f%n", last,
                first, ratio(java, last, first), ratio(openai, last, first), ratio(langchain, last, first));
        System.out.printf("wall us/token at %s tokens (medians): logprobs4j %.1f, openai %.1f, @langchain/openai %.1f%n", last,
                Stats.of(java.get("wall_" + last)).median(), Stats.of(openai.get("wall_" + last)).median(), Stats.of(langchain.get("wall_" + last)).median());
    }

    private static double ratio(Fork.Results r, String a, String b) {
        return Stats.of(r.get("cpu_" + a)).median() / Stats.of(r.get("cpu_" + b)).median();
    }

    /** tools/npm/node_modules, installed with {@code npm install --prefix tools/npm} when missing. */
    static Path ensureNpm(BenchEnv env) {
        Path dir = env.repoRoot().resolve("tools/npm");
        if (!Files.isDirectory(dir.resolve("node_modules/@langchain/openai")) || !Files.isDirectory(dir.resolve("node_modules/openai"))) {
            System.err.println("installing the Node peers: npm install --prefix tools/npm ...");
            try {
                Process p = new ProcessBuilder("npm", "install", "--prefix", dir.toString()).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IllegalStateException("npm install --prefix " + dir + " failed");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot run npm (is Node 20 installed?): " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return dir;
    }
}
