package dev.logprobs4j.tgi.internal;

import static dev.logprobs4j.tgi.internal.JsonSupport.malformed;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses Text Generation Inference answers in one pass: {@code /generate}'s
 * {@code {generated_text, details: {finish_reason, generated_tokens, seed, prefill, tokens, top_tokens}}}
 * and {@code /generate_stream}'s events {@code {index, token, top_tokens, generated_text, details}}.
 * Special tokens ({@code special: true}, e.g. the end-of-sequence token) are left out of text and
 * logprobs, as TGI leaves them out of {@code generated_text}. Stateless and thread-safe.
 */
public final class TgiParser {

    /** One generated token as TGI sends it. */
    private record WireToken(String text, double logprob, boolean special) {
    }

    /**
     * A parsed answer or event.
     *
     * @param text            the generated text (the event's token text when streaming)
     * @param tokens          logprobs of the non-special tokens, each with up to {@code top} alternatives
     * @param finishReason    {@code stop} or {@code length} (or TGI's word when unknown), null while streaming
     * @param generatedTokens {@code details.generated_tokens}, or -1
     * @param prefill         {@code details.prefill} as {@code [{id, text, logprob}]} (logprob null for the first), or null
     * @param seed            {@code details.seed}, or null
     * @param error           the stream's error event, or null
     */
    public record Result(String text, List<TokenLogprob> tokens, String finishReason, long generatedTokens,
                         List<Object> prefill, Long seed, ProviderException error) {
    }

    private TgiParser() {
    }

    /** TGI's finish reasons as OpenAI's: {@code eos_token} and {@code stop_sequence} are {@code stop}. */
    static String finishReason(String tgi) {
        if (tgi == null) {
            return null;
        }
        switch (tgi) {
            case "eos_token":
            case "stop_sequence":
                return "stop";
            case "length":
                return "length";
            default:
                return tgi;
        }
    }

    /** A {@code /generate} answer (an object, or the one-element array older servers sent). */
    public static Result parseGenerate(String json, int top) {
        JsonParser p = JsonSupport.parser(json);
        try (p) {
            JsonToken first = p.nextToken();
            boolean array = first == JsonToken.START_ARRAY;
            if (array) {
                p.nextToken();
            }
            JsonSupport.require(p, JsonToken.START_OBJECT, "a JSON object");
            Result r = object(p, top, false);
            if (array) {
                JsonSupport.expect(p, JsonToken.END_ARRAY, "the end of the one-answer array");
            }
            JsonSupport.requireEnd(p);
            return r;
        } catch (IOException e) {
            throw malformed(p, e);
        }
    }

    /** One {@code /generate_stream} event's data. */
    public static Result parseEvent(String json, int top) {
        JsonParser p = JsonSupport.parser(json);
        try (p) {
            JsonSupport.expect(p, JsonToken.START_OBJECT, "a JSON object");
            Result r = object(p, top, true);
            JsonSupport.requireEnd(p);
            return r;
        } catch (IOException e) {
            throw malformed(p, e);
        }
    }

    private static Result object(JsonParser p, int top, boolean event) throws IOException {
        String generated = null;
        WireToken token = null;
        List<TopLogprob> eventTop = List.of();
        String finish = null;
        long generatedTokens = -1;
        List<Object> prefill = null;
        Long seed = null;
        List<WireToken> tokens = null;
        List<List<TopLogprob>> topTokens = null;
        String error = null;
        String errorType = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "generated_text":
                    generated = JsonSupport.string(p);
                    break;
                case "token":
                    token = wireToken(p);
                    break;
                case "top_tokens":
                    if (event) {
                        eventTop = alternatives(p, top);
                    } else {
                        p.skipChildren();
                    }
                    break;
                case "error":
                    error = p.currentToken().isScalarValue() ? p.getText() : String.valueOf(JsonSupport.value(p));
                    break;
                case "error_type":
                    errorType = JsonSupport.string(p);
                    break;
                case "details": {
                    if (p.currentToken() == JsonToken.VALUE_NULL) {
                        break;
                    }
                    JsonSupport.require(p, JsonToken.START_OBJECT, "details to be an object");
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String d = p.currentName();
                        p.nextToken();
                        switch (d) {
                            case "finish_reason":
                                finish = JsonSupport.string(p);
                                break;
                            case "generated_tokens":
                                generatedTokens = JsonSupport.integer(p, -1);
                                break;
                            case "seed": {
                                long s = JsonSupport.integer(p, Long.MIN_VALUE);
                                seed = s == Long.MIN_VALUE ? null : s;
                                break;
                            }
                            case "prefill":
                                prefill = prefill(p);
                                break;
                            case "tokens":
                                tokens = wireTokens(p);
                                break;
                            case "top_tokens":
                                topTokens = topTokens(p, top);
                                break;
                            default:
                                p.skipChildren();
                        }
                    }
                    break;
                }
                default:
                    p.skipChildren();
            }
        }
        if (error != null) {
            return new Result("", List.of(), null, -1, null, null, new ProviderException(0, errorType, null, null, error, null));
        }
        List<TokenLogprob> out = new ArrayList<>();
        String text;
        if (event) {
            if (token == null) {
                throw malformed(p, "a stream event has neither 'token' nor 'error'");
            }
            text = token.special ? "" : token.text;
            if (!token.special) {
                out.add(new TokenLogprob(token.text, JsonSupport.utf8(token.text), token.logprob, eventTop));
            }
        } else {
            if (generated == null) {
                throw malformed(p, "the answer has no 'generated_text'");
            }
            text = generated;
            if (tokens != null) {
                if (topTokens != null && topTokens.size() != tokens.size()) {
                    throw malformed(p, "details.top_tokens has " + topTokens.size() + " positions but details.tokens has "
                            + tokens.size());
                }
                for (int i = 0; i < tokens.size(); i++) {
                    WireToken t = tokens.get(i);
                    if (!t.special) {
                        out.add(new TokenLogprob(t.text, JsonSupport.utf8(t.text), t.logprob,
                                topTokens == null ? List.of() : topTokens.get(i)));
                    }
                }
            }
        }
        return new Result(text, Collections.unmodifiableList(out), finishReason(finish), generatedTokens, prefill, seed, null);
    }

    private static WireToken wireToken(JsonParser p) throws IOException {
        JsonSupport.require(p, JsonToken.START_OBJECT, "a token object");
        String text = null;
        double logprob = Double.NaN;
        boolean special = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "text":
                    text = JsonSupport.string(p);
                    break;
                case "logprob":
                    logprob = JsonSupport.number(p);
                    break;
                case "special":
                    special = JsonSupport.bool(p);
                    break;
                default:
                    p.skipChildren();
            }
        }
        if (text == null) {
            throw malformed(p, "a token has no 'text'");
        }
        return new WireToken(text, logprob(logprob), special);
    }

    /** TGI's logprob: null (nothing measured) becomes the marker; a rounding +0.0 stays 0. */
    private static double logprob(double v) {
        return Double.isNaN(v) || v <= TokenLogprob.VERY_UNLIKELY ? TokenLogprob.VERY_UNLIKELY : Math.min(0.0, v);
    }

    private static List<WireToken> wireTokens(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        JsonSupport.require(p, JsonToken.START_ARRAY, "details.tokens to be an array");
        List<WireToken> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            out.add(wireToken(p));
        }
        return out;
    }

    private static List<TopLogprob> alternatives(JsonParser p, int keep) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return List.of();
        }
        JsonSupport.require(p, JsonToken.START_ARRAY, "top_tokens to be an array");
        List<TopLogprob> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            WireToken t = wireToken(p);
            if (out.size() < keep) {
                out.add(new TopLogprob(t.text, JsonSupport.utf8(t.text), t.logprob));
            }
        }
        return out;
    }

    private static List<List<TopLogprob>> topTokens(JsonParser p, int keep) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        JsonSupport.require(p, JsonToken.START_ARRAY, "details.top_tokens to be an array of arrays");
        List<List<TopLogprob>> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            out.add(alternatives(p, keep));
        }
        return out;
    }

    private static List<Object> prefill(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        JsonSupport.require(p, JsonToken.START_ARRAY, "details.prefill to be an array");
        List<Object> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            JsonSupport.require(p, JsonToken.START_OBJECT, "a prefill token");
            Map<String, Object> m = new LinkedHashMap<>();
            long id = -1;
            String text = null;
            Double logprob = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "id":
                        id = JsonSupport.integer(p, -1);
                        break;
                    case "text":
                        text = JsonSupport.string(p);
                        break;
                    case "logprob": {
                        double v = JsonSupport.number(p);
                        logprob = Double.isNaN(v) ? null : Math.min(0.0, v);
                        break;
                    }
                    default:
                        p.skipChildren();
                }
            }
            m.put("id", id);
            m.put("text", text);
            m.put("logprob", logprob);
            out.add(Collections.unmodifiableMap(m));
        }
        return Collections.unmodifiableList(out);
    }
}
