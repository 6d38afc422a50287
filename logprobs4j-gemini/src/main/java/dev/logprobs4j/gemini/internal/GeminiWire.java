package dev.logprobs4j.gemini.internal;

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
 * The {@code generateContent} wire format shared by Google AI and Vertex AI: writes request bodies
 * and parses one {@code GenerateContentResponse} (a whole answer or one SSE event) straight into
 * {@link Response}. Stateless and thread-safe.
 *
 * <p>Fields: request {@code contents[].role/parts[].text}, {@code systemInstruction},
 * {@code generationConfig.{temperature, topP, seed, maxOutputTokens, stopSequences, candidateCount,
 * responseLogprobs, logprobs}}; response {@code candidates[].{index, content.parts[].text,
 * finishReason, avgLogprobs, logprobsResult.{chosenCandidates[], topCandidates[].candidates[]}}},
 * each logprob candidate {@code {token, tokenId?, logProbability}}; {@code usageMetadata},
 * {@code modelVersion}, {@code responseId}; errors {@code {"error": {code, message, status}}}.
 */
public final class GeminiWire {

    /** Prefix of {@code ChatOptions.extra()} keys that go inside {@code generationConfig}. */
    public static final String GENERATION_CONFIG_PREFIX = "generationConfig.";

    private GeminiWire() {
    }

    /**
     * One candidate.
     *
     * @param index        the candidate's index
     * @param text         the text parts joined (thought parts left out)
     * @param thought      the thought parts joined, or null
     * @param finishReason Gemini's finish reason ({@code STOP}, {@code MAX_TOKENS}, ...), or null
     * @param avgLogprobs  {@code avgLogprobs}, or NaN
     * @param logprobs     chosen tokens with their alternatives, or null without {@code logprobsResult}
     */
    public record Candidate(int index, String text, String thought, String finishReason, double avgLogprobs,
                            List<TokenLogprob> logprobs) {
    }

    /**
     * One response object.
     *
     * @param candidates the candidates, in the order sent
     * @param usage      {@code promptTokenCount}, {@code candidatesTokenCount}, {@code totalTokenCount}
     *                   (-1 when absent), or null without {@code usageMetadata}
     * @param modelVersion {@code modelVersion}, or null
     * @param responseId   {@code responseId}, or null
     * @param error        {@code error}, or null
     */
    public record Response(List<Candidate> candidates, long[] usage, String modelVersion, String responseId, Error error) {
    }

    /** Google's error object. */
    public record Error(int code, String message, String status) {
    }

    /** The request body. */
    public static byte[] body(List<Message> messages, ChatOptions options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JsonSupport.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            StringBuilder system = null;
            g.writeArrayFieldStart("contents");
            for (Message m : messages) {
                if (m.role() == Role.SYSTEM) {
                    system = system == null ? new StringBuilder(m.content()) : system.append("\n\n").append(m.content());
                    continue;
                }
                if (m.role() == Role.TOOL) {
                    throw new IllegalArgumentException("tool messages are not supported by this Gemini client");
                }
                g.writeStartObject();
                g.writeStringField("role", m.role() == Role.ASSISTANT ? "model" : "user");
                g.writeArrayFieldStart("parts");
                g.writeStartObject();
                g.writeStringField("text", m.content());
                g.writeEndObject();
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            if (system != null) {
                g.writeObjectFieldStart("systemInstruction");
                g.writeArrayFieldStart("parts");
                g.writeStartObject();
                g.writeStringField("text", system.toString());
                g.writeEndObject();
                g.writeEndArray();
                g.writeEndObject();
            }
            Map<String, Object> configExtra = new LinkedHashMap<>();
            Map<String, Object> topExtra = new LinkedHashMap<>();
            options.extra().forEach((k, v) -> {
                if (k.startsWith(GENERATION_CONFIG_PREFIX)) {
                    configExtra.put(k.substring(GENERATION_CONFIG_PREFIX.length()), v);
                } else {
                    topExtra.put(k, v);
                }
            });
            boolean config = options.temperature() != null || options.topP() != null || options.seed() != null
                    || options.maxTokens() != null || options.stop() != null || options.n() != null
                    || options.wantsLogprobs() || !configExtra.isEmpty();
            if (config) {
                g.writeObjectFieldStart("generationConfig");
                if (options.temperature() != null) {
                    g.writeNumberField("temperature", options.temperature());
                }
                if (options.topP() != null) {
                    g.writeNumberField("topP", options.topP());
                }
                if (options.seed() != null) {
                    g.writeNumberField("seed", options.seed());
                }
                if (options.maxTokens() != null) {
                    g.writeNumberField("maxOutputTokens", options.maxTokens());
                }
                if (options.stop() != null) {
                    g.writeArrayFieldStart("stopSequences");
                    for (String s : options.stop()) {
                        g.writeString(s);
                    }
                    g.writeEndArray();
                }
                if (options.n() != null) {
                    g.writeNumberField("candidateCount", options.n());
                }
                if (options.wantsLogprobs()) {
                    g.writeBooleanField("responseLogprobs", true);
                    if (options.topLogprobs() != null && options.topLogprobs() > 0) {
                        g.writeNumberField("logprobs", options.topLogprobs());
                    }
                }
                for (Map.Entry<String, Object> e : configExtra.entrySet()) {
                    g.writeFieldName(e.getKey());
                    JsonSupport.write(g, e.getValue());
                }
                g.writeEndObject();
            }
            for (Map.Entry<String, Object> e : topExtra.entrySet()) {
                g.writeFieldName(e.getKey());
                JsonSupport.write(g, e.getValue());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory does not fail
        }
        return out.toByteArray();
    }

    /**
     * Parses one response object.
     *
     * @throws MalformedResponseException naming the JSON path (or byte offset) when it is not valid
     */
    public static Response parse(byte[] json) {
        return JsonSupport.parseObject(json, "Gemini", GeminiWire::response);
    }

    private static Response response(JsonParser p, JsonPath path) throws IOException {
        List<Candidate> candidates = new ArrayList<>();
        long[] usage = null;
        String modelVersion = null;
        String responseId = null;
        Error error = null;
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken t = p.nextToken();
            path.push(name);
            switch (name) {
                case "candidates":
                    expect(p, path, JsonToken.START_ARRAY, "an array");
                    int i = 0;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        path.index(i);
                        candidates.add(candidate(p, path, i));
                        path.pop();
                        i++;
                    }
                    break;
                case "usageMetadata":
                    expect(p, path, JsonToken.START_OBJECT, "an object");
                    usage = new long[] {-1, -1, -1};
                    String field;
                    while ((field = p.nextFieldName()) != null) {
                        p.nextToken();
                        int at = switch (field) {
                            case "promptTokenCount" -> 0;
                            case "candidatesTokenCount" -> 1;
                            case "totalTokenCount" -> 2;
                            default -> -1;
                        };
                        if (at >= 0 && p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                            usage[at] = p.getLongValue();
                        } else {
                            p.skipChildren();
                        }
                    }
                    break;
                case "modelVersion": modelVersion = string(p, path); break;
                case "responseId": responseId = string(p, path); break;
                case "error": error = error(p, path); break;
                default: p.skipChildren();
            }
            path.pop();
        }
        return new Response(List.copyOf(candidates), usage, modelVersion, responseId, error);
    }

    private static Error error(JsonParser p, JsonPath path) throws IOException {
        expect(p, path, JsonToken.START_OBJECT, "an object");
        int code = 0;
        String message = null;
        String status = null;
        String name;
        while ((name = p.nextFieldName()) != null) {
            p.nextToken();
            switch (name) {
                case "code": code = p.currentToken() == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : 0; break;
                case "message": message = p.currentToken() == JsonToken.VALUE_STRING ? p.getText() : null; break;
                case "status": status = p.currentToken() == JsonToken.VALUE_STRING ? p.getText() : null; break;
                default: p.skipChildren();
            }
        }
        return new Error(code, message, status);
    }

    private static Candidate candidate(JsonParser p, JsonPath path, int position) throws IOException {
        expect(p, path, JsonToken.START_OBJECT, "an object");
        int index = position;
        StringBuilder text = new StringBuilder();
        StringBuilder thought = null;
        String finishReason = null;
        double avg = Double.NaN;
        List<LogprobCandidate> chosen = null;
        List<List<LogprobCandidate>> top = null;
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken t = p.nextToken();
            path.push(name);
            switch (name) {
                case "index": index = p.getIntValue(); break;
                case "finishReason": finishReason = string(p, path); break;
                case "avgLogprobs":
                    if (!t.isNumeric()) {
                        throw wrongType(path, "a number", t);
                    }
                    avg = p.getDoubleValue();
                    break;
                case "content":
                    if (t == JsonToken.START_OBJECT) {
                        String field;
                        while ((field = p.nextFieldName()) != null) {
                            p.nextToken();
                            if (field.equals("parts") && p.currentToken() == JsonToken.START_ARRAY) {
                                path.push("parts");
                                int i = 0;
                                while (p.nextToken() != JsonToken.END_ARRAY) {
                                    path.index(i++);
                                    String[] part = part(p, path);
                                    if (part[1] != null) {
                                        thought = thought == null ? new StringBuilder(part[0]) : thought.append(part[0]);
                                    } else {
                                        text.append(part[0]);
                                    }
                                    path.pop();
                                }
                                path.pop();
                            } else {
                                p.skipChildren();
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                    break;
                case "logprobsResult":
                    expect(p, path, JsonToken.START_OBJECT, "an object");
                    chosen = new ArrayList<>();
                    top = new ArrayList<>();
                    String field;
                    while ((field = p.nextFieldName()) != null) {
                        p.nextToken();
                        path.push(field);
                        if (field.equals("chosenCandidates")) {
                            chosen = candidates(p, path);
                        } else if (field.equals("topCandidates")) {
                            expect(p, path, JsonToken.START_ARRAY, "an array");
                            int i = 0;
                            while (p.nextToken() != JsonToken.END_ARRAY) {
                                path.index(i++);
                                expect(p, path, JsonToken.START_OBJECT, "an object");
                                List<LogprobCandidate> step = List.of();
                                String f;
                                while ((f = p.nextFieldName()) != null) {
                                    p.nextToken();
                                    if (f.equals("candidates")) {
                                        path.push("candidates");
                                        step = candidates(p, path);
                                        path.pop();
                                    } else {
                                        p.skipChildren();
                                    }
                                }
                                top.add(step);
                                path.pop();
                            }
                        } else {
                            p.skipChildren();
                        }
                        path.pop();
                    }
                    break;
                default: p.skipChildren();
            }
            path.pop();
        }
        List<TokenLogprob> logprobs = null;
        if (chosen != null) {
            if (!top.isEmpty() && top.size() != chosen.size()) {
                throw new MalformedResponseException("logprobsResult has " + chosen.size() + " chosenCandidates but "
                        + top.size() + " topCandidates; they must be one per decoding step", path + ".logprobsResult", null);
            }
            logprobs = new ArrayList<>(chosen.size());
            for (int i = 0; i < chosen.size(); i++) {
                LogprobCandidate c = chosen.get(i);
                List<TopLogprob> alts = new ArrayList<>();
                if (!top.isEmpty()) {
                    for (LogprobCandidate a : top.get(i)) {
                        alts.add(new TopLogprob(a.token, utf8(a.token), a.logProbability));
                    }
                }
                logprobs.add(new TokenLogprob(c.token, utf8(c.token), c.logProbability, alts));
            }
        }
        return new Candidate(index, text.toString(), thought == null ? null : thought.toString(), finishReason, avg, logprobs);
    }

    private record LogprobCandidate(String token, double logProbability) {
    }

    private static List<LogprobCandidate> candidates(JsonParser p, JsonPath path) throws IOException {
        expect(p, path, JsonToken.START_ARRAY, "an array");
        List<LogprobCandidate> out = new ArrayList<>();
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            path.index(i++);
            expect(p, path, JsonToken.START_OBJECT, "an object");
            String token = "";
            double lp = Double.NaN;
            String name;
            while ((name = p.nextFieldName()) != null) {
                JsonToken t = p.nextToken();
                if (name.equals("token")) {
                    path.push("token");
                    token = string(p, path);
                    path.pop();
                } else if (name.equals("logProbability")) {
                    if (!t.isNumeric()) {
                        path.push("logProbability");
                        throw wrongType(path, "a number", t);
                    }
                    lp = p.getDoubleValue();
                } else {
                    p.skipChildren();
                }
            }
            if (Double.isNaN(lp)) {
                // proto3 JSON leaves out default values: a missing logProbability is 0.0 (certainty).
                lp = 0.0;
            }
            if (lp > 1e-6) {
                path.push("logProbability");
                throw new MalformedResponseException("logProbability must be <= 0, was " + lp, path.toString(), null);
            }
            out.add(new LogprobCandidate(token == null ? "" : token, lp));
            path.pop();
        }
        return out;
    }

    /** [text, "thought" when it is a thought part]. */
    private static String[] part(JsonParser p, JsonPath path) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw wrongType(path, "an object", p.currentToken());
        }
        String text = "";
        boolean thought = false;
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken t = p.nextToken();
            if (name.equals("text") && t == JsonToken.VALUE_STRING) {
                text = p.getText();
            } else if (name.equals("thought")) {
                thought = t == JsonToken.VALUE_TRUE;
            } else {
                p.skipChildren();
            }
        }
        return new String[] {text, thought ? "thought" : null};
    }

    private static void expect(JsonParser p, JsonPath path, JsonToken token, String what) {
        if (p.currentToken() != token) {
            throw wrongType(path, what, p.currentToken());
        }
    }
}
