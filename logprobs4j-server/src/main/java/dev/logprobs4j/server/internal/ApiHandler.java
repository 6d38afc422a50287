package dev.logprobs4j.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatStream;
import dev.logprobs4j.Choice;
import dev.logprobs4j.LogprobsException;
import dev.logprobs4j.local.ContextLengthException;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.UnsupportedCapabilityException;
import dev.logprobs4j.Usage;
import dev.logprobs4j.server.PromptLogprobs;
import dev.logprobs4j.server.ServedModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The OpenAI-compatible routes on Jetty's core Handler API. Each request runs on its own virtual
 * thread, so reading the body, generating and writing block plainly. Thread-safe.
 */
public final class ApiHandler extends Handler.Abstract {

    private static final Logger LOG = Logger.getLogger("dev.logprobs4j.server");
    private static final String JSON_TYPE = "application/json";

    private final ServedModel model;
    private final Set<String> modelNames;
    private final byte[] apiKeyDigest; // null: no key required
    private final long maxBodyBytes;
    private final Admission admission;
    private final long timeoutNanos;
    private final Counters counters;
    private final long created = System.currentTimeMillis() / 1000;
    private final ObjectMapper mapper;
    private final ExecutorService workers; // platform threads, one per generation slot

    public ApiHandler(ServedModel model, Set<String> modelNames, String apiKey, long maxBodyBytes, Admission admission,
                      long timeoutNanos, Counters counters, ExecutorService workers) {
        super(InvocationType.BLOCKING);
        this.model = model;
        this.modelNames = Set.copyOf(modelNames);
        this.apiKeyDigest = apiKey == null ? null : sha256(apiKey);
        this.maxBodyBytes = maxBodyBytes;
        this.admission = admission;
        this.timeoutNanos = timeoutNanos;
        this.counters = counters;
        this.workers = workers;
        JsonMapper m = JsonMapper.builder().build();
        m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
        this.mapper = m;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        counters.requests.increment();
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            route(request, response, callback, deadline);
        } catch (ApiException e) {
            if (e.status() == 429 || e.status() == 503) {
                counters.rejected.increment();
            }
            sendError(response, callback, e);
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "request " + request.getMethod() + " " + request.getHttpURI().getPath() + " failed", t);
            sendError(response, callback, new ApiException(500, "server_error", null, null,
                    "The server had an error while processing your request."));
        }
        return true;
    }

    private void route(Request request, Response response, Callback callback, long deadline) throws IOException {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        switch (path) {
            case "/health" -> {
                allow(method, "GET");
                send(response, callback, 200, "{\"status\":\"ok\"}".getBytes(StandardCharsets.US_ASCII));
            }
            case "/v1/models" -> {
                authorize(request);
                allow(method, "GET");
                send(response, callback, 200, OpenAiJson.modelList(model.modelName(), created, model.contextLength()));
            }
            case "/v1/chat/completions" -> {
                authorize(request);
                allow(method, "POST");
                JsonNode json = body(request);
                ChatCompletionRequest req = ChatCompletionRequest.parse(json);
                chat(req, TokenIds.requested(json, req.options()), request, response, callback, deadline);
            }
            case "/v1/classify" -> {
                authorize(request);
                allow(method, "POST");
                ClassifyRoute.Request req = ClassifyRoute.parse(body(request));
                checkModel(req.model(), dev.logprobs4j.ChatOptions.NONE, false);
                runAdmitted(deadline, () -> send(response, callback, 200,
                        ClassifyRoute.json(model.modelName(), open(() -> ClassifyRoute.run(model, req)))));
            }
            case "/v1/completions" -> {
                authorize(request);
                allow(method, "POST");
                complete(CompletionRequest.parse(body(request)), request, response, callback, deadline);
            }
            default -> {
                if (path.startsWith("/v1/models/")) {
                    authorize(request);
                    allow(method, "GET");
                    String id = path.substring("/v1/models/".length());
                    if (!modelNames.contains(id)) {
                        throw modelNotFound(id, null);
                    }
                    send(response, callback, 200, OpenAiJson.model(model.modelName(), created, model.contextLength()));
                    return;
                }
                throw new ApiException(404, "invalid_request_error", null, "unknown_url",
                        "Invalid URL (" + method + " " + path + "): this server has POST /v1/chat/completions, "
                                + "POST /v1/completions, POST /v1/classify, GET /v1/models and GET /health.");
            }
        }
    }

    private static void allow(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw ApiException.methodNotAllowed(method, allowed);
        }
    }

    private void authorize(Request request) {
        if (apiKeyDigest == null) {
            return;
        }
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        String given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
        // Comparing fixed-length digests with isEqual takes the same time wherever the keys differ.
        if (given == null || !MessageDigest.isEqual(sha256(given), apiKeyDigest)) {
            throw new ApiException(401, "invalid_request_error", null, "invalid_api_key", given == null
                    ? "You didn't provide an API key. Send it as 'Authorization: Bearer KEY'."
                    : "Incorrect API key provided.");
        }
    }

    private JsonNode body(Request request) throws IOException {
        long declared = request.getLength();
        if (declared > maxBodyBytes) {
            throw tooLarge(declared);
        }
        byte[] buf = new byte[(int) Math.min(maxBodyBytes + 1, declared >= 0 ? declared + 1 : 8192)];
        int n = 0;
        try (InputStream in = Content.Source.asInputStream(request)) {
            while (true) {
                if (n == buf.length) {
                    if (n > maxBodyBytes) {
                        throw tooLarge(-1);
                    }
                    buf = java.util.Arrays.copyOf(buf, (int) Math.min(maxBodyBytes + 1, (long) n * 2));
                }
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
                if (n > maxBodyBytes) {
                    throw tooLarge(-1);
                }
            }
        }
        if (n == 0) {
            throw ApiException.invalid(null, null, "The request body is empty: send a JSON object.");
        }
        try {
            JsonNode node = mapper.readTree(buf, 0, n);
            if (node == null || node.isMissingNode()) {
                throw ApiException.invalid(null, null, "The request body is empty: send a JSON object.");
            }
            return node;
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw ApiException.invalid(null, null, "We could not parse the JSON body of your request"
                    + (loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")")
                    + ": " + e.getOriginalMessage() + ". The API expects a JSON object.");
        }
    }

    private ApiException tooLarge(long declared) {
        return new ApiException(413, "invalid_request_error", null, "request_too_large",
                "The request body is larger than this server accepts (" + maxBodyBytes + " bytes"
                        + (declared >= 0 ? "; it declared " + declared : "") + ").");
    }

    private void checkModel(String requested, dev.logprobs4j.ChatOptions options, boolean stream) {
        if (!modelNames.contains(requested)) {
            throw modelNotFound(requested, "model");
        }
        try {
            model.capabilities().check(model.modelName(), options, stream);
        } catch (UnsupportedCapabilityException e) {
            throw ApiException.invalid(e.capability().replace(' ', '_'), "unsupported_value", e.getMessage());
        }
    }

    /** OpenAI's error for a prompt that does not fit: both numbers, and what the client or the operator can change. */
    static ApiException contextTooLong(ContextLengthException e) {
        return ApiException.invalid(null, "context_length_exceeded", e.getMessage()
                + "; shorten the prompt (messages or prompt), or start the server with a larger --context");
    }

    private ApiException modelNotFound(String name, String param) {
        return new ApiException(404, "invalid_request_error", param, "model_not_found",
                "The model `" + name + "` does not exist or you do not have access to it. This server serves `"
                        + model.modelName() + "`.");
    }

    // ---- chat completions ----

    private void chat(ChatCompletionRequest req, boolean tokenIds, Request request, Response response, Callback callback,
                      long deadline) throws IOException {
        checkModel(req.model(), req.options(), req.stream());
        Generation gen = new Generation(request, deadline);
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        long now = System.currentTimeMillis() / 1000;
        String name = model.modelName();
        boolean wantLogprobs = req.options().wantsLogprobs();
        runAdmitted(deadline, () -> {
            ChatStream stream = open(() -> model.chat(req.messages(), req.options()));
            if (!req.stream()) {
                Aggregate all = gen.collect(stream);
                List<Choice> choices = new ArrayList<>();
                for (Choice c : all.chunk.choices()) {
                    choices.add(new Choice(c.index(), c.content(), null,
                            wantLogprobs ? (c.logprobs() == null ? dev.logprobs4j.Logprobs.EMPTY : c.logprobs()) : null,
                            c.finishReason()));
                }
                send(response, callback, 200, OpenAiJson.chatCompletion(id, now, name, choices, all.usage(), tokenIds));
                return;
            }
            Sse sse = new Sse(response);
            boolean usageField = req.includeUsage();
            boolean[] started = new boolean[ChatCompletionRequest.MAX_N];
            Aggregate all = gen.pump(stream, sse, chunk -> {
                for (Choice c : chunk.choices()) {
                    int i = c.index();
                    if (!started[i]) {
                        started[i] = true;
                        sse.data(OpenAiJson.chatChunk(id, now, name, usageField, i, OpenAiJson.Delta.ROLE, "",
                                wantLogprobs ? List.of() : null, null));
                    }
                    List<TokenLogprob> lp = wantLogprobs && c.logprobs() != null ? c.logprobs().content() : List.of();
                    if (!c.content().isEmpty() || !lp.isEmpty()) {
                        sse.data(OpenAiJson.chatChunk(id, now, name, usageField, i, OpenAiJson.Delta.CONTENT, c.content(),
                                wantLogprobs ? lp : null, null, tokenIds));
                    }
                    if (c.finishReason() != null) {
                        sse.data(OpenAiJson.chatChunk(id, now, name, usageField, i, OpenAiJson.Delta.FINISH, null, null,
                                c.finishReason()));
                    }
                }
            });
            if (all != null) {
                if (usageField) {
                    sse.data(OpenAiJson.usageChunk(id, now, name, "chat.completion.chunk", all.usage()));
                }
                sse.done();
            }
            sse.end(callback);
        });
    }

    // ---- legacy text completions ----

    private void complete(CompletionRequest req, Request request, Response response, Callback callback, long deadline)
            throws IOException {
        checkModel(req.model(), req.options(), req.stream());
        Generation gen = new Generation(request, deadline);
        String id = "cmpl-" + UUID.randomUUID().toString().replace("-", "");
        long now = System.currentTimeMillis() / 1000;
        String name = model.modelName();
        boolean wantLogprobs = req.logprobs() >= 0;
        runAdmitted(deadline, () -> {
            PromptLogprobs promptScore = req.echo() && wantLogprobs ? open(() -> model.score(req.prompt(), req.logprobs())) : null;
            String echoed = req.echo() ? req.prompt() : "";
            ChatStream stream = open(() -> model.complete(req.prompt(), req.options()));
            if (!req.stream()) {
                Aggregate all = gen.collect(stream);
                List<OpenAiJson.TextChoice> choices = new ArrayList<>();
                for (Choice c : all.chunk.choices()) {
                    LegacyLogprobs lp = null;
                    if (wantLogprobs) {
                        lp = legacyStart(promptScore, req.prompt());
                        if (c.logprobs() != null) {
                            c.logprobs().content().forEach(lp::add);
                        }
                    }
                    choices.add(new OpenAiJson.TextChoice(c.index(), echoed + c.content(), lp, c.finishReason()));
                }
                send(response, callback, 200, OpenAiJson.textCompletion(id, now, name, choices, all.usage(), true));
                return;
            }
            Sse sse = new Sse(response);
            LegacyLogprobs[] offsets = new LegacyLogprobs[ChatCompletionRequest.MAX_N];
            Aggregate all = gen.pump(stream, sse, chunk -> {
                for (Choice c : chunk.choices()) {
                    int i = c.index();
                    if (offsets[i] == null) {
                        offsets[i] = wantLogprobs ? legacyStart(promptScore, req.prompt()) : null;
                        if (req.echo()) {
                            sse.data(OpenAiJson.textCompletion(id, now, name,
                                    List.of(new OpenAiJson.TextChoice(i, echoed, offsets[i], null)), null, req.includeUsage()));
                        }
                        if (offsets[i] == null) {
                            offsets[i] = new LegacyLogprobs(0); // marks the choice as started
                        }
                    }
                    LegacyLogprobs lp = null;
                    if (wantLogprobs) {
                        lp = new LegacyLogprobs(offsets[i].end());
                        if (c.logprobs() != null) {
                            c.logprobs().content().forEach(lp::add);
                        }
                        offsets[i] = lp;
                    }
                    if (!c.content().isEmpty() || lp != null && lp.size() > 0 || c.finishReason() != null) {
                        sse.data(OpenAiJson.textCompletion(id, now, name,
                                List.of(new OpenAiJson.TextChoice(i, c.content(), lp != null && lp.size() > 0 ? lp : null,
                                        c.finishReason())), null, req.includeUsage()));
                    }
                }
            });
            if (all != null) {
                if (req.includeUsage()) {
                    sse.data(OpenAiJson.usageChunk(id, now, name, "text_completion", all.usage()));
                }
                sse.done();
            }
            sse.end(callback);
        });
    }

    /** The legacy logprobs of the echoed prompt, or an empty list starting after the prompt. */
    private static LegacyLogprobs legacyStart(PromptLogprobs promptScore, String prompt) {
        if (promptScore == null) {
            return new LegacyLogprobs(prompt.length());
        }
        LegacyLogprobs lp = new LegacyLogprobs(0);
        List<String> unscored = promptScore.unscored();
        for (int i = 0; i < unscored.size(); i++) {
            lp.addUnscored(unscored.get(i), i == 0 && promptScore.bosFirst());
        }
        promptScore.scored().content().forEach(lp::add);
        return lp;
    }

    // ---- generation plumbing ----

    /** Work of an admitted request: generating and writing the answer. */
    @FunctionalInterface
    private interface Work {
        void run() throws IOException;
    }

    /**
     * Waits for a generation slot, then runs {@code work} on a platform worker thread. Generating is
     * CPU-bound and never parks: on the virtual threads that carry requests it would pin every
     * carrier and starve Jetty's I/O (measured: streamed tokens arrived in one burst at the end).
     */
    private void runAdmitted(long deadline, Work work) throws IOException {
        admission.enter(deadline - System.nanoTime());
        counters.started.increment();
        counters.active.incrementAndGet();
        try {
            Future<?> done = workers.submit(() -> {
                work.run();
                return null;
            });
            try {
                done.get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof IOException io) {
                    throw io;
                }
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(cause);
            } catch (InterruptedException e) {
                done.cancel(true);
                Thread.currentThread().interrupt();
                throw new ApiException(503, "server_error", null, "shutting_down", "The server is shutting down.", "2");
            }
        } finally {
            counters.active.decrementAndGet();
            admission.leave();
        }
    }

    /** Runs a model call, turning its complaints about the request into 400s. */
    private static <T> T open(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (UnsupportedCapabilityException e) {
            throw ApiException.invalid(e.capability().replace(' ', '_'), "unsupported_value", e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(null, "invalid_value", e.getMessage());
        }
    }

    /** The chunks of a generation added up, and the usage counted the OpenAI way. */
    private record Aggregate(AIMessageChunk chunk, long promptTokens, long completionTokens) {
        Usage usage() {
            return new Usage(promptTokens, completionTokens, promptTokens + completionTokens);
        }
    }

    /** Something done with each chunk as it arrives; may fail writing to the client. */
    @FunctionalInterface
    private interface ChunkSink {
        void accept(AIMessageChunk chunk) throws IOException;
    }

    /** One generation's deadline and cancellation, and the loops that drain its stream. */
    private final class Generation {
        private final long deadline;
        private final AtomicBoolean clientGone = new AtomicBoolean();

        Generation(Request request, long deadline) {
            this.deadline = deadline;
            // Jetty reports a connection that fails while the request is handled; stop at the next chunk.
            request.addFailureListener(t -> clientGone.set(true));
        }

        /** Reads the whole stream (for a non-streaming response). */
        Aggregate collect(ChatStream stream) {
            try (stream) {
                Aggregate all = new Aggregate(AIMessageChunk.empty(), 0, 0);
                for (AIMessageChunk chunk : stream) {
                    all = add(all, chunk);
                    if (clientGone.get()) {
                        counters.cancelled.increment();
                        throw new ApiException(499, "invalid_request_error", null, "client_closed", "The client went away.");
                    }
                    if (System.nanoTime() - deadline > 0) {
                        counters.cancelled.increment();
                        throw new ApiException(504, "timeout", null, "timeout",
                                "The request did not finish within the server's request timeout; ask for fewer tokens (max_tokens).");
                    }
                }
                counters.completed.increment();
                return all;
            } catch (ContextLengthException e) {
                throw contextTooLong(e);
            } catch (LogprobsException e) {
                throw ApiException.invalid(null, "invalid_value", e.getMessage());
            }
        }

        /**
         * Streams chunks to {@code sink} until the end, the deadline or the client leaves; closing
         * the stream stops the generation. Returns the total, or null when the stream was cut
         * (the client is gone, or an error event was sent).
         */
        Aggregate pump(ChatStream stream, Sse sse, ChunkSink sink) {
            try (stream) {
                Aggregate all = new Aggregate(AIMessageChunk.empty(), 0, 0);
                for (AIMessageChunk chunk : stream) {
                    all = add(all, chunk);
                    sink.accept(chunk);
                    if (clientGone.get()) {
                        counters.cancelled.increment();
                        return null;
                    }
                    if (System.nanoTime() - deadline > 0) {
                        counters.cancelled.increment();
                        sse.error(new ApiException(504, "timeout", null, "timeout",
                                "The request did not finish within the server's request timeout; ask for fewer tokens (max_tokens)."));
                        return null;
                    }
                }
                counters.completed.increment();
                return all;
            } catch (IOException e) {
                // The client went away mid-stream: leaving the try closes the stream, which stops the generation.
                counters.cancelled.increment();
                return null;
            } catch (LogprobsException | IllegalArgumentException e) {
                ApiException bad = e instanceof ContextLengthException c ? contextTooLong(c)
                        : ApiException.invalid(null, "invalid_value", e.getMessage());
                if (!sse.started()) {
                    throw bad; // nothing sent yet: answer with the status it deserves
                }
                sse.error(bad);
                return null;
            } catch (RuntimeException e) {
                if (!sse.started()) {
                    throw e;
                }
                LOG.log(Level.WARNING, "generation failed mid-stream", e);
                sse.error(new ApiException(500, "server_error", null, null, "The server had an error while processing your request."));
                return null;
            }
        }

        private Aggregate add(Aggregate all, AIMessageChunk chunk) {
            long prompt = all.promptTokens;
            long completion = all.completionTokens;
            Usage u = chunk.usage();
            if (u != null) {
                // With n > 1 each answer reports the same prompt: count it once, as OpenAI does.
                prompt = Math.max(prompt, u.promptTokens());
                completion += u.completionTokens();
                counters.completionTokens.add(u.completionTokens());
            }
            return new Aggregate(all.chunk.add(chunk), prompt, completion);
        }
    }

    /** A server-sent-events response: headers on the first event, a flush per event. Not thread-safe. */
    private static final class Sse {
        private final Response response;
        private OutputStream out;

        Sse(Response response) {
            this.response = response;
        }

        boolean started() {
            return out != null;
        }

        void data(byte[] json) throws IOException {
            write(OpenAiJson.event(json));
        }

        void done() throws IOException {
            write(OpenAiJson.DONE);
        }

        private void write(byte[] bytes) throws IOException {
            if (out == null) {
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
                out = Content.Sink.asOutputStream(response);
            }
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                // the client is gone; the caller stops the generation
                throw e;
            }
        }

        /** An OpenAI error event: the stream's answer when it fails after it began. */
        void error(ApiException e) {
            try {
                data(OpenAiJson.error(e));
            } catch (IOException ignored) {
                // the client is gone; the caller stops the generation
            }
        }

        void end(Callback callback) {
            if (out == null) {
                callback.succeeded();
                return;
            }
            try {
                out.close();
                callback.succeeded();
            } catch (IOException e) {
                callback.failed(e);
            }
        }
    }

    // ---- plain responses ----

    private static void send(Response response, Callback callback, int status, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON_TYPE);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static void sendError(Response response, Callback callback, ApiException e) {
        if (response.isCommitted()) {
            callback.failed(e); // headers are out: nothing more can be said; Jetty ends the exchange
            return;
        }
        if (e.allow() != null) {
            response.getHeaders().put(HttpHeader.ALLOW, e.allow());
        }
        if (e.retryAfterSeconds() != null) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, e.retryAfterSeconds());
        }
        send(response, callback, e.status(), OpenAiJson.error(e));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
