package dev.logprobs4j.tgi.internal;

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
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.ResponseInfo;
import dev.logprobs4j.Usage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The wire side of {@code TgiChatModel}: request bodies, calls, answers to messages and chunks. Immutable and thread-safe. */
public final class TgiClient {

    private final URI baseUrl;
    private final HttpTransport http;
    private final Map<String, String> headers;
    private final String model;
    private final boolean promptLogprobs;

    public TgiClient(URI baseUrl, HttpTransport http, Map<String, String> headers, String model, boolean promptLogprobs) {
        this.baseUrl = baseUrl;
        this.http = http;
        this.headers = Map.copyOf(headers);
        this.model = model;
        this.promptLogprobs = promptLogprobs;
    }

    /** TGI's error body {@code {"error": "...", "error_type": "validation"}} as a {@link ProviderException}. */
    public static ProviderException error(int status, String body) {
        String message = null;
        String type = null;
        try (JsonParser p = JsonSupport.parser(body)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken t = p.nextToken();
                    if (field.equals("error") && t.isScalarValue()) {
                        message = p.getText();
                    } else if (field.equals("error_type") && t.isScalarValue()) {
                        type = p.getText();
                    } else {
                        p.skipChildren();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: the body is the message
        }
        return new ProviderException(status, type, null, null, message != null ? message : body.strip(), body);
    }

    /** The {@code /generate} or {@code /generate_stream} body. */
    public String requestBody(String inputs, ChatOptions o, boolean stream) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("details", true); // finish reason, token count and the tokens live in details
        if (o.maxTokens() != null) {
            parameters.put("max_new_tokens", o.maxTokens());
        }
        if (o.temperature() != null) {
            if (o.temperature() == 0.0) {
                parameters.put("do_sample", false); // TGI wants temperature > 0; greedy is "no sampling"
            } else {
                parameters.put("temperature", o.temperature());
            }
        }
        if (o.topP() != null && o.topP() < 1.0) {
            parameters.put("top_p", o.topP()); // TGI wants top_p < 1; 1 is "no nucleus cut", its default
        }
        if (o.seed() != null) {
            parameters.put("seed", o.seed());
        }
        if (o.stop() != null) {
            parameters.put("stop", o.stop());
        }
        if (o.wantsLogprobs() && o.topLogprobs() != null && o.topLogprobs() > 0) {
            parameters.put("top_n_tokens", o.topLogprobs());
        }
        if (promptLogprobs && !stream) {
            parameters.put("decoder_input_details", true); // TGI refuses it on streams
        }
        parameters.putAll(o.extra());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("inputs", inputs);
        body.put("parameters", parameters);
        if (stream) {
            body.put("stream", true);
        }
        return JsonSupport.write(body);
    }

    /** A blocking call. */
    public AIMessage invoke(ChatRequest request, String inputs) {
        ChatOptions o = request.options();
        String body = http.post(baseUrl.resolve("/generate"), requestBody(inputs, o, false), headers);
        TgiParser.Result r = TgiParser.parseGenerate(body, top(o));
        Map<String, Object> extra = new LinkedHashMap<>();
        if (r.prefill() != null) {
            extra.put("prefill", r.prefill());
        }
        if (r.seed() != null) {
            extra.put("seed", r.seed());
        }
        ResponseInfo info = new ResponseInfo(null, model, null, usage(r.prefill(), r.generatedTokens()), extra);
        Logprobs logprobs = o.wantsLogprobs() ? Logprobs.of(r.tokens()) : null;
        return new AIMessage(List.of(new Choice(0, r.text(), null, logprobs, r.finishReason())), info, body);
    }

    /** Opens a stream. */
    public ChunkSource stream(ChatRequest request, String inputs) {
        ChatOptions o = request.options();
        InputStream in = http.postForStream(baseUrl.resolve("/generate_stream"), requestBody(inputs, o, true), headers);
        return new Source(new SseReader(in), o.wantsLogprobs(), top(o), model);
    }

    /**
     * Token counts: completion from {@code generated_tokens}; prompt from the prefill when
     * {@code decoder_input_details} was asked, else 0 (TGI does not report it otherwise).
     */
    static Usage usage(List<Object> prefill, long generated) {
        if (generated < 0) {
            return null;
        }
        long prompt = prefill == null ? 0 : prefill.size();
        return new Usage(prompt, generated, prompt + generated);
    }

    private static int top(ChatOptions o) {
        return o.topLogprobs() == null ? 0 : o.topLogprobs();
    }

    /** A TGI stream: a first chunk with empty logprobs, then one chunk per token event; the event with {@code details} ends it. */
    private static final class Source implements ChunkSource {
        private final SseReader reader;
        private final boolean logprobs;
        private final int top;
        private final String model;
        private boolean started;
        private boolean finished;
        private boolean closed;

        Source(SseReader reader, boolean logprobs, int top, String model) {
            this.reader = reader;
            this.logprobs = logprobs;
            this.top = top;
            this.model = model;
        }

        @Override
        public AIMessageChunk next() {
            if (closed || finished) {
                return null;
            }
            if (!started) {
                started = true;
                ResponseInfo info = new ResponseInfo(null, model, null, null, null);
                return AIMessageChunk.of(List.of(new Choice(0, "", null, logprobs ? Logprobs.EMPTY : null, null)), info, null);
            }
            while (true) {
                SseReader.Event event = reader.next();
                if (event == null) {
                    throw new IncompleteStreamException("the TGI stream ended at byte " + reader.offset()
                            + " before its last event (the one with 'details')", null, 0, null);
                }
                if (event.data() == null || event.data().isBlank()) {
                    continue;
                }
                TgiParser.Result r = TgiParser.parseEvent(event.data(), top);
                if (r.error() != null) {
                    ProviderException e = r.error();
                    throw new ProviderException(0, e.type(), null, null, e.providerMessage(), event.data());
                }
                ResponseInfo info = null;
                if (r.finishReason() != null || r.generatedTokens() >= 0) {
                    finished = true;
                    Map<String, Object> extra = r.seed() == null ? Map.of() : Map.of("seed", r.seed());
                    info = new ResponseInfo(null, null, null, usage(null, r.generatedTokens()), extra);
                }
                Logprobs lp = logprobs ? Logprobs.of(r.tokens()) : null;
                return AIMessageChunk.of(List.of(new Choice(0, r.text(), null, lp, r.finishReason())), info, event.data());
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
