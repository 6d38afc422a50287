package dev.logprobs4j.local.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ResponseInfo;
import dev.logprobs4j.engine.LoadOptions;
import dev.logprobs4j.engine.Model;
import dev.logprobs4j.local.SharedModelFiles;
import dev.logprobs4j.local.template.ChatTemplate;
import dev.logprobs4j.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A generation whose prompt starts like an earlier one's reuses that prompt's keys and values from
 * the pooled session and prefills only the rest, yet streams exactly the chunks (text, logprobs
 * bit for bit) of a generation on a fresh engine, which prefills everything.
 */
class PromptReuseTest {
    private static final String STORY = "Once upon a time there was a little girl named Lily. She liked to play outside.";
    private static final String[] PROMPTS = {STORY + " One day", STORY + " Her mom", STORY + " Her mom", "The cat"};

    private static LocalEngine engine() {
        Model model = Model.load(SharedModelFiles.stories260K(), LoadOptions.builder().threads(2).build());
        return new LocalEngine(model, Tokenizer.fromGguf(model.gguf()), ChatTemplate.plain(), "stories", 256);
    }

    private static List<AIMessageChunk> generate(LocalEngine engine, String prompt, long seed) {
        ChatOptions options = ChatOptions.builder().temperature(1.0).seed(seed).logprobs(true).topLogprobs(3).maxTokens(24).build();
        List<AIMessageChunk> chunks = new ArrayList<>();
        try (LocalGeneration g = new LocalGeneration(engine, engine.encodeWithBos(prompt, false), options, 0,
                new ResponseInfo("gen", "stories", null, null, Map.of()))) {
            for (AIMessageChunk c; (c = g.next()) != null;) {
                chunks.add(c);
            }
        }
        return chunks;
    }

    @Test
    void promptsSharingAPrefixStreamWhatAFreshEngineStreams() {
        List<List<AIMessageChunk>> fresh = new ArrayList<>();
        for (int i = 0; i < PROMPTS.length; i++) {
            try (LocalEngine oracle = engine()) {
                fresh.add(generate(oracle, PROMPTS[i], 7 + i));
            }
        }
        try (LocalEngine engine = engine()) {
            int storyTokens = engine.encodeWithBos(STORY, false).length;
            int thirdTokens = engine.encodeWithBos(PROMPTS[2], false).length;
            long reused = 0;
            for (int i = 0; i < PROMPTS.length; i++) {
                assertThat(generate(engine, PROMPTS[i], 7 + i)).as("chunks of prompt %d", i).isEqualTo(fresh.get(i));
                long now = engine.reusedTokens();
                switch (i) {
                    case 0 -> assertThat(now).as("nothing to reuse yet").isZero();
                    case 1 -> assertThat(now - reused).as("the shared story").isGreaterThanOrEqualTo(storyTokens - 1);
                    case 2 -> assertThat(now - reused).as("all but the last token of a repeated prompt").isEqualTo(thirdTokens - 1);
                    default -> assertThat(now - reused).as("only the BOS token is shared").isLessThanOrEqualTo(1);
                }
                reused = now;
            }
        }
        assertThat(fresh.get(0)).as("different prompts, different answers").isNotEqualTo(fresh.get(1));
    }
}
