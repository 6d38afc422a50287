package dev.logprobs4j.tokenizer;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link LlamaCppTokenizeMain} in a forked JVM with a timeout and returns llama.cpp's token ids
 * ({@code add_special = false, parse_special = true}). Trusts the output file's END marker, not the
 * exit code: the native library can abort while the JVM exits.
 */
final class LlamaCppOracle {
    private LlamaCppOracle() {
    }

    static List<int[]> tokenize(Path model, List<String> texts, Path workDir) throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        Path in = Files.createTempFile(workDir, "oracle-in", ".txt");
        Path out = Files.createTempFile(workDir, "oracle-out", ".txt");
        Path log = Files.createTempFile(workDir, "oracle-log", ".txt");
        List<String> lines = new ArrayList<>();
        for (String t : texts) {
            lines.add(Base64.getEncoder().encodeToString(t.getBytes(StandardCharsets.UTF_8)));
        }
        Files.write(in, lines, StandardCharsets.US_ASCII);
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = location("de.kherud.llama.LlamaModel") + java.io.File.pathSeparator
                + location(LlamaCppTokenizeMain.class.getName());
        // de.kherud extracts its natives into java.io.tmpdir under fixed names; a private folder per
        // fork keeps concurrent oracle runs (and the two oracle versions) from overwriting each other.
        Path natives = Files.createTempDirectory(workDir, "natives");
        Process p = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=" + natives,
                "-cp", classpath, LlamaCppTokenizeMain.class.getName(), model.toString(), in.toString(), out.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("llama.cpp oracle timed out after 300 s; log: " + log);
        }
        List<String> result = Files.readAllLines(out, StandardCharsets.US_ASCII);
        if (result.size() != texts.size() + 1 || !result.get(texts.size()).equals("END")) {
            throw new IllegalStateException("llama.cpp oracle did not finish (exit " + p.exitValue() + ", "
                    + result.size() + " lines for " + texts.size() + " texts); log " + log + ":\n"
                    + tail(log));
        }
        List<int[]> ids = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String line = result.get(i);
            ids.add(line.isEmpty() ? new int[0] : Arrays.stream(line.split(",")).mapToInt(Integer::parseInt).toArray());
        }
        return ids;
    }

    private static String tail(Path log) throws IOException {
        String s = Files.readString(log, StandardCharsets.ISO_8859_1);
        return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }

    private static String location(String className) {
        try {
            Class<?> c = Class.forName(className, false, LlamaCppOracle.class.getClassLoader());
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (ClassNotFoundException | URISyntaxException e) {
            throw new IllegalStateException("cannot locate " + className + " on the test classpath", e);
        }
    }
}
