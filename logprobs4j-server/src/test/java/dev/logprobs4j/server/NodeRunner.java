package dev.logprobs4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a Node script of src/test/node with the pinned packages of tools/npm and reads its JSON output. */
final class NodeRunner {

    private NodeRunner() {
    }

    /** The repository root: the nearest directory above this module whose pom.xml is logprobs4j-parent. */
    static Path repoRoot() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path pom = dir.resolve("pom.xml");
            // A module's pom names logprobs4j-parent too, inside <parent>: look at the pom's own id only.
            if (Files.isRegularFile(pom) && Files.readString(pom).replaceAll("(?s)<parent>.*?</parent>", "")
                    .contains("<artifactId>logprobs4j-parent</artifactId>")) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("no logprobs4j-parent pom.xml above " + Path.of("").toAbsolutePath());
    }

    static JsonNode run(String script, String... args) throws Exception {
        return runWith("tools/npm", script, args);
    }

    /** Like {@link #run}, with the packages installed in {@code npmDir} (relative to the repository root). */
    static JsonNode runWith(String npmDir, String script, String... args) throws Exception {
        Path root = repoRoot();
        Path npm = root.resolve(npmDir);
        if (!Files.isDirectory(npm.resolve("node_modules/@langchain/openai"))) {
            throw new IllegalStateException("the pinned Node clients are missing: run `npm ci --prefix " + npmDir + "` in " + root);
        }
        Path scriptPath = root.resolve("logprobs4j-server/src/test/node").resolve(script);
        List<String> cmd = new ArrayList<>(List.of("node", scriptPath.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("NPM_DIR", npm.toString());
        Path err = Files.createTempFile("node-", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(script + " did not finish in 120 s");
        }
        String stderr = Files.readString(err);
        Files.deleteIfExists(err);
        if (p.exitValue() != 0) {
            throw new AssertionError(script + " exited with " + p.exitValue() + ":\n" + stderr);
        }
        return Http.JSON.readTree(new String(out, StandardCharsets.UTF_8));
    }
}
