package dev.logprobs4j;

import dev.logprobs4j.internal.Metadata;
import java.util.List;
import java.util.Map;

/**
 * A model's complete answer: immutable. Its first choice is "the" message ({@link #content()},
 * {@link #logprobs()}); {@link #choices()} has all of them when {@code n > 1}.
 *
 * <p>Logprobs are typed fields ({@link #logprobs()}); {@link #responseMetadata()} is LangChain's
 * untyped view of the same data, built from them.
 *
 * @param choices the answers, by index; never empty
 * @param info    what the provider said about the response
 * @param raw     the provider's raw response body (JSON text), or {@code null}
 */
public record AIMessage(List<Choice> choices, ResponseInfo info, String raw) {

    public AIMessage {
        choices = List.copyOf(choices);
        if (choices.isEmpty()) {
            throw new IllegalArgumentException("an AIMessage needs at least one choice");
        }
        info = info == null ? ResponseInfo.EMPTY : info;
    }

    /** A one-choice message. */
    public static AIMessage of(String content, Logprobs logprobs, String finishReason, ResponseInfo info) {
        return new AIMessage(List.of(new Choice(0, content, null, logprobs, finishReason)), info, null);
    }

    /** The first choice's text. */
    public String content() {
        return choices.get(0).content();
    }

    /** The first choice's logprobs; {@link Logprobs#EMPTY} when they were not requested (see {@link #hasLogprobs()}). */
    public Logprobs logprobs() {
        Logprobs l = choices.get(0).logprobs();
        return l == null ? Logprobs.EMPTY : l;
    }

    /** Whether the provider returned logprobs. */
    public boolean hasLogprobs() {
        return choices.get(0).logprobs() != null;
    }

    /** The first choice's refusal text, or {@code null}. */
    public String refusal() {
        return choices.get(0).refusal();
    }

    /** Why the first choice stopped ({@code stop}, {@code length}, ...), or {@code null}. */
    public String finishReason() {
        return choices.get(0).finishReason();
    }

    /** Token counts, or {@code null} when the provider sent none. */
    public Usage usage() {
        return info.usage();
    }

    /**
     * LangChain's {@code response_metadata}: {@code logprobs} ({@code {"content": [...]}} exactly as
     * OpenAI shapes it, {@code refusal} too when present; null when not requested),
     * {@code model_name}, {@code finish_reason}, {@code token_usage}, {@code system_fingerprint},
     * {@code id}, the provider's other fields, and {@code raw} (the response body). An immutable
     * map; {@link Json#write(Object)} turns it into OpenAI's JSON field for field.
     */
    public Map<String, Object> responseMetadata() {
        return Metadata.responseMetadata(choices.get(0), info, raw);
    }
}
