package dev.logprobs4j.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Helpers shared by the fuzz targets: locating the shared model files, writing fuzz input to a
 * reusable temp file, and classifying what a target threw as documented or as a finding.
 * Not thread-safe (Jazzer runs one input at a time; the sweeps use one file per thread).
 */
final class FuzzSupport {
    private FuzzSupport() {}

    /** The repository root: the nearest directory upwards whose pom.xml is logprobs4j-parent. */
    static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path pom = d.resolve("pom.xml");
            try {
                if (Files.isRegularFile(pom) && Files.readString(pom).contains("<artifactId>logprobs4j-parent</artifactId>")
                        && !Files.readString(pom).contains("<parent>")) {
                    return d;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no logprobs4j-parent pom.xml above " + dir);
    }

    static Path sharedModel(String name) {
        Path root = repoRoot();
        // CI puts shared/ beside the clone; a git worktree (wt/x) sits deeper, so look further up.
        for (Path d = root.getParent(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("shared").resolve("models").resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        Path p = root.resolveSibling("shared").resolve("models").resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " is missing: clone the repository with shared/ beside it");
        }
        return p;
    }

    static Path stories260K() {
        return sharedModel("stories260K.gguf");
    }

    static Path llama2TinyRandom() {
        return sharedModel("llama-2-tiny-random.gguf");
    }

    /** Writes {@code bytes} to {@code file}, replacing it; callers close any mapping of it first. */
    static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path tempFile(String prefix) {
        try {
            Path p = Files.createTempFile(prefix, ".gguf");
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Returns normally if {@code thrown} is one of the {@code documented} exception types or a
     * {@link KnownFindings known, already reported finding}; otherwise throws an AssertionError that
     * names the undocumented exception and carries the input, so the finding is reproducible.
     */
    @SafeVarargs
    static void expectDocumented(Throwable thrown, byte[] input, Class<? extends Throwable>... documented) {
        for (Class<? extends Throwable> c : documented) {
            if (c.isInstance(thrown)) {
                return;
            }
        }
        if (KnownFindings.isKnown(thrown)) {
            return;
        }
        throw new AssertionError("FINDING: undocumented " + thrown.getClass().getName() + ": " + thrown.getMessage()
                + "\ninput (" + input.length + " bytes, saved as " + save(input) + "): " + hexHead(input), thrown);
    }

    /** Saves a finding's input under target/fuzz-findings, named by its hash, for reproduction. */
    private static Path save(byte[] input) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "fuzz-findings"));
            String name = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(input));
            return Files.write(dir.resolve(name + ".gguf"), input).toAbsolutePath();
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            return Path.of("<not saved: " + e + ">");
        }
    }

    static String hexHead(byte[] input) {
        int n = Math.min(input.length, 256);
        return HexFormat.of().formatHex(input, 0, n) + (input.length > n ? "..." : "");
    }
}
