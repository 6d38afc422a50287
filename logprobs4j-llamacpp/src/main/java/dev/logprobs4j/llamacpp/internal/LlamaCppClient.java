package dev.logprobs4j.llamacpp.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatRequest;
import dev.logprobs4j.Choice;
import dev.logprobs4j.ChunkSource;
import dev.logprobs4j.IncompleteStreamException;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.MalformedResponseException;
import dev.logprobs4j.Message;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.ResponseInfo;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The wire side of {@code LlamaCppCompletionModel}: builds {@code /completion} requests, renders the
 * prompt, sends them and turns answers into messages and chunks. Immutable and thread-safe.
 */
public final class LlamaCppClient {

    private final URI baseUrl;
    private final HttpTransport http;
    private final Map<String, String> headers;
    private final boolean serverTemplate;
    private final Function<List<Message>, String> renderer;
    private final boolean postSamplingProbs;

    public LlamaCppClient(URI baseUrl, HttpTransport http, Map<String, String> headers, boolean serverTemplate,
                          Function<List<Message>, String> renderer, boolean postSamplingProbs) {
        this.baseUrl = baseUrl;
        this.http = http;
        this.headers = Map.copyOf(headers);
        this.serverTemplate = serverTemplate;
        this.renderer = renderer;
        this.postSamplingProbs = postSamplingProbs;
    }

    /**
     * llama.cpp's error body {@code {"error": {"code", "message", "type"}}} (or, in a stream's
     * {@code error:} line, the inner object alone) as a {@link ProviderException}.
     */
    public static ProviderException error(int status, String body) {
        String type = null;
        String code = null;
        String message = null;
        try (JsonParser p = JsonSupport.parser(body)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken t = p.nextToken();
                    if (field.equals("error") && t == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            JsonToken v = p.nextToken();
                            switch (f) {
                                case "message": message = v.isScalarValue() ? p.getText() : null; break;
                                case "type": type = v.isScalarValue() ? p.getText() : null; break;
                                case "code": code = v.isScalarValue() ? p.getText() : null; break;
                                default: p.skipChildren();
                            }
                        }
                    } else if (field.equals("error") && t == JsonToken.VALUE_STRING) {
                        message = p.getText();
                    } else if (t.isScalarValue() && field.equals("message")) {
                        message = p.getText(); // an error: line of a stream holds the error object itself
                    } else if (t.isScalarValue() && field.equals("type")) {
                        type = p.getText();
                    } else if (t.isScalarValue() && field.equals("code")) {
                        code = p.getText();
                    } else {
                        p.skipChildren();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not JSON (a proxy's page, say): the body itself is the message
        }
        return new ProviderException(status, type, code, null, message != null ? message : body.strip(), body);
    }

    /** The prompt for these messages: the server's chat template ({@code POST /apply-template}) or the renderer. */
    public String prompt(List<Message> messages) {
        if (!serverTemplate) {
            return renderer.apply(messages);
        }
        List<Object> wire = new ArrayList<>(messages.size());
        for (Message m : messages) {
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("role", m.role().wireName());
            w.put("content", m.content());
            wire.add(w);
        }
        String body = http.post(baseUrl.resolve("/apply-template"), JsonSupport.write(Map.of("messages", wire)), headers);
        JsonParser p = JsonSupport.parser(body);
        try (p) {
            JsonSupport.expect(p, JsonToken.START_OBJECT, "a JSON object");
            String prompt = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("prompt")) {
                    prompt = JsonSupport.string(p);
                } else {
                    p.skipChildren();
                }
            }
            if (prompt == null) {
                throw JsonSupport.malformed(p, "/apply-template answered without a 'prompt'");
            }
            return prompt;
        } catch (IOException e) {
            throw JsonSupport.malformed(p, e);
        }
    }

    /** The {@code /completion} request body. */
    public String requestBody(String prompt, ChatOptions o, boolean stream) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("prompt", prompt);
        body.put("stream", stream);
        if (o.maxTokens() != null) {
            body.put("n_predict", o.maxTokens());
        }
        if (o.temperature() != null) {
            body.put("temperature", o.temperature());
        }
        if (o.topP() != null) {
            body.put("top_p", o.topP());
        }
        if (o.seed() != null) {
            body.put("seed", o.seed());
        }
        if (o.stop() != null) {
            body.put("stop", o.stop());
        }
        if (o.wantsLogprobs()) {
            // llama.cpp sends no probabilities at all with n_probs 0, so ask for at least one
            body.put("n_probs", Math.max(1, o.topLogprobs() == null ? 0 : o.topLogprobs()));
            if (postSamplingProbs) {
                body.put("post_sampling_probs", true);
            }
        }
        body.putAll(o.extra());
        return JsonSupport.write(body);
    }

    /** A blocking call. */
    public AIMessage invoke(ChatRequest request) {
        ChatOptions o = request.options();
        String json = requestBody(prompt(request.messages()), o, false);
        String body = http.post(baseUrl.resolve("/completion"), json, headers);
        CompletionParser.Result r = CompletionParser.parse(body, topLogprobs(o));
        Logprobs logprobs = null;
        if (o.wantsLogprobs()) {
            if (r.tokens() == null) {
                throw new MalformedResponseException("logprobs were requested but the answer has no completion_probabilities",
                        "$.completion_probabilities", null);
            }
            logprobs = Logprobs.of(r.tokens());
        }
        ResponseInfo info = new ResponseInfo(null, r.model(), null, r.usage(), r.extra());
        return new AIMessage(List.of(new Choice(0, r.content(), null, logprobs, r.finishReason())), info, body);
    }

    /** Opens a stream. */
    public ChunkSource stream(ChatRequest request) {
        ChatOptions o = request.options();
        String json = requestBody(prompt(request.messages()), o, true);
        InputStream in = http.postForStream(baseUrl.resolve("/completion"), json, headers);
        return new Source(new SseReader(in), o.wantsLogprobs(), topLogprobs(o));
    }

    private static int topLogprobs(ChatOptions o) {
        return o.topLogprobs() == null ? 0 : o.topLogprobs();
    }

    /**
     * A llama.cpp stream: first a chunk with empty logprobs (as OpenAI's first chunk), then one chunk
     * per {@code data:} event, ending with the {@code stop: true} event, whose
     * {@code completion_probabilities} (older servers repeat all of them there) are not added again.
     */
    private static final class Source implements ChunkSource {
        private final SseReader reader;
        private final boolean logprobs;
        private final int top;
        private boolean started;
        private boolean finished;
        private boolean closed;

        Source(SseReader reader, boolean logprobs, int top) {
            this.reader = reader;
            this.logprobs = logprobs;
            this.top = top;
        }

        @Override
        public AIMessageChunk next() {
            if (closed || finished) {
                return null;
            }
            if (!started) {
                started = true;
                return AIMessageChunk.of(List.of(new Choice(0, "", null, logprobs ? Logprobs.EMPTY : null, null)), null, null);
            }
            while (true) {
                SseReader.Event event = reader.next();
                if (event == null) {
                    throw new IncompleteStreamException("the llama.cpp stream ended at byte " + reader.offset()
                            + " before its 'stop: true' event", null, 0, null);
                }
                if (event.error() != null) {
                    ProviderException e = error(0, event.error());
                    throw e;
                }
                if (event.data() == null || event.data().equals("[DONE]")) {
                    continue;
                }
                CompletionParser.Result r = CompletionParser.parse(event.data(), top);
                Logprobs lp = null;
                if (logprobs) {
                    lp = r.stop() || r.tokens() == null ? Logprobs.EMPTY : Logprobs.of(r.tokens());
                }
                ResponseInfo info = null;
                if (r.stop()) {
                    finished = true;
                    info = new ResponseInfo(null, r.model(), null, r.usage(), r.extra());
                }
                return AIMessageChunk.of(List.of(new Choice(0, r.content(), null, lp, r.finishReason())), info, event.data());
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
