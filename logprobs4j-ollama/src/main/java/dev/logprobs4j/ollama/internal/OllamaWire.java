package dev.logprobs4j.ollama.internal;

import static dev.logprobs4j.http.internal.JsonSupport.string;
import static dev.logprobs4j.http.internal.JsonSupport.utf8;
import static dev.logprobs4j.http.internal.JsonSupport.wrongType;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.MalformedResponseException;
import dev.logprobs4j.Message;
import dev.logprobs4j.Role;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import dev.logprobs4j.http.internal.JsonPath;
import dev.logprobs4j.http.internal.JsonSupport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ollama's native wire format: writes {@code /api/chat} and {@code /api/generate} request bodies
 * and parses one response object (a whole answer, or one NDJSON line of a stream) straight into
 * {@link Response}. Stateless and thread-safe.
 *
 * <p>Field names follow Ollama's {@code api/types.go}: request {@code logprobs}, {@code top_logprobs}
 * (top level, Ollama 0.12.11+), {@code options.temperature/seed/num_predict/top_p/stop}; response
 * {@code logprobs: [{token, logprob, bytes?, top_logprobs?: [{token, logprob, bytes?}]}]} (bytes since
 * Ollama PR #13068), {@code done}, {@code done_reason}, {@code prompt_eval_count},
 * {@code eval_count} and the durations.
 */
public final class OllamaWire {

    private OllamaWire() {
    }

    /**
     * One parsed response object.
     *
     * @param model           the model that answered, or null
     * @param createdAt       {@code created_at}, or null
     * @param content         {@code message.content} (chat) or {@code response} (generate); "" when absent
     * @param thinking        {@code message.thinking} / {@code thinking}, or null
     * @param done            {@code done}
     * @param doneReason      {@code done_reason}, or null
     * @param promptEvalCount {@code prompt_eval_count}, or -1
     * @param evalCount       {@code eval_count}, or -1
     * @param timings         the duration fields present (nanoseconds), by wire name
     * @param logprobs        the {@code logprobs} list, or null when the key was absent
     * @param error           {@code error}, or null
     */
    public record Response(String model, String createdAt, String content, String thinking, boolean done,
                           String doneReason, long promptEvalCount, long evalCount, Map<String, Object> timings,
                           List<TokenLogprob> logprobs, String error) {
    }

    /** The request body for {@code /api/chat}. */
    public static byte[] chatBody(String model, List<Message> messages, ChatOptions options, boolean stream) {
        return body(model, messages, options, stream, false);
    }

    /**
     * The request body for {@code /api/generate}: system messages go to {@code system}, the one user
     * message to {@code prompt}.
     *
     * @throws IllegalArgumentException for conversations (assistant turns, several user messages)
     */
    public static byte[] generateBody(String model, List<Message> messages, ChatOptions options, boolean stream) {
        return body(model, messages, options, stream, true);
    }

    private static byte[] body(String model, List<Message> messages, ChatOptions options, boolean stream, boolean generate) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JsonSupport.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("model", model);
            if (generate) {
                writePrompt(g, messages);
            } else {
                g.writeArrayFieldStart("messages");
                for (Message m : messages) {
                    g.writeStartObject();
                    g.writeStringField("role", m.role().wireName());
                    g.writeStringField("content", m.content());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeBooleanField("stream", stream);
            if (options.wantsLogprobs()) {
                g.writeBooleanField("logprobs", true);
                if (options.topLogprobs() != null && options.topLogprobs() > 0) {
                    g.writeNumberField("top_logprobs", options.topLogprobs());
                }
            }
            if (options.temperature() != null || options.seed() != null || options.maxTokens() != null
                    || options.topP() != null || options.stop() != null) {
                g.writeObjectFieldStart("options");
                if (options.temperature() != null) {
                    g.writeNumberField("temperature", options.temperature());
                }
                if (options.seed() != null) {
                    g.writeNumberField("seed", options.seed());
                }
                if (options.maxTokens() != null) {
                    g.writeNumberField("num_predict", options.maxTokens());
                }
                if (options.topP() != null) {
                    g.writeNumberField("top_p", options.topP());
                }
                if (options.stop() != null) {
                    g.writeArrayFieldStart("stop");
                    for (String s : options.stop()) {
                        g.writeString(s);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            for (Map.Entry<String, Object> e : options.extra().entrySet()) {
                g.writeFieldName(e.getKey());
                JsonSupport.write(g, e.getValue());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory does not fail
        }
        return out.toByteArray();
    }

    private static void writePrompt(JsonGenerator g, List<Message> messages) throws IOException {
        StringBuilder system = null;
        String prompt = null;
        for (Message m : messages) {
            if (m.role() == Role.SYSTEM) {
                system = system == null ? new StringBuilder(m.content()) : system.append("\n\n").append(m.content());
            } else if (m.role() == Role.USER && prompt == null) {
                prompt = m.content();
            } else {
                throw new IllegalArgumentException("/api/generate takes system messages and one user message; this call has "
                        + (m.role() == Role.USER ? "several user messages" : "a " + m.role().wireName() + " message")
                        + ": use OllamaChatModel.Api.CHAT for conversations");
            }
        }
        if (prompt == null) {
            throw new IllegalArgumentException("/api/generate needs a user message as the prompt");
        }
        g.writeStringField("prompt", prompt);
        if (system != null) {
            g.writeStringField("system", system.toString());
        }
    }

    /**
     * Parses one response object.
     *
     * @throws MalformedResponseException naming the JSON path (or byte offset) when it is not valid
     */
    public static Response parse(byte[] json) {
        return JsonSupport.parseObject(json, "Ollama", OllamaWire::object);
    }

    private static Response object(JsonParser p, JsonPath path) throws IOException {
        String model = null;
        String createdAt = null;
        String content = "";
        String thinking = null;
        boolean done = false;
        String doneReason = null;
        long promptEvalCount = -1;
        long evalCount = -1;
        Map<String, Object> timings = new LinkedHashMap<>();
        List<TokenLogprob> logprobs = null;
        String error = null;
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken t = p.nextToken();
            path.push(name);
            switch (name) {
                case "model": model = string(p, path); break;
                case "created_at": createdAt = string(p, path); break;
                case "response": content = nonNull(string(p, path)); break;
                case "thinking": thinking = string(p, path); break;
                case "message":
                    if (t == JsonToken.START_OBJECT) {
                        String field;
                        while ((field = p.nextFieldName()) != null) {
                            p.nextToken();
                            path.push(field);
                            if (field.equals("content")) {
                                content = nonNull(string(p, path));
                            } else if (field.equals("thinking")) {
                                thinking = string(p, path);
                            } else {
                                p.skipChildren();
                            }
                            path.pop();
                        }
                    } else if (t != JsonToken.VALUE_NULL) {
                        throw wrongType(path, "an object", t);
                    }
                    break;
                case "done": done = t == JsonToken.VALUE_TRUE; break;
                case "done_reason": doneReason = string(p, path); break;
                case "prompt_eval_count": promptEvalCount = count(p, path); break;
                case "eval_count": evalCount = count(p, path); break;
                case "total_duration":
                case "load_duration":
                case "prompt_eval_duration":
                case "eval_duration":
                    timings.put(name, count(p, path));
                    break;
                case "logprobs": logprobs = t == JsonToken.VALUE_NULL ? null : logprobs(p, path); break;
                case "error": error = t == JsonToken.START_OBJECT ? errorObject(p) : string(p, path); break;
                default: p.skipChildren();
            }
            path.pop();
        }
        return new Response(model, createdAt, content, thinking, done, doneReason, promptEvalCount, evalCount,
                timings, logprobs, error);
    }

    private static String errorObject(JsonParser p) throws IOException {
        String message = null;
        String field;
        while ((field = p.nextFieldName()) != null) {
            p.nextToken();
            if (field.equals("message") && p.currentToken() == JsonToken.VALUE_STRING) {
                message = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return message;
    }

    private static List<TokenLogprob> logprobs(JsonParser p, JsonPath path) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw wrongType(path, "an array", p.currentToken());
        }
        List<TokenLogprob> out = new ArrayList<>();
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            path.index(i++);
            Entry e = entry(p, path, true);
            try {
                out.add(new TokenLogprob(e.token, e.bytes, e.logprob, e.top));
            } catch (IllegalArgumentException bad) {
                throw new MalformedResponseException(bad.getMessage(), path.toString(), bad);
            }
            path.pop();
        }
        return out;
    }

    private record Entry(String token, byte[] bytes, double logprob, List<TopLogprob> top) {
    }

    private static Entry entry(JsonParser p, JsonPath path, boolean withTop) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw wrongType(path, "an object", p.currentToken());
        }
        String token = null;
        byte[] bytes = null;
        double logprob = Double.NaN;
        List<TopLogprob> top = List.of();
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken t = p.nextToken();
            path.push(name);
            switch (name) {
                case "token": token = string(p, path); break;
                case "logprob":
                    if (!t.isNumeric()) {
                        throw wrongType(path, "a number", t);
                    }
                    logprob = p.getDoubleValue();
                    break;
                case "bytes": bytes = t == JsonToken.VALUE_NULL ? null : bytes(p, path); break;
                case "top_logprobs":
                    if (withTop && t == JsonToken.START_ARRAY) {
                        List<TopLogprob> alts = new ArrayList<>();
                        int i = 0;
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            path.index(i++);
                            Entry alt = entry(p, path, false);
                            try {
                                alts.add(new TopLogprob(alt.token, alt.bytes, alt.logprob));
                            } catch (IllegalArgumentException bad) {
                                throw new MalformedResponseException(bad.getMessage(), path.toString(), bad);
                            }
                            path.pop();
                        }
                        top = alts;
                    } else {
                        p.skipChildren();
                    }
                    break;
                default: p.skipChildren();
            }
            path.pop();
        }
        if (token == null) {
            // Go's encoder leaves out empty strings only with omitempty; Ollama's token has none, but
            // be lenient: an absent token is the empty token.
            token = "";
        }
        if (Double.isNaN(logprob)) {
            throw new MalformedResponseException("a logprob entry without 'logprob'", path.toString(), null);
        }
        if (bytes == null) {
            bytes = utf8(token);
        }
        return new Entry(token, bytes, logprob, top);
    }

    private static byte[] bytes(JsonParser p, JsonPath path) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw wrongType(path, "an array of byte values", p.currentToken());
        }
        byte[] out = new byte[16];
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                throw wrongType(path, "integers 0..255", p.currentToken());
            }
            int v = p.getIntValue();
            if (v < 0 || v > 255) {
                throw new MalformedResponseException("byte value " + v + " is outside 0..255", path + "[" + n + "]", null);
            }
            if (n == out.length) {
                out = java.util.Arrays.copyOf(out, n * 2);
            }
            out[n++] = (byte) v;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private static long count(JsonParser p, JsonPath path) throws IOException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw wrongType(path, "an integer", t);
        }
        long v = p.getLongValue();
        if (v < 0) {
            throw new MalformedResponseException("a count must be >= 0, was " + v, path.toString(), null);
        }
        return v;
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
