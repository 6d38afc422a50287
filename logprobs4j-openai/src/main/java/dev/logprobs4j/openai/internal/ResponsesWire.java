package dev.logprobs4j.openai.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonToken;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatRequest;
import dev.logprobs4j.Choice;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.MalformedResponseException;
import dev.logprobs4j.Message;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.ResponseInfo;
import dev.logprobs4j.Role;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.Usage;
import dev.logprobs4j.http.internal.JsonSupport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI's Responses API ({@code POST /responses}) on the wire: the request body, the
 * {@code response} object and the streamed events, written and read with Jackson's streaming API.
 * Stateless and thread-safe except {@link StreamDecoder} (one per stream).
 */
public final class ResponsesWire {

    /** The {@code include} value without which the API returns no logprobs, even with {@code top_logprobs}. */
    public static final String INCLUDE_LOGPROBS = "message.output_text.logprobs";

    private ResponsesWire() {
    }

    /**
     * The JSON body for {@code request}. Messages become {@code input} items in order, system
     * messages as {@code role: "system"} items (not {@code instructions}, which would move them
     * before everything else).
     *
     * @throws IllegalArgumentException for options the Responses API does not have ({@code n},
     *                                  {@code stop}, {@code seed}), tool messages, or extra fields the client sets itself
     */
    public static byte[] write(String model, ChatRequest request, boolean stream) {
        ChatOptions o = request.options();
        refuse(o.n() != null && o.n() != 1, "n", "ask for one answer per call");
        refuse(o.stop() != null && !o.stop().isEmpty(), "stop", "cut the text yourself");
        refuse(o.seed() != null, "seed", "remove seed(...)");
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JsonSupport.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("model", model);
            g.writeArrayFieldStart("input");
            for (Message m : request.messages()) {
                if (m.role() == Role.TOOL) {
                    throw new IllegalArgumentException("the Responses API takes tool results as function_call_output items,"
                            + " which OpenAiResponsesModel does not send; remove the tool message");
                }
                g.writeStartObject();
                g.writeStringField("role", m.role().wireName());
                g.writeStringField("content", m.content());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (stream) {
                g.writeBooleanField("stream", true);
            }
            RequestWriter.writeSampling(g, o, "max_output_tokens"); // seed was refused above
            if (o.wantsLogprobs()) {
                g.writeNumberField("top_logprobs", o.topLogprobs() == null ? 0 : o.topLogprobs());
                g.writeArrayFieldStart("include");
                g.writeString(INCLUDE_LOGPROBS);
                g.writeEndArray();
            }
            RequestWriter.writeExtra(g, o, Set.of("model", "input", "stream", "include"),
                    "include follows logprobs(true), streaming follows stream(...) or invoke(...)");
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory does not fail
        }
        return out.toByteArray();
    }

    private static void refuse(boolean set, String option, String fix) {
        if (set) {
            throw new IllegalArgumentException("the Responses API has no '" + option + "' option; " + fix
                    + " or use OpenAiChatModel (Chat Completions)");
        }
    }

    /**
     * A whole {@code response} object as a message.
     *
     * @param wantLogprobs whether logprobs were asked for: only then does the message carry them
     * @throws ProviderException          when the response failed ({@code status: failed}) or is an error object
     * @throws MalformedResponseException naming the JSON path of the problem
     */
    public static AIMessage readResponse(byte[] bytes, boolean wantLogprobs, int status) {
        String body = new String(bytes, StandardCharsets.UTF_8);
        ResponseReader r = new ResponseReader(WireReader.parser(bytes, "the response body"), "the response body", true);
        r.readRoot();
        if (r.errorBody != null) {
            throw r.errorBody.toException(status, body);
        }
        if (r.status == null && r.id == null) {
            throw new MalformedResponseException("the response body is not a response object: it has no \"id\" and no \"status\"",
                    "$", null);
        }
        if ("failed".equals(r.status)) {
            throw r.failure(body);
        }
        Logprobs logprobs = wantLogprobs ? Logprobs.of(r.tokens) : null;
        Choice choice = new Choice(0, r.text.toString(), r.refusal == null ? null : r.refusal.toString(), logprobs, r.finishReason());
        return new AIMessage(List.of(choice), r.info(true), body);
    }

    /** Fields of one {@code response} object. */
    private static final class ResponseReader extends WireReader {
        private final boolean readOutput;
        String id;
        String model;
        String status;
        String incompleteReason;
        String errorCode;
        String errorMessage;
        Usage usage;
        final StringBuilder text = new StringBuilder();
        StringBuilder refusal;
        final List<TokenLogprob> tokens = new ArrayList<>();
        final Map<String, Object> extra = new LinkedHashMap<>();
        CompletionReader.ProviderError errorBody;

        ResponseReader(com.fasterxml.jackson.core.JsonParser p, String what, boolean readOutput) {
            super(p, what, "response");
            this.readOutput = readOutput;
        }

        @Override
        void field(String name, JsonToken t) throws IOException {
            switch (name) {
                case "id": id = string(t); break;
                case "model": model = string(t); break;
                case "status": status = string(t); break;
                case "incomplete_details":
                    if (t == JsonToken.VALUE_NULL) {
                        break;
                    }
                    expect(t, JsonToken.START_OBJECT, "an object or null");
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String f = p.currentName();
                        JsonToken v = p.nextToken();
                        if (f.equals("reason")) {
                            incompleteReason = string(v);
                        } else {
                            p.skipChildren();
                        }
                    }
                    break;
                case "error":
                    if (t == JsonToken.VALUE_NULL) {
                        break;
                    }
                    expect(t, JsonToken.START_OBJECT, "an error object or null");
                    String type = null;
                    String param = null;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String f = p.currentName();
                        JsonToken v = p.nextToken();
                        switch (f) {
                            case "code": errorCode = scalarText(v); break;
                            case "message": errorMessage = scalarText(v); break;
                            case "type": type = scalarText(v); break;
                            case "param": param = scalarText(v); break;
                            default: p.skipChildren();
                        }
                    }
                    if (status == null && id == null) {
                        // {"error": {...}} without a response around it: an API error body
                        errorBody = new CompletionReader.ProviderError(type, errorCode, param, errorMessage);
                    }
                    break;
                case "output":
                    if (readOutput) {
                        readOutput(t);
                    } else {
                        p.skipChildren();
                    }
                    break;
                case "usage": usage = orElse(readUsage(t, extra, "input_tokens", "output_tokens"), usage); break;
                case "created_at": case "service_tier":
                    if (readOutput && t != JsonToken.VALUE_NULL) {
                        extra.put(name, JsonSupport.value(p));
                    } else {
                        p.skipChildren();
                    }
                    break;
                default: p.skipChildren();
            }
        }

        private void readOutput(JsonToken t) throws IOException {
            if (t == JsonToken.VALUE_NULL) {
                return;
            }
            expect(t, JsonToken.START_ARRAY, "an array of output items");
            while (p.nextToken() != JsonToken.END_ARRAY) {
                expect(p.currentToken(), JsonToken.START_OBJECT, "an output item");
                // Items other than messages (reasoning, tool calls) have no "content" parts of type output_text.
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String f = p.currentName();
                    JsonToken v = p.nextToken();
                    if (f.equals("content") && v == JsonToken.START_ARRAY) {
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            expect(p.currentToken(), JsonToken.START_OBJECT, "a content part");
                            readPart();
                        }
                    } else {
                        p.skipChildren();
                    }
                }
            }
        }

        private void readPart() throws IOException {
            String type = null;
            String partText = null;
            String refusalText = null;
            List<TokenLogprob> partTokens = List.of();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                switch (f) {
                    case "type": type = string(v); break;
                    case "text": partText = string(v); break;
                    case "refusal": refusalText = string(v); break;
                    case "logprobs": partTokens = readTokens(v); break;
                    default: p.skipChildren();
                }
            }
            if ("output_text".equals(type)) {
                text.append(partText == null ? "" : partText);
                tokens.addAll(partTokens);
            } else if ("refusal".equals(type) && refusalText != null) {
                refusal = refusal == null ? new StringBuilder(refusalText) : refusal.append(refusalText);
            }
        }

        /** The Chat Completions finish reason for this status: completed is stop, max_output_tokens is length. */
        String finishReason() {
            if (status == null) {
                return null;
            }
            switch (status) {
                case "completed": return "stop";
                case "incomplete":
                    if (incompleteReason == null) {
                        return "incomplete";
                    }
                    return incompleteReason.equals("max_output_tokens") ? "length" : incompleteReason;
                case "cancelled": return "cancelled";
                default: return null; // queued, in_progress: not finished
            }
        }

        ResponseInfo info(boolean withExtra) {
            return new ResponseInfo(id, model, null, usage, withExtra ? extra : Map.of());
        }

        ProviderException failure(String body) {
            return new ProviderException(0, null, errorCode, null,
                    errorMessage == null ? "the response failed (status \"failed\") without an error message" : errorMessage, body);
        }
    }

    /**
     * Turns Responses API events into chunks: {@code response.created} gives the first chunk (with
     * logprobs {@code []} when they were asked for), each {@code response.output_text.delta} one
     * chunk with its text and logprobs, {@code response.completed} / {@code response.incomplete}
     * the last (finish reason, usage) and the end; {@code response.failed} and {@code error} become
     * {@link ProviderException}s. Delta logprobs carry no {@code bytes}: they are the token's UTF-8
     * encoding. Other events carry nothing new. Not thread-safe.
     */
    public static final class StreamDecoder implements OpenAiChunkSource.Decoder {
        private final boolean wantLogprobs;
        private boolean done;

        public StreamDecoder(boolean wantLogprobs) {
            this.wantLogprobs = wantLogprobs;
        }

        @Override
        public boolean done() {
            return done;
        }

        @Override
        public AIMessage whole(byte[] body) {
            return readResponse(body, wantLogprobs, 200);
        }

        private static String text(byte[] utf8) {
            return new String(utf8, StandardCharsets.UTF_8);
        }

        @Override
        public AIMessageChunk decode(String sseType, byte[] bytes, int eventNumber) {
            EventReader e = new EventReader(WireReader.parser(bytes, "event " + eventNumber + " of the stream"),
                    "event " + eventNumber + " of the stream");
            e.readRoot();
            String type = e.type != null ? e.type : sseType;
            if (type == null) {
                throw new MalformedResponseException("event " + eventNumber + " of the stream has no \"type\"", "$.type", null);
            }
            switch (type) {
                case "response.created": {
                    ResponseInfo info = e.response == null ? null : e.response.info(false);
                    return AIMessageChunk.ofUtf8(List.of(new Choice(0, "", null, wantLogprobs ? Logprobs.EMPTY : null, null)), info, bytes);
                }
                case "response.output_text.delta":
                    return AIMessageChunk.ofUtf8(List.of(new Choice(0, e.delta, null, wantLogprobs ? Logprobs.of(e.logprobs) : null, null)),
                            null, bytes);
                case "response.refusal.delta":
                    return AIMessageChunk.ofUtf8(List.of(new Choice(0, "", e.delta == null ? "" : e.delta, null, null)), null, bytes);
                case "response.completed": case "response.incomplete": {
                    done = true;
                    if (e.response == null) {
                        throw new MalformedResponseException("event " + eventNumber + " (" + type + ") has no \"response\"", "$.response", null);
                    }
                    ResponseInfo info = new ResponseInfo(null, null, null, e.response.usage, e.response.extra);
                    return AIMessageChunk.ofUtf8(List.of(new Choice(0, "", null, null, e.response.finishReason())), info, bytes);
                }
                case "response.failed":
                    done = true;
                    throw e.response == null ? new ProviderException(0, null, null, null, "the response failed", text(bytes))
                            : e.response.failure(text(bytes));
                case "error":
                    done = true;
                    throw new ProviderException(0, null, e.code, e.param, e.message, text(bytes));
                default:
                    return null;
            }
        }
    }

    /** Fields of one streamed event. */
    private static final class EventReader extends WireReader {
        String type;
        String delta;
        List<TokenLogprob> logprobs = List.of();
        ResponseReader response;
        String code;
        String message;
        String param;

        EventReader(com.fasterxml.jackson.core.JsonParser p, String what) {
            super(p, what, "Responses API event");
        }

        @Override
        void field(String name, JsonToken t) throws IOException {
            switch (name) {
                case "type": type = string(t); break;
                case "delta": delta = t == JsonToken.VALUE_STRING ? p.getText() : skip(); break;
                case "logprobs": logprobs = readTokens(t); break;
                case "response":
                    if (t == JsonToken.VALUE_NULL) {
                        break;
                    }
                    expect(t, JsonToken.START_OBJECT, "a response object");
                    // Usage and status only: the text already came in the deltas.
                    response = new ResponseReader(p, what, false);
                    response.readFields();
                    break;
                case "code": code = scalarText(t); break;
                case "message": message = scalarText(t); break;
                case "param": param = scalarText(t); break;
                default: p.skipChildren();
            }
        }

        private String skip() throws IOException {
            p.skipChildren();
            return null;
        }
    }
}
