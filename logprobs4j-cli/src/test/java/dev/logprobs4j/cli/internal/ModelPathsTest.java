package dev.logprobs4j.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        Path repo = Files.createDirectories(tmp.resolve("a/repo"));
        assertThatThrownBy(() -> ModelPaths.localModel(null, repo))
                .isInstanceOf(CliException.class)
                .hasMessageContaining(tmp.resolve("a/shared/models/stories260K.gguf").toString())
                .hasMessageContaining("--model FILE");
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
}
