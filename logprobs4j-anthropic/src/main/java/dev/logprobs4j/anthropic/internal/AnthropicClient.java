package dev.logprobs4j.anthropic.internal;

import static dev.logprobs4j.anthropic.internal.JsonSupport.malformed;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatRequest;
import dev.logprobs4j.Choice;
import dev.logprobs4j.ChunkSource;
import dev.logprobs4j.IncompleteStreamException;
import dev.logprobs4j.Message;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.ResponseInfo;
import dev.logprobs4j.Role;
import dev.logprobs4j.Usage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The wire side of {@code AnthropicChatModel}: Messages API requests, answers and events. Immutable and thread-safe. */
public final class AnthropicClient {

    private final URI baseUrl;
    private final HttpTransport http;
    private final Map<String, String> headers;
    private final String model;
    private final int defaultMaxTokens;

    public AnthropicClient(URI baseUrl, HttpTransport http, Map<String, String> headers, String model, int defaultMaxTokens) {
        this.baseUrl = baseUrl;
        this.http = http;
        this.headers = Map.copyOf(headers);
        this.model = model;
        this.defaultMaxTokens = defaultMaxTokens;
    }

    /** Anthropic's error body {@code {"type": "error", "error": {"type", "message"}}} as a {@link ProviderException}. */
    public static ProviderException error(int status, String body) {
        String[] typeAndMessage = errorObject(body);
        return new ProviderException(status, typeAndMessage[0], null, null,
                typeAndMessage[1] != null ? typeAndMessage[1] : body.strip(), body);
    }

    private static String[] errorObject(String body) {
        String[] out = new String[2];
        try (JsonParser p = JsonSupport.parser(body)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken t = p.nextToken();
                    if (field.equals("error") && t == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            JsonToken v = p.nextToken();
                            if (f.equals("type") && v.isScalarValue()) {
                                out[0] = p.getText();
                            } else if (f.equals("message") && v.isScalarValue()) {
                                out[1] = p.getText();
                            } else {
                                p.skipChildren();
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: the body is the message
        }
        return out;
    }

    /** Anthropic's stop reasons as OpenAI's finish reasons; unknown ones pass through. */
    static String finishReason(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        switch (stopReason) {
            case "end_turn":
            case "stop_sequence":
                return "stop";
            case "max_tokens":
                return "length";
            case "tool_use":
                return "tool_calls";
            case "refusal":
                return "content_filter";
            default:
                return stopReason;
        }
    }

    /** The {@code /v1/messages} body: system messages go to {@code system}, the rest to {@code messages}. */
    public String requestBody(List<Message> messages, ChatOptions o, boolean stream) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", model);
        body.put("max_tokens", o.maxTokens() != null ? o.maxTokens() : defaultMaxTokens);
        StringBuilder system = new StringBuilder();
        List<Object> wire = new ArrayList<>();
        for (Message m : messages) {
            if (m.role() == Role.SYSTEM) {
                if (system.length() > 0) {
                    system.append("\n\n");
                }
                system.append(m.content());
            } else if (m.role() == Role.TOOL) {
                throw new IllegalArgumentException("Anthropic takes tool results as content blocks of a user message, "
                        + "which this client does not build; send the tool result as a human message instead");
            } else {
                Map<String, Object> w = new LinkedHashMap<>();
                w.put("role", m.role().wireName());
                w.put("content", m.content());
                wire.add(w);
            }
        }
        if (system.length() > 0) {
            body.put("system", system.toString());
        }
        body.put("messages", wire);
        if (o.temperature() != null) {
            body.put("temperature", o.temperature());
        }
        if (o.topP() != null) {
            body.put("top_p", o.topP());
        }
        if (o.stop() != null) {
            body.put("stop_sequences", o.stop());
        }
        if (stream) {
            body.put("stream", true);
        }
        body.putAll(o.extra());
        return JsonSupport.write(body);
    }

    /** A blocking call. */
    public AIMessage invoke(ChatRequest request) {
        String body = http.post(baseUrl.resolve("/v1/messages"), requestBody(request.messages(), request.options(), false), headers);
        JsonParser p = JsonSupport.parser(body);
        try (p) {
            JsonSupport.expect(p, JsonToken.START_OBJECT, "a JSON object");
            String id = null;
            String answerModel = null;
            StringBuilder text = new StringBuilder();
            String stopReason = null;
            String stopSequence = null;
            long[] usage = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "id": id = JsonSupport.string(p); break;
                    case "model": answerModel = JsonSupport.string(p); break;
                    case "content": content(p, text); break;
                    case "stop_reason": stopReason = JsonSupport.string(p); break;
                    case "stop_sequence": stopSequence = JsonSupport.string(p); break;
                    case "usage": usage = usage(p); break;
                    default: p.skipChildren();
                }
            }
            JsonSupport.requireEnd(p);
            Map<String, Object> extra = new LinkedHashMap<>();
            if (stopReason != null) {
                extra.put("stop_reason", stopReason);
            }
            if (stopSequence != null) {
                extra.put("stop_sequence", stopSequence);
            }
            Usage u = usage == null ? null : new Usage(usage[0], usage[1], usage[0] + usage[1]);
            ResponseInfo info = new ResponseInfo(id, answerModel, null, u, extra);
            return new AIMessage(List.of(new Choice(0, text.toString(), null, null, finishReason(stopReason))), info, body);
        } catch (IOException e) {
            throw malformed(p, e);
        }
    }

    /** Concatenates the text of {@code content}'s text blocks; other blocks (tool use, thinking) are skipped. */
    private static void content(JsonParser p, StringBuilder text) throws IOException {
        JsonSupport.require(p, JsonToken.START_ARRAY, "content to be an array of blocks");
        while (p.nextToken() != JsonToken.END_ARRAY) {
            JsonSupport.require(p, JsonToken.START_OBJECT, "a content block");
            String type = null;
            String blockText = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "type": type = JsonSupport.string(p); break;
                    case "text": blockText = JsonSupport.string(p); break;
                    default: p.skipChildren();
                }
            }
            if ("text".equals(type) && blockText != null) {
                text.append(blockText);
            }
        }
    }

    /** {@code [input_tokens, output_tokens]}, missing counts as 0. */
    private static long[] usage(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        JsonSupport.require(p, JsonToken.START_OBJECT, "usage to be an object");
        long[] out = new long[2];
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "input_tokens": out[0] = JsonSupport.integer(p, 0); break;
                case "output_tokens": out[1] = JsonSupport.integer(p, 0); break;
                default: p.skipChildren();
            }
        }
        return out;
    }

    /** Opens a stream. */
    public ChunkSource stream(ChatRequest request) {
        InputStream in = http.postForStream(baseUrl.resolve("/v1/messages"),
                requestBody(request.messages(), request.options(), true), headers);
        return new Source(new SseReader(in));
    }

    /**
     * An Anthropic event stream: {@code message_start} gives a first empty chunk with id and model,
     * each {@code text_delta} a text chunk, {@code message_delta} the finish reason and the usage
     * (input tokens from {@code message_start}, output tokens as counted at the end, sent once so that
     * adding chunks counts them once), {@code message_stop} ends it, {@code error} fails it.
     */
    private static final class Source implements ChunkSource {
        private final SseReader reader;
        private long inputTokens;
        private boolean finished;
        private boolean closed;

        Source(SseReader reader) {
            this.reader = reader;
        }

        @Override
        public AIMessageChunk next() {
            if (closed || finished) {
                return null;
            }
            while (true) {
                SseReader.Event event = reader.next();
                if (event == null) {
                    throw new IncompleteStreamException("the Anthropic stream ended at byte " + reader.offset()
                            + " before message_stop", null, 0, null);
                }
                if (event.data() == null) {
                    continue;
                }
                AIMessageChunk chunk = parse(event.data());
                if (finished || chunk != null) {
                    return chunk;
                }
            }
        }

        /** One event's chunk, or null for events without one (ping, block start/stop); sets finished at message_stop. */
        private AIMessageChunk parse(String data) {
            JsonParser p = JsonSupport.parser(data);
            try (p) {
                JsonSupport.expect(p, JsonToken.START_OBJECT, "a JSON object");
                String type = null;
                String id = null;
                String answerModel = null;
                String text = null;
                String stopReason = null;
                String stopSequence = null;
                long[] usage = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    p.nextToken();
                    switch (field) {
                        case "type":
                            type = JsonSupport.string(p);
                            break;
                        case "message": // message_start
                            JsonSupport.require(p, JsonToken.START_OBJECT, "message to be an object");
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String f = p.currentName();
                                p.nextToken();
                                switch (f) {
                                    case "id": id = JsonSupport.string(p); break;
                                    case "model": answerModel = JsonSupport.string(p); break;
                                    case "usage": usage = usage(p); break;
                                    default: p.skipChildren();
                                }
                            }
                            break;
                        case "delta": // content_block_delta or message_delta
                            JsonSupport.require(p, JsonToken.START_OBJECT, "delta to be an object");
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String f = p.currentName();
                                p.nextToken();
                                switch (f) {
                                    case "text": text = JsonSupport.string(p); break;
                                    case "stop_reason": stopReason = JsonSupport.string(p); break;
                                    case "stop_sequence": stopSequence = JsonSupport.string(p); break;
                                    default: p.skipChildren();
                                }
                            }
                            break;
                        case "usage": // message_delta
                            usage = usage(p);
                            break;
                        case "error": {
                            p.skipChildren();
                            break;
                        }
                        default:
                            p.skipChildren();
                    }
                }
                JsonSupport.requireEnd(p);
                if (type == null) {
                    throw malformed(p, "an event has no 'type'");
                }
                switch (type) {
                    case "message_start": {
                        inputTokens = usage == null ? 0 : usage[0];
                        ResponseInfo info = new ResponseInfo(id, answerModel, null, null, null);
                        return AIMessageChunk.of(List.of(new Choice(0, "", null, null, null)), info, data);
                    }
                    case "content_block_delta":
                        return text == null ? null : AIMessageChunk.of(List.of(new Choice(0, text, null, null, null)), null, data);
                    case "message_delta": {
                        long output = usage == null ? 0 : usage[1];
                        Map<String, Object> extra = new LinkedHashMap<>();
                        if (stopReason != null) {
                            extra.put("stop_reason", stopReason);
                        }
                        if (stopSequence != null) {
                            extra.put("stop_sequence", stopSequence);
                        }
                        ResponseInfo info = new ResponseInfo(null, null, null,
                                new Usage(inputTokens, output, inputTokens + output), extra);
                        return AIMessageChunk.of(List.of(new Choice(0, "", null, null, finishReason(stopReason))), info, data);
                    }
                    case "message_stop":
                        finished = true;
                        return null;
                    case "error": {
                        String[] err = errorObject(data);
                        throw new ProviderException(0, err[0], null, null, err[1], data);
                    }
                    default:
                        return null; // ping, content_block_start, content_block_stop
                }
            } catch (IOException e) {
                throw malformed(p, e);
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                reader.close();
            }
        }
    }
}
