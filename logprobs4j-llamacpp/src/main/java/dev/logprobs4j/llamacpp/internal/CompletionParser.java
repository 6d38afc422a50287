package dev.logprobs4j.llamacpp.internal;

import static dev.logprobs4j.http.internal.JsonSupport.malformed;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.logprobs4j.MalformedResponseException;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import dev.logprobs4j.Usage;
import dev.logprobs4j.http.internal.JsonSupport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses llama.cpp's {@code /completion} answers (a whole response, or one streamed event) straight
 * into logprob records, in one pass. Knows both shapes of {@code completion_probabilities}:
 * <ul>
 *   <li>current servers: {@code [{id, token, bytes, logprob, top_logprobs: [{id, token, bytes, logprob}]}]},
 *       or with {@code post_sampling_probs: true} {@code prob} and {@code top_probs} (probabilities);</li>
 *   <li>older servers (before December 2024): {@code [{content, probs: [{tok_str, prob}]}]}.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class CompletionParser {

    /**
     * One parsed answer or event.
     *
     * @param content      the text
     * @param tokens       the logprobs of the tokens, or null when the answer had no {@code completion_probabilities}
     * @param stop         whether this is the last event ({@code stop: true})
     * @param finishReason {@code stop}, {@code length}, or null
     * @param usage        token counts (only in the last event), or null
     * @param model        the model alias, or null
     * @param extra        llama.cpp fields kept for {@code response_metadata} ({@code timings}, ...), last event only
     */
    public record Result(String content, List<TokenLogprob> tokens, boolean stop, String finishReason, Usage usage,
                         String model, Map<String, Object> extra) {
    }

    private CompletionParser() {
    }

    /**
     * Parses one JSON object.
     *
     * @param json        the response body or event data
     * @param topLogprobs how many alternatives per token to keep (llama.cpp sends at least one; extra ones are dropped)
     * @throws MalformedResponseException naming the JSON path of what could not be read
     */
    public static Result parse(String json, int topLogprobs) {
        JsonParser p = JsonSupport.parser(json);
        try (p) {
            JsonSupport.expect(p, JsonToken.START_OBJECT, "a JSON object");
            String content = "";
            List<TokenLogprob> tokens = null;
            boolean stop = false;
            String stopType = null;
            boolean stoppedEos = false;
            boolean stoppedWord = false;
            boolean stoppedLimit = false;
            long evaluated = -1;
            long predicted = -1;
            long promptN = -1;
            long predictedN = -1;
            String model = null;
            Map<String, Object> extra = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "content": {
                        String c = JsonSupport.string(p);
                        content = c == null ? "" : c;
                        break;
                    }
                    case "completion_probabilities":
                        tokens = probabilities(p, topLogprobs);
                        break;
                    case "stop":
                        stop = JsonSupport.bool(p);
                        break;
                    case "stop_type":
                        stopType = JsonSupport.string(p);
                        break;
                    case "stopped_eos":
                        stoppedEos = JsonSupport.bool(p);
                        break;
                    case "stopped_word":
                        stoppedWord = JsonSupport.bool(p);
                        break;
                    case "stopped_limit":
                        stoppedLimit = JsonSupport.bool(p);
                        break;
                    case "stopping_word": {
                        String w = JsonSupport.string(p);
                        if (w != null && !w.isEmpty()) {
                            extra.put("stopping_word", w);
                        }
                        break;
                    }
                    case "tokens_evaluated":
                        evaluated = JsonSupport.integer(p, -1);
                        break;
                    case "tokens_predicted":
                        predicted = JsonSupport.integer(p, -1);
                        break;
                    case "truncated":
                        extra.put("truncated", JsonSupport.bool(p));
                        break;
                    case "model":
                        model = JsonSupport.string(p);
                        break;
                    case "timings": {
                        Object t = JsonSupport.value(p);
                        if (t instanceof Map<?, ?> m) {
                            extra.put("timings", t);
                            promptN = m.get("prompt_n") instanceof Long l ? l : -1;
                            predictedN = m.get("predicted_n") instanceof Long l ? l : -1;
                        }
                        break;
                    }
                    default:
                        p.skipChildren();
                }
            }
            JsonSupport.requireEnd(p);
            if (!stop) {
                return new Result(content, tokens, false, null, null, model, Map.of());
            }
            String finish = finishReason(stopType, stoppedEos, stoppedWord, stoppedLimit);
            long prompt = evaluated >= 0 ? evaluated : promptN;
            long completion = predicted >= 0 ? predicted : predictedN;
            Usage usage = prompt >= 0 && completion >= 0 ? new Usage(prompt, completion, prompt + completion) : null;
            return new Result(content, tokens, true, finish, usage, model, Collections.unmodifiableMap(extra));
        } catch (IOException e) {
            throw malformed(p, e);
        }
    }

    /** {@code stop_type} of current servers, or the {@code stopped_*} flags of older ones, as OpenAI's finish reason. */
    static String finishReason(String stopType, boolean eos, boolean word, boolean limit) {
        if (stopType != null) {
            switch (stopType) {
                case "eos":
                case "word":
                    return "stop";
                case "limit":
                    return "length";
                case "none":
                    return null;
                default:
                    return stopType;
            }
        }
        if (eos || word) {
            return "stop";
        }
        return limit ? "length" : null;
    }

    private static List<TokenLogprob> probabilities(JsonParser p, int topLogprobs) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        return objects(p, "completion_probabilities to be an array", "a token object", q -> token(q, topLogprobs));
    }

    /** Reads one element of an array of objects, the parser on its {@code START_OBJECT}. */
    private interface ElementReader<T> {
        T read(JsonParser p) throws IOException;
    }

    /** An array of objects, each read by {@code reader}; {@code array} and {@code element} say what was expected. */
    private static <T> List<T> objects(JsonParser p, String array, String element, ElementReader<T> reader) throws IOException {
        JsonSupport.require(p, JsonToken.START_ARRAY, array);
        List<T> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            JsonSupport.require(p, JsonToken.START_OBJECT, element);
            out.add(reader.read(p));
        }
        return out;
    }

    /** The fields token entries and their alternatives share, as read so far. */
    private static final class Entry {
        String token;
        byte[] bytes;
        double logprob = Double.NaN;
        boolean haveLogprob;

        /**
         * Reads {@code field} when it is {@code token}, {@code bytes}, {@code logprob} (ignored unless
         * {@code logprobCounts}: post-sampling alternatives carry {@code prob}) or {@code prob}.
         *
         * @return false for any other field, which the caller reads or skips
         */
        boolean read(JsonParser p, String field, boolean logprobCounts) throws IOException {
            switch (field) {
                case "token" -> token = JsonSupport.string(p);
                case "bytes" -> bytes = JsonSupport.bytes(p);
                case "logprob" -> {
                    if (logprobCounts) {
                        logprob = fromLogprob(JsonSupport.number(p));
                        haveLogprob = true;
                    }
                }
                case "prob" -> {
                    logprob = Probabilities.toLogprob(JsonSupport.number(p), p);
                    haveLogprob = true;
                }
                default -> {
                    return false;
                }
            }
            return true;
        }

        /** The bytes sent, or the UTF-8 of the token when none were. */
        byte[] bytesOrUtf8() {
            return bytes != null ? bytes : JsonSupport.utf8(token);
        }
    }

    /** One entry of either shape; the fields tell which. */
    private static TokenLogprob token(JsonParser p, int topLogprobs) throws IOException {
        Entry e = new Entry();
        List<TopLogprob> top = List.of();
        String legacyContent = null;
        List<TopLogprob> legacyProbs = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (e.read(p, field, true)) {
                continue;
            }
            switch (field) {
                case "top_logprobs" -> top = alternatives(p, topLogprobs, false);
                case "top_probs" -> top = alternatives(p, topLogprobs, true);
                case "content" -> legacyContent = JsonSupport.string(p);
                case "probs" -> legacyProbs = legacyAlternatives(p);
                default -> p.skipChildren();
            }
        }
        if (legacyContent != null || legacyProbs != null) {
            return legacyToken(p, legacyContent, legacyProbs, topLogprobs);
        }
        if (e.token == null) {
            throw malformed(p, "a token entry has no 'token' (current servers) nor 'content' (older servers)");
        }
        if (!e.haveLogprob) {
            throw malformed(p, "token '" + e.token + "' has neither 'logprob' nor 'prob'");
        }
        return new TokenLogprob(e.token, e.bytesOrUtf8(), e.logprob, top);
    }

    private static List<TopLogprob> alternatives(JsonParser p, int keep, boolean probabilities) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return List.of();
        }
        List<TopLogprob> all = objects(p, "an array of alternatives", "an alternative object", q -> {
            Entry e = new Entry();
            while (q.nextToken() == JsonToken.FIELD_NAME) {
                String field = q.currentName();
                q.nextToken();
                if (!e.read(q, field, !probabilities)) {
                    q.skipChildren();
                }
            }
            if (e.token == null || !e.haveLogprob) {
                throw malformed(q, "an alternative needs 'token' and '" + (probabilities ? "prob" : "logprob") + "'");
            }
            return new TopLogprob(e.token, e.bytesOrUtf8(), e.logprob);
        });
        return all.size() > keep ? new ArrayList<>(all.subList(0, keep)) : all;
    }

    /** Older servers' {@code probs: [{tok_str, prob}]}, kept whole: the chosen token's probability is found among them. */
    private static List<TopLogprob> legacyAlternatives(JsonParser p) throws IOException {
        return objects(p, "'probs' to be an array", "a {tok_str, prob} object", q -> {
            Entry e = new Entry();
            while (q.nextToken() == JsonToken.FIELD_NAME) {
                String field = q.currentName();
                q.nextToken();
                switch (field) {
                    case "tok_str" -> e.token = JsonSupport.string(q);
                    case "prob" -> e.read(q, field, false);
                    default -> q.skipChildren();
                }
            }
            if (e.token == null || !e.haveLogprob) {
                throw malformed(q, "an entry of 'probs' needs 'tok_str' and 'prob'");
            }
            return new TopLogprob(e.token, Probabilities.legacyBytes(e.token), e.logprob);
        });
    }

    private static TokenLogprob legacyToken(JsonParser p, String content, List<TopLogprob> probs, int keep) {
        if (content == null) {
            throw malformed(p, "an older-format token entry has 'probs' but no 'content'");
        }
        List<TopLogprob> alternatives = probs == null ? List.of() : probs;
        double logprob = TokenLogprob.VERY_UNLIKELY; // not among the alternatives: unknown, marked like OpenAI's marker
        for (TopLogprob alt : alternatives) {
            if (alt.token().equals(content)) {
                logprob = alt.logprob();
                break;
            }
        }
        List<TopLogprob> top = alternatives.size() > keep ? alternatives.subList(0, keep) : alternatives;
        return new TokenLogprob(content, Probabilities.legacyBytes(content), logprob, top);
    }

    /**
     * A logprob as llama.cpp writes it: null (some builds turn log(0) = -inf into null) and -FLT_MAX
     * (what others write for log(0)) become {@link TokenLogprob#VERY_UNLIKELY}.
     */
    private static double fromLogprob(double v) {
        if (Double.isNaN(v) || v <= TokenLogprob.VERY_UNLIKELY) {
            return TokenLogprob.VERY_UNLIKELY;
        }
        return Math.min(0.0, v);
    }
}
