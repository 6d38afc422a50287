package dev.logprobs4j.cli.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Where the repository and the default model are: stateless. */
public final class ModelPaths {

    /** The default local model, relative to the repository root. */
    public static final String DEFAULT_MODEL = "../shared/models/stories260K.gguf";

    private ModelPaths() {
    }

    /**
     * The repository root: {@code LOGPROBS4J_HOME} (the launcher exports it), else the first
     * directory up from the working directory whose {@code pom.xml} is logprobs4j's parent POM,
     * else the working directory.
     */
    public static Path repoRoot(Map<String, String> env) {
        String home = env.get("LOGPROBS4J_HOME");
        if (home != null && !home.isEmpty()) {
            return Path.of(home).toAbsolutePath().normalize();
        }
        Path cwd = Path.of("").toAbsolutePath();
        for (Path dir = cwd; dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            try {
                if (Files.isRegularFile(pom) && isParentPom(Files.readString(pom, StandardCharsets.UTF_8))) {
                    return dir;
                }
            } catch (IOException | RuntimeException e) {
                // An unreadable pom.xml is not ours to judge: keep walking up.
            }
        }
        return cwd;
    }

    /** Whether {@code pom} is logprobs4j's parent POM (module POMs name it too, but have no modules). */
    public static boolean isParentPom(String pom) {
        return pom.contains("<artifactId>logprobs4j-parent</artifactId>") && pom.contains("<modules>");
    }

    /**
     * The GGUF file to load: {@code model} when given (relative to the working directory), else
     * {@link #DEFAULT_MODEL} under {@code repoRoot}, else {@code shared/models/stories260K.gguf}
     * in the nearest ancestor of {@code repoRoot} that has it.
     *
     * @throws CliException naming the path looked at and how to pass another one, when there is no such file
     */
    public static Path localModel(String model, Path repoRoot) {
        if (model == null) {
            Path p = repoRoot.resolve(DEFAULT_MODEL).normalize();
            // A git worktree sits deeper than a clone: then shared/ is beside one of its ancestors.
            for (Path dir = repoRoot.getParent(); !Files.isRegularFile(p) && dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve("shared/models/stories260K.gguf");
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
            if (!Files.isRegularFile(p)) {
                throw new CliException("the default model " + DEFAULT_MODEL + " is missing (looked for " + p
                        + "): put stories260K.gguf there, or pass a GGUF file with --model FILE");
            }
            return p;
        }
        Path p = Path.of(model).toAbsolutePath().normalize();
        if (Files.isDirectory(p)) {
            throw new CliException("--model " + p + " is a directory: give the GGUF file itself, e.g. --model " + p.resolve("model.gguf"));
        }
        if (!Files.isRegularFile(p)) {
            throw new CliException("model file not found: " + p + " (--model takes a GGUF file with --provider local;"
                    + " use --provider openai for a model name)");
        }
        return p;
    }
}
