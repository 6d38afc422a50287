package dev.logprobs4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.engine.tensor.WeightMatrices;
import dev.logprobs4j.engine.tensor.WeightMatrix;
import dev.logprobs4j.gguf.GgufFile;
import dev.logprobs4j.gguf.GgufTensorInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Compares the engine's exact (F32 KV cache) next-token logprobs on stories260K with llama.cpp b4916
 * (de.kherud:llama 4.1.0, forked JVM) running with an F32 KV cache too.
 *
 * <p>4.1.0 cannot return probabilities ({@code setNProbs} aborts its JVM), but its {@code embed} with
 * last-token pooling returns llama.cpp's {@code t_embd} row of the last prompt token: the hidden
 * state after the final RMS norm ({@code result_norm}), i.e. exactly what {@code output.weight}
 * multiplies. The server L2-normalises pooled embeddings, which removes the scale the logits need.
 * The scale is recoverable because the final norm itself erases it: with {@code e = h/|h|},
 * {@code h = g ⊙ x / rms(x)} and {@code g = output_norm.weight}, {@code x ∝ e / g}, so
 * {@code h = g ⊙ u / rms(u)} with {@code u = e / g}. This ignores the norm's epsilon (1e-5 under
 * the square root next to mean(x²)); the resulting scale error is reported as the least-squares
 * scale between the two logit vectors, asserted within 1e-5 of 1 (measured at most 3.7e-6). The
 * test then forms the logits in double from the GGUF's output weights and log-softmaxes them.
 *
 * <p>Bound: {@link #MAX_DIFF} = 5e-5 nats over llama.cpp's top-10 (measured at most 2.16e-5 on the
 * six prompts; the margin covers float32 summation order, which differs between the two engines).
 */
class LlamaCppF32OracleIT {
    /** What the forked oracle printed for one text. */
    record OracleResult(int[] ids, float[] embedding, String greedyNext) {}

    /** Asserted bound on |Δ logprob| over llama.cpp's top-10 (measured max 2.16e-5). */
    static final double MAX_DIFF = 5e-5;

    /** Asserted bound on |least-squares scale - 1| of the rebuilt logits (measured max 3.7e-6). */
    static final double MAX_SCALE_ERROR = 1e-5;

    static List<OracleResult> runOracle(Path model, List<String> texts) {
        return runOracle(model, texts, 1);
    }

    /** As {@link #runOracle(Path, List)}, with {@code nPredict} greedy tokens in {@code greedyNext}. */
    static List<OracleResult> runOracle(Path model, List<String> texts, int nPredict) {
        Path jar = TestModels.repoRoot().resolve("logprobs4j-engine/target/oracle-4.1.0/llama-4.1.0.jar");
        Path testClasses = TestModels.repoRoot().resolve("logprobs4j-engine/target/test-classes");
        assertThat(jar).as("copied by the engine pom's maven-dependency-plugin").exists();
        Path natives;
        try {
            // de.kherud extracts its natives into java.io.tmpdir under fixed names: keep this fork's private.
            natives = Files.createTempDirectory(TestModels.targetDir("oracle"), "natives-4.1.0-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + natives, "-Doracle.npredict=" + nPredict, "-cp", jar + java.io.File.pathSeparator + testClasses,
                LlamaCppEmbeddingOracleMain.class.getName(), model.toString(), "2"));
        for (String t : texts) {
            cmd.add(Base64.getEncoder().encodeToString(t.getBytes(StandardCharsets.UTF_8)));
        }
        List<String> lines = new ArrayList<>();
        try {
            Process proc = new ProcessBuilder(cmd).directory(TestModels.targetDir("oracle").toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        synchronized (lines) {
                            lines.add(l);
                        }
                    }
                } catch (IOException e) {
                    // The process died; what was read is judged below.
                }
            });
            if (!proc.waitFor(300, TimeUnit.SECONDS)) {
                proc.destroyForcibly();
            }
            reader.join(10_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        synchronized (lines) {
            if (!lines.contains("DONE")) {
                throw new IllegalStateException("llama.cpp 4.1.0 oracle did not finish; output: " + lines + " command: " + cmd);
            }
            List<OracleResult> out = new ArrayList<>();
            int[] ids = null;
            float[] emb = null;
            for (String l : lines) {
                if (l.startsWith("IDS ")) {
                    ids = l.length() == 4 ? new int[0] : Arrays.stream(l.substring(4).split(",")).mapToInt(Integer::parseInt).toArray();
                } else if (l.startsWith("EMB ")) {
                    String[] parts = l.substring(4).split(",");
                    emb = new float[parts.length];
                    for (int i = 0; i < parts.length; i++) {
                        emb[i] = Float.parseFloat(parts[i]);
                    }
                } else if (l.startsWith("NEXT ")) {
                    out.add(new OracleResult(ids, emb, new String(Base64.getDecoder().decode(l.substring(5)), StandardCharsets.UTF_8)));
                }
            }
            return out;
        }
    }

    static float[] floats(GgufFile f, String name) {
        return f.data(f.tensor(name)).toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
    }

    /** {@code log_softmax(W · h)} in double, W being {@code output.weight} or the tied {@code token_embd.weight}. */
    static double[] logprobsFromHidden(GgufFile f, double[] h) {
        return logprobsFromHidden(f, h, 0);
    }

    /** As {@link #logprobsFromHidden(GgufFile, double[])}, with gemma2's final soft-capping {@code cap·tanh(z/cap)} when cap > 0. */
    static double[] logprobsFromHidden(GgufFile f, double[] h, double cap) {
        GgufTensorInfo t = f.findTensor("output.weight").orElseGet(() -> f.tensor("token_embd.weight"));
        WeightMatrix w = WeightMatrices.of(t, f.data(t));
        assertThat(w.cols()).isEqualTo(h.length);
        double[] z = new double[w.rows()];
        float[] row = new float[w.cols()];
        for (int r = 0; r < w.rows(); r++) {
            w.dequantizeRow(r, row, 0);
            double s = 0;
            for (int i = 0; i < row.length; i++) {
                s += row[i] * h[i];
            }
            z[r] = cap > 0 ? cap * Math.tanh(s / cap) : s;
        }
        double max = Arrays.stream(z).max().orElseThrow();
        double sum = 0;
        for (double v : z) {
            sum += Math.exp(v - max);
        }
        double lse = max + Math.log(sum);
        for (int r = 0; r < z.length; r++) {
            z[r] -= lse;
        }
        return z;
    }

    /** Undoes the server's L2 normalisation through the final RMS norm (see the class Javadoc). */
    static double[] hiddenFromNormalised(float[] e, float[] g) {
        double[] u = new double[e.length];
        double ms = 0;
        for (int i = 0; i < e.length; i++) {
            u[i] = e[i] / (double) g[i];
            ms += u[i] * u[i];
        }
        double inv = 1 / Math.sqrt(ms / e.length);
        double[] h = new double[e.length];
        for (int i = 0; i < e.length; i++) {
            h[i] = g[i] * u[i] * inv;
        }
        return h;
    }

    static int[] topIds(double[] lp, int k) {
        return IntStream.range(0, lp.length).boxed().sorted((a, b) -> Double.compare(lp[b], lp[a])).limit(k).mapToInt(Integer::intValue)
                .toArray();
    }

    @Test
    void storiesTop10NextTokenLogprobsAgreeWithLlamaCppF32KvCacheWithin5e5() {
        List<String> texts = List.of(LlamaCppOracleIT.TEXTS);
        List<OracleResult> oracle = runOracle(TestModels.stories(), texts);
        assertThat(oracle).hasSize(texts.size());
        double overall = 0;
        double overallF16 = 0;
        try (Model m = Model.load(TestModels.stories(), LoadOptions.builder().threads(2).build())) {
            GgufFile f = m.gguf();
            float[] g = floats(f, "output_norm.weight");
            String[] pieces = f.metadata().getStringArray("tokenizer.ggml.tokens");
            for (int i = 0; i < texts.size(); i++) {
                OracleResult o = oracle.get(i);
                int[] ids = LlamaCppOracleIT.TEXT_IDS[i];
                // Same tokens: llama.cpp's encode plus the BOS its embedding path prepends.
                assertThat(o.ids()).as("llama.cpp encode of text %d", i).containsExactly(Arrays.copyOfRange(ids, 1, ids.length));
                assertThat(o.embedding()).hasSize(m.config().embeddingLength());
                double norm2 = 0;
                for (float v : o.embedding()) {
                    norm2 += v * v;
                }
                assertThat(Math.sqrt(norm2)).as("the server L2-normalises pooled embeddings").isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));

                double[] theirs = logprobsFromHidden(f, hiddenFromNormalised(o.embedding(), g));
                float[] logits = m.newSession(256, KvCacheType.F32).prefill(ids).clone();
                double lse = LogSoftmax.logSumExp(logits);
                double[] ours = new double[logits.length];
                for (int r = 0; r < logits.length; r++) {
                    ours[r] = logits[r] - lse;
                }
                int[] top = topIds(theirs, 10);
                double maxDiff = 0;
                for (int id : top) {
                    maxDiff = Math.max(maxDiff, Math.abs(ours[id] - theirs[id]));
                }
                // Diagnostic for the ignored epsilon: the scale that best maps their centred logits onto ours.
                double num = 0;
                double den = 0;
                double mo = Arrays.stream(ours).average().orElseThrow();
                double mt = Arrays.stream(theirs).average().orElseThrow();
                for (int r = 0; r < ours.length; r++) {
                    num += (ours[r] - mo) * (theirs[r] - mt);
                    den += (theirs[r] - mt) * (theirs[r] - mt);
                }
                System.out.printf("oracle-f32 stories260K prompt %d (%3d tokens): max |dlogprob| over llama.cpp's top-10 = %.3g,"
                        + " scale ours/theirs = 1%+.2e, greedy next '%s' (id %d)%n", i, ids.length, maxDiff, num / den - 1,
                        o.greedyNext(), top[0]);
                assertThat(Math.abs(num / den - 1)).as("least-squares scale ours/theirs - 1, prompt %d", i)
                        .isLessThanOrEqualTo(MAX_SCALE_ERROR);
                overall = Math.max(overall, maxDiff);
                float[] f16 = m.newSession(256, KvCacheType.F16).prefill(ids).clone();
                double lse16 = LogSoftmax.logSumExp(f16);
                for (int id : top) {
                    overallF16 = Math.max(overallF16, Math.abs(f16[id] - lse16 - theirs[id]));
                }
                assertThat(topIds(ours, 10)).as("top-10 ids, prompt %d", i).containsExactlyInAnyOrder(top);
                // Sanity check of the recovery: llama.cpp's own greedy token is the argmax of the rebuilt logits.
                assertThat(o.greedyNext()).as("llama.cpp's greedy next token, prompt %d", i)
                        .isEqualTo(pieces[top[0]].replace('\u2581', ' '));
                assertThat(maxDiff).as("max |dlogprob| over llama.cpp's top-10, prompt %d", i).isLessThanOrEqualTo(MAX_DIFF);
            }
        }
        System.out.printf("oracle-f32 stories260K max |dlogprob| over top-10 of %d prompts = %.3g (engine's F16-cache path: %.3g)%n",
                texts.size(), overall, overallF16);
        // Control: the comparison resolves F16 rounding of K and V, which moves these logprobs by ~1e-3.
        assertThat(overallF16).as("engine's F16-cache path against the F32 oracle").isGreaterThan(10 * overall);
    }
}
