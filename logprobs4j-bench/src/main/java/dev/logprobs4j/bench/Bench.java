package dev.logprobs4j.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * Entry point of the benchmark commands; each prints a table of absolute figures with min / median
 * / max over repeated runs and ratios against the peer measured in the same run.
 *
 * <p>Usage: {@code Bench <engine|bandwidth|logprobs|constrained|startup|client|server|templates|chunks|soak|batch|all>[,...] [--runs N] [--quick]
 * [--threads N] [--cache DIR] [--types T,...|all]}
 */
public final class Bench {
    private Bench() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            usage();
            return;
        }
        String command = args[0];
        Integer runs = null;
        boolean quick = false;
        int threads = 2;
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "logprobs4j-bench");
        double minutes = 10;
        int clients = 18;
        int hostilePercent = 10;
        List<dev.logprobs4j.gguf.GgmlType> types = List.of();
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(value(args, ++i, "--runs"));
                case "--quick" -> quick = true;
                case "--threads" -> threads = Integer.parseInt(value(args, ++i, "--threads"));
                case "--cache" -> cache = Path.of(value(args, ++i, "--cache"));
                case "--types" -> types = SyntheticModel.parseTypes(value(args, ++i, "--types"));
                case "--minutes" -> minutes = Double.parseDouble(value(args, ++i, "--minutes"));
                case "--clients" -> clients = Integer.parseInt(value(args, ++i, "--clients"));
                case "--hostile-percent" -> hostilePercent = Integer.parseInt(value(args, ++i, "--hostile-percent"));
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'; see --help");
            }
        }
        BenchEnv env = new BenchEnv(BenchEnv.findRepoRoot(), cache, threads, runs != null ? runs : quick ? 1 : 3, quick, types);
        long t0 = System.nanoTime();
        List<String> commands = command.equals("all")
                ? List.of("engine", "bandwidth", "logprobs", "constrained", "startup", "client", "server", "templates", "chunks")
                : List.of(command.split(","));
        List<EngineBench.Measured> engine = null;
        for (String c : commands) {
            switch (c) {
                case "engine" -> engine = EngineBench.run(env);
                case "bandwidth" -> BandwidthBench.run(env, engine);
                case "logprobs" -> LogprobsBench.run(env);
                case "constrained" -> ConstrainedBench.run(env);
                case "startup" -> StartupBench.run(env);
                case "client" -> ClientBench.run(env);
                case "server" -> ServerBench.run(env);
                case "templates" -> TemplateBench.run(env);
                case "soak" -> SoakBench.run(env, minutes, clients, hostilePercent);
                case "batch" -> BatchBench.run(env);
                case "chunks" -> ChunkAddBench.main(new String[] {"20", "" + Math.max(env.runs(), 3), env.quick() ? "10000,20000,40000" : "25000,50000,100000,200000"});
                default -> throw new IllegalArgumentException("unknown benchmark '" + c + "'; see --help");
            }
        }
        System.err.printf("%nbench %s took %.0f s%n", command, (System.nanoTime() - t0) / 1e9);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static void usage() {
        System.out.println("""
                usage: bench <engine|bandwidth|logprobs|constrained|startup|client|server|templates|chunks|soak|batch|all>[,more] [--runs N] [--quick] [--threads N] [--cache DIR]
                             [--types T,...|all]
                  engine     prefill (512-token prompt), score (prompt logprobs of 512 tokens) and decode (128 tokens,
                             top_logprobs=20) tok/s vs llama.cpp 4.1.0
                             on stories260K and a generated Llama-3.2-1B-shaped model in Q8_0, Q4_0 and Q4_K_M;
                             --types T,T,...|all: instead, the 1B model with every weight in each type given
                             (Q8_0 Q4_0 Q4_1 Q5_0 Q5_1 IQ4_NL Q2_K Q3_K Q4_K Q5_K Q6_K IQ4_XS; all: every one)
                  bandwidth  streaming read GB/s (1 and 2 threads) and decode as a fraction of bandwidth / weight bytes
                  logprobs   decode with and without logprobs + top_logprobs=20 on the 1B model
                  constrained  greedy decode tok/s with and without a JSON Schema token mask on the 1B model
                  startup    wall time from process start to first token of `chat` on stories260K
                  client     CPU per streamed token: logprobs4j OpenAI streaming + add vs openai and @langchain/openai (Node)
                  server     aggregate tok/s with 1, 4 and 8 concurrent streaming requests on the 1B model
                  templates  chat template renders/s (real Llama 3 and Qwen 3 templates), one thread vs --threads sharing one template
                  chunks     AIMessageChunk.add cost as the stream grows (linearity)
                  soak       well-behaved streaming clients + hostile ones (slow bodies, stalled readers, disconnects, dripped
                             headers, bad chunking) against the server on stories260K: good-client errors (must be 0),
                             tokens/s and p99 latency vs a warm-up without hostile clients, server RSS trend
                             --minutes M (default 10), --clients N well-behaved (default 18), --hostile-percent P (default 10)
                  batch      scoring rows/s and tokens/s on stories260K and the 1B Q8_0 model: one-by-one score calls vs
                             logprobs4j batch vs the Spark transformer on local-cluster (not part of all: it needs Spark)
                  --runs N   repetitions per figure (default 3, quick 1); --quick: shorter workloads (128-token prefill, 32-token decode)
                  --threads  threads for both engines (default 2); --cache DIR: generated models (default ~/.cache/logprobs4j-bench)""");
    }
}
