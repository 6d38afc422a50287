package dev.logprobs4j.langchain4j;

import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import java.util.ArrayList;
import java.util.List;

/**
 * One token's log probability in the shape of LangChain4j's OpenAI {@code LogProb}: the same
 * accessors ({@code token()}, {@code logprob()}, {@code bytes()}, {@code topLogprobs()}) with the
 * same types, so code written against {@code OpenAiChatResponseMetadata.logProbs()} reads it
 * unchanged. An immutable value.
 *
 * @param token       the token's text
 * @param logprob     natural-log probability ({@code -9999.0} is OpenAI's "too unlikely to report")
 * @param bytes       the token's UTF-8 bytes as unsigned ints, or {@code null} when the provider sent none
 * @param topLogprobs the most likely alternatives at this position (their own {@code topLogprobs} are empty)
 */
public record LogProb(String token, Double logprob, List<Integer> bytes, List<LogProb> topLogprobs) {

    public LogProb {
        bytes = bytes == null ? null : List.copyOf(bytes);
        topLogprobs = topLogprobs == null ? List.of() : List.copyOf(topLogprobs);
    }

    /** The entries of {@code tokens}, in order. */
    static List<LogProb> of(List<TokenLogprob> tokens) {
        List<LogProb> out = new ArrayList<>(tokens.size());
        for (TokenLogprob t : tokens) {
            List<LogProb> alternatives = new ArrayList<>(t.topLogprobs().size());
            for (TopLogprob alt : t.topLogprobs()) {
                alternatives.add(new LogProb(alt.token(), alt.logprob(), unsigned(alt.bytes()), List.of()));
            }
            out.add(new LogProb(t.token(), t.logprob(), unsigned(t.bytes()), alternatives));
        }
        return List.copyOf(out);
    }

    private static List<Integer> unsigned(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        List<Integer> out = new ArrayList<>(bytes.length);
        for (byte b : bytes) {
            out.add(b & 0xff);
        }
        return out;
    }
}
