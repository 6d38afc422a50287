package dev.logprobs4j.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelPathsTest {

    @TempDir
    Path tmp;

    @Test
    void missingDefaultModelNamesThePathAndTheFlag() throws Exception {
        // The lookup walks up from the repository: start where no ancestor holds the shared model
        // (a machine may have one beside /tmp, e.g. /tmp/shared).
        Path base = null;
        for (Path candidate : new Path[] {tmp, Path.of("/var/tmp"), Path.of("/dev/shm")}) {
            if (Files.isDirectory(candidate) && Files.isWritable(candidate) && !sharedModelAbove(candidate)) {
                base = candidate == tmp ? tmp : Files.createTempDirectory(candidate, "model-paths");
                break;
            }
        }
        assumeTrue(base != null, "every writable temporary folder here has shared/models/stories260K.gguf above it");
        Path repo = Files.createDirectories(base.resolve("a/repo"));
        Path expected = base.resolve("a/shared/models/stories260K.gguf");
        assertThatThrownBy(() -> ModelPaths.localModel(null, repo))
                .isInstanceOf(CliException.class)
                .hasMessageContaining(expected.toString())
                .hasMessageContaining("--model FILE");
    }

    private static boolean sharedModelAbove(Path dir) {
        for (Path d = dir.toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.exists(d.resolve("shared/models/stories260K.gguf"))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void defaultModelIsInSharedBesideTheRepository() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Path model = Files.createDirectories(tmp.resolve("shared/models")).resolve("stories260K.gguf");
        Files.write(model, new byte[] {1});
        assertThat(ModelPaths.localModel(null, repo)).isEqualTo(model);
    }

    @Test
    void aWorktreeFindsSharedBesideAnAncestor() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("wt/cli"));
        Path model = Files.createDirectories(tmp.resolve("shared/models")).resolve("stories260K.gguf");
        Files.write(model, new byte[] {1});
        assertThat(ModelPaths.localModel(null, repo)).isEqualTo(model);
    }

    @Test
    void aMissingModelFileIsNamed() {
        assertThatThrownBy(() -> ModelPaths.localModel(tmp.resolve("nope.gguf").toString(), tmp))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("model file not found: " + tmp.resolve("nope.gguf"));
    }

    @Test
    void homeVariableIsTheRepositoryRoot() {
        assertThat(ModelPaths.repoRoot(Map.of("LOGPROBS4J_HOME", tmp.toString()))).isEqualTo(tmp);
    }

    @Test
    void theRootIsTheParentPomNotAModulePomThatNamesIt() throws Exception {
        Files.writeString(tmp.resolve("pom.xml"), "<project><artifactId>logprobs4j-parent</artifactId><modules></modules></project>");
        Path module = Files.createDirectories(tmp.resolve("logprobs4j-cli"));
        Files.writeString(module.resolve("pom.xml"), "<project><parent><artifactId>logprobs4j-parent</artifactId></parent></project>");
        assertThat(ModelPaths.isParentPom(Files.readString(module.resolve("pom.xml")))).isFalse();
        assertThat(ModelPaths.isParentPom(Files.readString(tmp.resolve("pom.xml")))).isTrue();
    }
}
