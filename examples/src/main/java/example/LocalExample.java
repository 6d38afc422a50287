package example;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.ChatModel;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.local.LocalChatModel;
import dev.logprobs4j.local.PromptScore;
import java.nio.file.Path;

/** The README's local example, as a program: {@code LocalExample path/to/model.gguf}. */
public class LocalExample {

    public static void main(String[] args) {
        Path gguf = Path.of(args.length > 0 ? args[0] : "../../shared/models/stories260K.gguf");
        try (LocalChatModel local = LocalChatModel.load(gguf)) {
            ChatModel llm = local.bind(ChatOptions.builder().logprobs(true).topLogprobs(3).temperature(0).maxTokens(8).build());
            AIMessage msg = llm.invoke("Once upon a time");
            TokenLogprob first = msg.logprobs().content().get(0);
            PromptScore score = local.score("Once upon a time, there was a little girl named Lily.", 5);
            System.out.println("answer: " + msg.content());
            System.out.println("first token: " + first.token() + " " + first.logprob());
            System.out.println("perplexity: " + score.perplexity());
        }
    }
}
