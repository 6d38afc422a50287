package dev.logprobs4j.bench;

import dev.logprobs4j.engine.LoadOptions;
import dev.logprobs4j.engine.Model;
import dev.logprobs4j.engine.Sampler;
import dev.logprobs4j.engine.Session;
import java.nio.file.Path;

/**
 * The smallest program that reaches a first token: loads a GGUF, prefills "Once upon a time" as
 * stories260K's token ids, prints the first greedy token id and exits. The floor under which no
 * CLI start can go on this JVM.
 */
public final class StartupWorker {
    private StartupWorker() {}

    public static void main(String[] args) {
        try (Model model = Model.load(Path.of(args[0]), LoadOptions.builder().threads(2).build())) {
            Session s = model.newSession(64);
            float[] logits = s.prefill(new int[] {1, 403, 407, 261, 378});
            System.out.println(Sampler.argmax(logits, 0, model.config().vocabularySize()));
            System.out.flush();
        }
    }
}
