package dev.logprobs4j.ollama.internal;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.Choice;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.ResponseInfo;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.UnsupportedCapabilityException;
import dev.logprobs4j.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns parsed Ollama responses into the core's messages and chunks. Stateless. */
public final class OllamaMapper {

    /** The message when a server ignores {@code logprobs: true}. */
    public static final String OLD_SERVER = "this Ollama server did not return logprobs; they need Ollama 0.12.11 or newer"
            + " (check with `ollama --version`), or call without logprobs(true)";

    private OllamaMapper() {
    }

    /** The blocking answer. */
    public static AIMessage message(OllamaWire.Response r, String model, boolean wantsLogprobs, String raw) {
        failOnError(r, 200);
        Logprobs logprobs = null;
        if (wantsLogprobs) {
            requireLogprobs(r, model);
            logprobs = Logprobs.of(r.logprobs() == null ? List.of() : r.logprobs());
        }
        return new AIMessage(List.of(new Choice(0, r.content(), null, logprobs, finishReason(r))), info(r), raw);
    }

    /**
     * The chunks of one streamed line: one per token when the line's tokens spell its text (so the
     * logprobs list grows by one per chunk, as in OpenAI's stream), else one chunk for the line.
     */
    public static List<AIMessageChunk> chunks(OllamaWire.Response r, String model, boolean wantsLogprobs, String raw) {
        failOnError(r, 0);
        if (wantsLogprobs) {
            requireLogprobs(r, model);
        }
        List<TokenLogprob> tokens = r.logprobs() == null ? List.of() : r.logprobs();
        ResponseInfo info = info(r);
        String finish = finishReason(r);
        if (!wantsLogprobs || tokens.size() <= 1 || !spells(tokens, r.content())) {
            Logprobs lp = wantsLogprobs ? Logprobs.of(tokens) : null;
            return List.of(AIMessageChunk.of(List.of(new Choice(0, r.content(), null, lp, finish)), info, raw));
        }
        List<AIMessageChunk> out = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            boolean last = i == tokens.size() - 1;
            TokenLogprob t = tokens.get(i);
            out.add(AIMessageChunk.of(List.of(new Choice(0, t.token(), null, Logprobs.of(List.of(t)), last ? finish : null)),
                    last ? info : new ResponseInfo(null, r.model(), null, null, Map.of()), i == 0 ? raw : null));
        }
        return out;
    }

    /** The chunk a stream starts with: no text, and {@code []} logprobs when they were asked for. */
    public static AIMessageChunk firstChunk(boolean wantsLogprobs) {
        return AIMessageChunk.of(List.of(new Choice(0, "", null, wantsLogprobs ? Logprobs.EMPTY : null, null)), null, null);
    }

    private static boolean spells(List<TokenLogprob> tokens, String content) {
        StringBuilder s = new StringBuilder(content.length());
        for (TokenLogprob t : tokens) {
            s.append(new String(t.bytes(), StandardCharsets.UTF_8).equals(t.token()) ? t.token() : "\uFFFF");
        }
        return s.toString().equals(content);
    }

    private static void requireLogprobs(OllamaWire.Response r, String model) {
        // Go leaves an empty logprobs list out (omitempty), so only text without logprobs is proof
        // that the server ignored the request.
        if (r.logprobs() == null && !r.content().isEmpty()) {
            throw new UnsupportedCapabilityException("logprobs", model, OLD_SERVER);
        }
    }

    private static void failOnError(OllamaWire.Response r, int status) {
        if (r.error() != null) {
            throw new ProviderException(status, null, null, null, r.error(), null);
        }
    }

    /** {@code stop} and {@code length} as they are; other reasons ({@code load}, ...) too; null while streaming. */
    static String finishReason(OllamaWire.Response r) {
        if (!r.done()) {
            return null;
        }
        return r.doneReason() == null ? "stop" : r.doneReason();
    }

    /**
     * The model on every object; usage and extras only on the last ({@code done: true}), since
     * streamed extras add up like LangChain's {@code merge_dicts} (strings would concatenate).
     */
    static ResponseInfo info(OllamaWire.Response r) {
        Map<String, Object> extra = new LinkedHashMap<>();
        if (r.thinking() != null && !r.thinking().isEmpty()) {
            extra.put("thinking", r.thinking());
        }
        if (!r.done()) {
            return new ResponseInfo(null, r.model(), null, null, extra);
        }
        Usage usage = null;
        if (r.promptEvalCount() >= 0 || r.evalCount() >= 0) {
            long prompt = Math.max(0, r.promptEvalCount());
            long completion = Math.max(0, r.evalCount());
            usage = new Usage(prompt, completion, prompt + completion);
        }
        if (r.doneReason() != null) {
            extra.put("done_reason", r.doneReason());
        }
        if (r.createdAt() != null) {
            extra.put("created_at", r.createdAt());
        }
        extra.putAll(r.timings());
        return new ResponseInfo(null, r.model(), null, usage, extra);
    }
}
