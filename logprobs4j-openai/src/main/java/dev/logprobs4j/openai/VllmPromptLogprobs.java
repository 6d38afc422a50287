package dev.logprobs4j.openai;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.MalformedResponseException;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The logprobs of the prompt's tokens that vLLM returns for its {@code prompt_logprobs} request
 * field, read typed from an {@link AIMessage} of {@link OpenAiChatModel} or
 * {@link OpenAiCompletionModel}. A utility class: stateless and thread-safe.
 *
 * {@snippet :
 * OpenAiChatModel llm = OpenAiChatModel.builder().model("Qwen/Qwen2.5-1.5B-Instruct")
 *         .baseUrl("http://localhost:8000/v1").vllm(true).build();
 * AIMessage msg = llm.invoke(List.of(Message.human("Paris is the capital of")), VllmPromptLogprobs.options(2));
 * Logprobs prompt = VllmPromptLogprobs.of(msg); // the prompt's tokens after the first, each with its logprob
 * }
 *
 * <p>How vLLM's answer is read: {@code prompt_logprobs} (top-level in chat completions, per choice in
 * completions) has one entry per prompt token. The first is {@code null}: nothing precedes the first
 * token, so it has no probability; it is <em>left out</em> here, so the result has one token fewer
 * than the prompt. Every other entry maps token ids to {@code {logprob, rank, decoded_token}}; its
 * first key is the prompt's own token (vLLM puts it first, then the {@code k} most likely), which
 * becomes the {@link TokenLogprob}. All entries of the position, the prompt token included, become
 * its {@link TokenLogprob#topLogprobs()} ordered by rank, as OpenAI lists a chosen token among the
 * alternatives; a prompt token outside the top {@code k} thus makes {@code k + 1} of them. vLLM
 * sends no bytes: they are the UTF-8 encoding of {@code decoded_token}, which differs from the
 * token's real bytes only for tokens that split a multi-byte character (their decoded text holds
 * U+FFFD). Every token and alternative carries its id (vLLM's key) and rank. The prompt here is the
 * chat template's rendering, special tokens included.
 *
 * <p>The raw form stays in {@code msg.info().extra().get("prompt_logprobs")} (and so in
 * {@code responseMetadata()}), as vLLM sent it. vLLM does not return prompt logprobs in streams.
 */
public final class VllmPromptLogprobs {

    private VllmPromptLogprobs() {
    }

    /**
     * Options asking vLLM for prompt logprobs with {@code k} alternatives per position
     * ({@code prompt_logprobs: k}; 0 for the prompt tokens' own logprobs only).
     */
    public static ChatOptions options(int k) {
        if (k < 0 || k > ChatOptions.MAX_TOP_LOGPROBS) {
            throw new IllegalArgumentException("prompt logprobs k must be within [0, " + ChatOptions.MAX_TOP_LOGPROBS + "], was " + k);
        }
        return ChatOptions.builder().extra("prompt_logprobs", k).build();
    }

    /** vLLM keys each entry by its token id; a key that is not a number gives an unknown id. */
    private static int tokenId(Object key) {
        try {
            int id = Integer.parseInt(String.valueOf(key));
            return id >= 0 ? id : TokenLogprob.UNKNOWN_ID;
        } catch (NumberFormatException e) {
            return TokenLogprob.UNKNOWN_ID;
        }
    }

    /** Whether {@code message} carries vLLM's prompt logprobs. */
    public static boolean has(AIMessage message) {
        return message.info().extra().get("prompt_logprobs") instanceof List<?>;
    }

    /**
     * The prompt's tokens after the first, each with its logprob and alternatives.
     *
     * @throws IllegalStateException      when the answer has no {@code prompt_logprobs} (not asked for, or not vLLM)
     * @throws MalformedResponseException when an entry lacks its logprob or text, naming where
     */
    public static Logprobs of(AIMessage message) {
        Object raw = message.info().extra().get("prompt_logprobs");
        if (!(raw instanceof List<?> positions)) {
            throw new IllegalStateException("the answer has no prompt_logprobs: ask vLLM for them with"
                    + " VllmPromptLogprobs.options(k) (the prompt_logprobs request field); other servers do not return them");
        }
        List<TokenLogprob> tokens = new ArrayList<>(positions.size());
        for (int i = 0; i < positions.size(); i++) {
            Object at = positions.get(i);
            if (at == null) {
                continue; // the unscored first token
            }
            Map<?, ?> byId = (Map<?, ?>) at;
            if (byId.isEmpty()) {
                throw new MalformedResponseException("a prompt_logprobs position has no token", "$.prompt_logprobs[" + i + "]", null);
            }
            List<TopLogprob> alternatives = new ArrayList<>(byId.size());
            List<Long> ranks = new ArrayList<>(byId.size());
            for (Map.Entry<?, ?> e : byId.entrySet()) {
                Map<?, ?> entry = (Map<?, ?>) e.getValue();
                String where = "$.prompt_logprobs[" + i + "]." + e.getKey();
                Object logprob = entry.get("logprob");
                Object text = entry.get("decoded_token");
                if (!(logprob instanceof Number n)) {
                    throw new MalformedResponseException("a prompt_logprobs entry has no \"logprob\" (a number)", where + ".logprob", null);
                }
                if (!(text instanceof String s)) {
                    throw new MalformedResponseException("a prompt_logprobs entry has no \"decoded_token\" (a string)",
                            where + ".decoded_token", null);
                }
                long rank = entry.get("rank") instanceof Number r ? r.longValue() : Long.MAX_VALUE;
                alternatives.add(new TopLogprob(s, s.getBytes(StandardCharsets.UTF_8), n.doubleValue(), tokenId(e.getKey()),
                        rank > 0 && rank < Integer.MAX_VALUE ? (int) rank : TokenLogprob.UNKNOWN_RANK));
                ranks.add(rank);
            }
            TopLogprob prompt = alternatives.get(0);
            List<Integer> order = new ArrayList<>(alternatives.size());
            for (int j = 0; j < alternatives.size(); j++) {
                order.add(j);
            }
            order.sort(Comparator.comparingLong(ranks::get)); // stable: equal ranks keep vLLM's order
            List<TopLogprob> byRank = new ArrayList<>(alternatives.size());
            order.forEach(j -> byRank.add(alternatives.get(j)));
            tokens.add(new TokenLogprob(prompt.token(), prompt.bytes(), prompt.logprob(), byRank, prompt.tokenId(), prompt.rank()));
        }
        return Logprobs.of(tokens);
    }
}
