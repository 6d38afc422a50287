package dev.logprobs4j.engine;

import java.io.BufferedReader;

import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Runs {@code de.kherud.llama.OracleMain} in a forked JVM and parses its output (its exit code is not trusted). */
final class LlamaCppOracle {
    /** One generated token: its text and the oracle's probabilities keyed by token text. */
    record Token(String text, Map<String, Float> probabilities) {}

    /** The tokens generated for one prompt, plus per-token wall times in bench mode. */
    record Run(List<Token> tokens, double[] millis) {}

    private LlamaCppOracle() {}

    static List<Run> run(Path model, int threads, String mode, int nProbs, int nPredict, List<int[]> prompts) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "de.kherud.llama.OracleMain", model.toString(),
                String.valueOf(threads), mode, String.valueOf(nProbs), String.valueOf(nPredict)));
        for (int[] p : prompts) {
            cmd.add(java.util.Arrays.stream(p).mapToObj(String::valueOf).collect(Collectors.joining(",")));
        }
        try {
            // Run in target/: llama.cpp writes llama.log and a crash at exit leaves hs_err files in the working directory.
            Process proc = new ProcessBuilder(cmd).directory(TestModels.targetDir("oracle").toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            List<String> lines = new ArrayList<>();
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
            if (!proc.waitFor(600, TimeUnit.SECONDS)) {
                proc.destroyForcibly();
            }
            reader.join(10_000);
            synchronized (lines) {
                if (!lines.contains("DONE")) {
                    throw new IllegalStateException("llama.cpp oracle did not finish; output: " + lines + " command: " + cmd);
                }
                return parse(lines);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<Run> parse(List<String> lines) {
        Base64.Decoder d = Base64.getDecoder();
        List<Run> runs = new ArrayList<>();
        List<Token> cur = new ArrayList<>();
        double[] millis = new double[0];
        for (String l : lines) {
            if (l.startsWith("TOK ")) {
                String[] parts = l.split(" ", -1);
                Map<String, Float> probs = new LinkedHashMap<>();
                if (parts.length > 2 && !parts[2].isEmpty()) {
                    for (String e : parts[2].split(",")) {
                        int eq = e.lastIndexOf('=');
                        probs.put(new String(d.decode(e.substring(0, eq)), StandardCharsets.UTF_8), Float.parseFloat(e.substring(eq + 1)));
                    }
                }
                cur.add(new Token(new String(d.decode(parts[1]), StandardCharsets.UTF_8), probs));
            } else if (l.startsWith("TIME")) {
                millis = java.util.Arrays.stream(l.substring(4).trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
            } else if (l.equals("END")) {
                runs.add(new Run(List.copyOf(cur), millis));
                cur = new ArrayList<>();
                millis = new double[0];
            }
        }
        return runs;
    }

    /**
     * Maps llama.cpp token texts (SentencePiece pieces with spaces, ASCII byte tokens as characters)
     * to the ids that print as that text; several ids can share one text (e.g. "p" and {@code <0x70>}).
     */
    static Map<String, int[]> textToIds(String[] tokens, int[] types) {
        Map<String, int[]> m = new LinkedHashMap<>();
        for (int i = 0; i < tokens.length; i++) {
            String text;
            if (types[i] == 6 && tokens[i].startsWith("<0x")) {
                int b = Integer.parseInt(tokens[i].substring(3, 5), 16);
                // llama.cpp's server prints a lone non-ASCII byte as "byte: \\xNN".
                // Control bytes are left out: how llama.cpp prints them is not pinned down here.
                text = b < 0x20 || b == 0x7F ? null : b < 0x80 ? String.valueOf((char) b) : String.format("byte: \\x%02x", b);
            } else if (types[i] == 1) {
                text = tokens[i].replace('\u2581', ' ');
            } else {
                text = null;
            }
            if (text != null) {
                int id = i;
                m.merge(text, new int[] {id}, (a, b) -> {
                    int[] r = java.util.Arrays.copyOf(a, a.length + 1);
                    r[a.length] = id;
                    return r;
                });
            }
        }
        return m;
    }
}
