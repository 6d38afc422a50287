package dev.logprobs4j.bench;

import dev.logprobs4j.gguf.GgmlType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the benchmarks find things: the repository root, shared models, the cache folder for
 * generated models, the llama.cpp jar and the JVM flags for forked workers. Immutable.
 *
 * @param repoRoot folder holding the parent pom.xml
 * @param cacheDir folder for generated GGUF files (not in git)
 * @param threads threads both engines use
 * @param runs measured repetitions per figure
 * @param quick whether to use the shortened workloads
 * @param types {@code --types}: the 1B model is measured with every weight in each of these types
 *     instead of the default Q8_0, Q4_0 and Q4_K_M files; empty for the default
 */
record BenchEnv(Path repoRoot, Path cacheDir, int threads, int runs, boolean quick, List<GgmlType> types) {

    BenchEnv {
        types = List.copyOf(types);
    }

    BenchEnv(Path repoRoot, Path cacheDir, int threads, int runs, boolean quick) {
        this(repoRoot, cacheDir, threads, runs, quick, List.of());
    }

    static Path findRepoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path pom = d.resolve("pom.xml");
            try {
                if (Files.isRegularFile(pom) && Files.readString(pom).contains("<artifactId>logprobs4j-parent</artifactId>")
                        && Files.isDirectory(d.resolve("logprobs4j-bench"))) {
                    return d;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("run the benchmarks from inside the logprobs4j repository (no parent pom.xml above " + dir + ")");
    }

    Path sharedModel(String name) {
        // CI puts shared/ beside the clone; a git worktree (wt/x) sits one level deeper.
        for (Path d = repoRoot.getParent(); d != null; d = d.getParent()) {
            Path p = d.resolve("shared").resolve("models").resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalStateException("../shared/models/" + name + " is missing: the shared folder must sit beside the repository " + repoRoot);
    }

    /** de.kherud:llama 4.1.0, copied by the build into target/oracle or found in the local Maven repository. */
    Path llamaCppJar() {
        String prop = System.getProperty("logprobs4j.bench.llamacpp");
        List<Path> candidates = new ArrayList<>();
        if (prop != null) {
            candidates.add(Path.of(prop));
        }
        candidates.add(repoRoot.resolve("logprobs4j-bench/target/oracle/llama-4.1.0.jar"));
        candidates.add(Path.of(System.getProperty("user.home"), ".m2/repository/de/kherud/llama/4.1.0/llama-4.1.0.jar"));
        for (Path c : candidates) {
            if (Files.isRegularFile(c)) {
                return c;
            }
        }
        throw new IllegalStateException("de.kherud:llama:4.1.0 jar not found (looked at " + candidates
                + "); build the bench module with mvn -pl logprobs4j-bench -am install -DskipTests");
    }

    /** JVM flags of a forked logprobs4j worker. */
    List<String> engineJvmArgs(String heap) {
        List<String> args = new ArrayList<>(List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Xmx" + heap, "-Dlogprobs4j.threads=" + threads));
        args.addAll(extraJvmArgs());
        return args;
    }

    /** Extra flags for forked logprobs4j JVMs, e.g. a JFR recording: {@code -Dlogprobs4j.bench.jvmArgs="-XX:StartFlightRecording=..."}. */
    static List<String> extraJvmArgs() {
        String extra = System.getProperty("logprobs4j.bench.jvmArgs", "").trim();
        return extra.isEmpty() ? List.of() : List.of(extra.split("\\s+"));
    }

    String classPath() {
        return System.getProperty("java.class.path");
    }
}
