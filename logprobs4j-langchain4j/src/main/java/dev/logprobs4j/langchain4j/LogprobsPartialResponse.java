package dev.logprobs4j.langchain4j;

import dev.langchain4j.model.chat.response.PartialResponse;
import dev.logprobs4j.Logprobs;
import java.util.List;

/**
 * A streamed piece of text with the logprobs of its tokens, as {@link LogprobsChatModel} hands it
 * to {@code StreamingChatResponseHandler.onPartialResponse(PartialResponse, PartialResponseContext)}.
 * Immutable. The pieces' logprobs, joined in order, equal the complete response's.
 */
public class LogprobsPartialResponse extends PartialResponse {

    private final Logprobs logprobs;

    /** A piece of text and its tokens' logprobs ({@code null} when not requested). */
    public LogprobsPartialResponse(String text, Logprobs logprobs) {
        super(text);
        this.logprobs = logprobs;
    }

    /** This piece's tokens as logprobs4j's typed value, or {@code null} when logprobs were not requested. */
    public Logprobs logprobs() {
        return logprobs;
    }

    /** This piece's tokens in {@code OpenAiChatResponseMetadata.logProbs()}'s shape, or {@code null}. */
    public List<LogProb> logProbs() {
        return logprobs == null ? null : LogProb.of(logprobs.content());
    }
}
