package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.local.LocalChatModel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The engine under Surefire, with the Vector API flag in argLine. */
class LocalExampleTest {

    @Test
    void greedyAnswerHasOneLogprobPerToken() {
        try (LocalChatModel local = LocalChatModel.load(Path.of(System.getProperty("model")))) {
            AIMessage msg = local.bind(ChatOptions.builder().logprobs(true).temperature(0).maxTokens(8).build())
                    .invoke("Once upon a time");
            assertEquals(8, msg.logprobs().size());
            assertTrue(msg.content().startsWith(", there was"), msg.content());
        }
    }
}
