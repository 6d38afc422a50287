package dev.logprobs4j.anthropic.internal;

import static dev.logprobs4j.http.internal.JsonSupport.malformed;

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
import dev.logprobs4j.ResponseInfo;
import dev.logprobs4j.Role;
import dev.logprobs4j.Usage;
import dev.logprobs4j.http.internal.JsonSupport;
import dev.logprobs4j.http.internal.SseReader;
import dev.logprobs4j.http.internal.Transport;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The wire side of {@code AnthropicChatModel}: Messages API requests, answers and events. Immutable and thread-safe. */
public final class AnthropicClient {

    private final URI baseUrl;
    private final Transport http;
    private final String model;
    private final int defaultMaxTokens;

    public AnthropicClient(URI baseUrl, Transport http, String model, int defaultMaxTokens) {
        this.baseUrl = baseUrl;
        this.http = http;
        this.model = model;
        this.defaultMaxTokens = defaultMaxTokens;
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
        String body = http.readAll(http.post(baseUrl.resolve("/v1/messages"),
                requestBody(request.messages(), request.options(), false).getBytes(StandardCharsets.UTF_8), false));
        JsonParser p = JsonSupport.parser(body);
        try (p) {
            JsonSupport.expect(p, JsonToken.START_OBJECT, "a JSON object");
            Fields m = new Fields();
            StringBuilder text = new StringBuilder();
            m.readObject(p, field -> {
                if (field.equals("content")) {
                    content(p, text);
                } else {
                    p.skipChildren();
                }
            });
            JsonSupport.requireEnd(p);
            long[] usage = m.usage;
            Usage u = usage == null ? null : new Usage(usage[0], usage[1], usage[0] + usage[1]);
            ResponseInfo info = new ResponseInfo(m.id, m.model, null, u, m.stopExtra());
            return new AIMessage(List.of(new Choice(0, text.toString(), null, null, finishReason(m.stopReason))), info, body);
        } catch (IOException e) {
            throw malformed(p, e);
        }
    }

    /**
     * The message fields the blocking answer and the stream's events share ({@code id}, {@code model},
     * {@code text}, {@code stop_reason}, {@code stop_sequence}, {@code usage}), as read so far.
     */
    private static final class Fields {
        String id;
        String model;
        String text;
        String stopReason;
        String stopSequence;
        long[] usage;

        /** Reads the current object's fields until its end; {@code other} reads (or skips) the fields not shared. */
        void readObject(JsonParser p, OtherField other) throws IOException {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "id" -> id = JsonSupport.string(p);
                    case "model" -> model = JsonSupport.string(p);
                    case "text" -> text = JsonSupport.string(p);
                    case "stop_reason" -> stopReason = JsonSupport.string(p);
                    case "stop_sequence" -> stopSequence = JsonSupport.string(p);
                    case "usage" -> usage = usage(p);
                    default -> other.read(field);
                }
            }
        }

        /** {@code stop_reason} and {@code stop_sequence} for {@code ResponseInfo.extra()}, those that were sent. */
        Map<String, Object> stopExtra() {
            Map<String, Object> extra = new LinkedHashMap<>();
            if (stopReason != null) {
                extra.put("stop_reason", stopReason);
            }
            if (stopSequence != null) {
                extra.put("stop_sequence", stopSequence);
            }
            return extra;
        }
    }

    /** Reads one field {@link Fields} does not know, the parser on its value. */
    private interface OtherField {
        void read(String field) throws IOException;
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
        Transport.Opened opened = http.post(baseUrl.resolve("/v1/messages"),
                requestBody(request.messages(), request.options(), true).getBytes(StandardCharsets.UTF_8), true);
        return new Source(new SseReader(opened.body()));
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
                SseReader.Event event = reader.nextOrIncomplete();
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
                String[] type = new String[1];
                Fields m = new Fields();
                // message_start nests the message's id, model and usage in 'message'; deltas nest text and stop in 'delta'.
                m.readObject(p, field -> {
                    switch (field) {
                        case "type" -> type[0] = JsonSupport.string(p);
                        case "message", "delta" -> {
                            JsonSupport.require(p, JsonToken.START_OBJECT, field + " to be an object");
                            m.readObject(p, f -> p.skipChildren());
                        }
                        default -> p.skipChildren();
                    }
                });
                JsonSupport.requireEnd(p);
                String text = m.text;
                long[] usage = m.usage;
                if (type[0] == null) {
                    throw malformed(p, "an event has no 'type'");
                }
                switch (type[0]) {
                    case "message_start": {
                        inputTokens = usage == null ? 0 : usage[0];
                        ResponseInfo info = new ResponseInfo(m.id, m.model, null, null, null);
                        return AIMessageChunk.of(List.of(new Choice(0, "", null, null, null)), info, data);
                    }
                    case "content_block_delta":
                        return text == null ? null : AIMessageChunk.of(List.of(new Choice(0, text, null, null, null)), null, data);
                    case "message_delta": {
                        long output = usage == null ? 0 : usage[1];
                        ResponseInfo info = new ResponseInfo(null, null, null,
                                new Usage(inputTokens, output, inputTokens + output), m.stopExtra());
                        return AIMessageChunk.of(List.of(new Choice(0, "", null, null, finishReason(m.stopReason))), info, data);
                    }
                    case "message_stop":
                        finished = true;
                        return null;
                    case "error":
                        throw JsonSupport.providerError(0, data);
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
