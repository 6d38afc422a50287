package dev.logprobs4j.gemini.internal;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.Choice;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.LogprobsException;
import dev.logprobs4j.MalformedResponseException;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.ResponseInfo;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.UnsupportedCapabilityException;
import dev.logprobs4j.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns parsed Gemini responses into the core's messages and chunks, and error bodies into exceptions. Stateless. */
public final class GeminiMapper {

    private GeminiMapper() {
    }

    /** The blocking answer: one choice per candidate. */
    public static AIMessage message(GeminiWire.Response r, String model, boolean wantsLogprobs, String raw) {
        failOnError(r, model);
        if (r.candidates().isEmpty()) {
            throw new MalformedResponseException("Gemini answered without candidates (a blocked prompt?)", "$.candidates", null);
        }
        List<Choice> choices = new ArrayList<>();
        for (GeminiWire.Candidate c : r.candidates()) {
            choices.add(new Choice(c.index(), c.text(), null, logprobs(c, model, wantsLogprobs), finishReason(c.finishReason())));
        }
        return new AIMessage(choices, info(r, true), raw);
    }

    /**
     * The chunks of one SSE event: one per token when a single candidate's tokens spell its text
     * (so logprobs grow by one per chunk, as in OpenAI's stream), else one chunk for the event.
     * Usage and extras ride only on events with a finish reason: Gemini repeats running totals in
     * every event, and streamed usage adds up.
     */
    public static List<AIMessageChunk> chunks(GeminiWire.Response r, String model, boolean wantsLogprobs, String raw) {
        failOnError(r, model);
        boolean finished = r.candidates().stream().anyMatch(c -> c.finishReason() != null);
        ResponseInfo info = info(r, finished);
        if (r.candidates().size() == 1) {
            GeminiWire.Candidate c = r.candidates().get(0);
            Logprobs lp = logprobs(c, model, wantsLogprobs);
            if (lp != null && lp.size() > 1 && spells(lp.content(), c.text())) {
                List<AIMessageChunk> out = new ArrayList<>();
                for (int i = 0; i < lp.size(); i++) {
                    boolean last = i == lp.size() - 1;
                    TokenLogprob t = lp.content().get(i);
                    out.add(AIMessageChunk.of(List.of(new Choice(c.index(), t.token(), null, Logprobs.of(List.of(t)),
                                    last ? finishReason(c.finishReason()) : null)),
                            last ? info : new ResponseInfo(r.responseId(), r.modelVersion(), null, null, Map.of()),
                            i == 0 ? raw : null));
                }
                return out;
            }
        }
        List<Choice> deltas = new ArrayList<>();
        for (GeminiWire.Candidate c : r.candidates()) {
            deltas.add(new Choice(c.index(), c.text(), null, logprobs(c, model, wantsLogprobs), finishReason(c.finishReason())));
        }
        return List.of(AIMessageChunk.of(deltas, info, raw));
    }

    /** The chunk a stream starts with: no text, and {@code []} logprobs when they were asked for. */
    public static AIMessageChunk firstChunk(boolean wantsLogprobs) {
        return AIMessageChunk.of(List.of(new Choice(0, "", null, wantsLogprobs ? Logprobs.EMPTY : null, null)), null, null);
    }

    private static boolean spells(List<TokenLogprob> tokens, String text) {
        StringBuilder s = new StringBuilder(text.length());
        for (TokenLogprob t : tokens) {
            s.append(t.token());
        }
        return s.toString().equals(text);
    }

    private static Logprobs logprobs(GeminiWire.Candidate c, String model, boolean wantsLogprobs) {
        if (!wantsLogprobs) {
            return null;
        }
        if (c.logprobs() == null) {
            if (c.text().isEmpty()) {
                return Logprobs.EMPTY; // e.g. a last event carrying only the finish reason
            }
            throw new UnsupportedCapabilityException("logprobs", model, model + " answered without logprobsResult although"
                    + " responseLogprobs was set; this model or endpoint does not return logprobs");
        }
        return Logprobs.of(c.logprobs());
    }

    /** {@code STOP} → stop, {@code MAX_TOKENS} → length, safety-type reasons → content_filter, others lower-cased. */
    static String finishReason(String gemini) {
        if (gemini == null) {
            return null;
        }
        switch (gemini) {
            case "STOP": return "stop";
            case "MAX_TOKENS": return "length";
            case "SAFETY":
            case "RECITATION":
            case "BLOCKLIST":
            case "PROHIBITED_CONTENT":
            case "SPII":
            case "IMAGE_SAFETY":
                return "content_filter";
            default: return gemini.toLowerCase(Locale.ROOT);
        }
    }

    /**
     * {@code responseId} as id, {@code modelVersion} as model; when {@code complete}: usage,
     * {@code avg_logprobs} (the first candidate's {@code avgLogprobs}), {@code gemini_finish_reason}
     * (Gemini's own value) and {@code thinking} (thought parts) in extra.
     */
    static ResponseInfo info(GeminiWire.Response r, boolean complete) {
        Map<String, Object> extra = new LinkedHashMap<>();
        GeminiWire.Candidate first = r.candidates().isEmpty() ? null : r.candidates().get(0);
        if (first != null && first.thought() != null) {
            extra.put("thinking", first.thought());
        }
        if (!complete) {
            return new ResponseInfo(r.responseId(), r.modelVersion(), null, null, extra);
        }
        Usage usage = null;
        if (r.usage() != null) {
            long prompt = Math.max(0, r.usage()[0]);
            long completion = Math.max(0, r.usage()[1]);
            long total = r.usage()[2] >= 0 ? r.usage()[2] : prompt + completion;
            usage = new Usage(prompt, completion, total);
        }
        if (first != null && !Double.isNaN(first.avgLogprobs())) {
            extra.put("avg_logprobs", first.avgLogprobs());
        }
        if (first != null && first.finishReason() != null) {
            extra.put("gemini_finish_reason", first.finishReason());
        }
        return new ResponseInfo(r.responseId(), r.modelVersion(), null, usage, extra);
    }

    private static void failOnError(GeminiWire.Response r, String model) {
        if (r.error() != null) {
            throw exception(0, r.error(), model, null);
        }
    }

    /**
     * Google's error body as an exception: a refusal of logprobs ("Logprobs is not enabled for
     * models/...", "Logprobs is not supported for the current model") as
     * {@link UnsupportedCapabilityException} carrying Google's words, everything else as
     * {@link ProviderException} with {@code status} (e.g. {@code INVALID_ARGUMENT}) as its type.
     */
    public static LogprobsException error(int status, String body, String model) {
        GeminiWire.Error e = null;
        try {
            e = GeminiWire.parse(body.getBytes(StandardCharsets.UTF_8)).error();
        } catch (RuntimeException notJson) {
            // an HTML page from a proxy, for example: keep the text
        }
        if (e == null) {
            return new ProviderException(status, null, null, null, body.isBlank() ? null : body.strip(), body);
        }
        return exception(status, e, model, body);
    }

    private static LogprobsException exception(int status, GeminiWire.Error e, String model, String body) {
        String message = e.message();
        if (message != null) {
            String lower = message.toLowerCase(Locale.ROOT);
            if (lower.contains("logprobs") && (lower.contains("not enabled") || lower.contains("not supported"))) {
                return new UnsupportedCapabilityException("logprobs", model, model + " refused logprobs at run time: \""
                        + message + "\"; call it without logprobs(true) or choose a model that has them", message);
            }
        }
        return new ProviderException(status, e.status(), null, null, message, body);
    }
}
