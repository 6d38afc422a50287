package dev.logprobs4j.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatStream;
import dev.logprobs4j.Choice;
import dev.logprobs4j.LogprobsException;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.UnsupportedCapabilityException;
import dev.logprobs4j.Usage;
import dev.logprobs4j.server.PromptLogprobs;
import dev.logprobs4j.server.ServedModel;
import java.io.IOException;
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
 * The OpenAI-compatible routes on Jetty's core Handler API. A request body is read without a thread
 * (Jetty calls back as bytes arrive, see {@link BodyReader}); the complete request then runs on its
 * own virtual thread, where waiting for a slot and writing block plainly, each write bounded by the
 * write timeout. Thread-safe.
 */
public final class ApiHandler extends Handler.Abstract {

    private static final Logger LOG = Logger.getLogger("dev.logprobs4j.server");
    /** One line a second at most about clients the server turned away (slow bodies, malformed requests). */
    private static final RateLimitedLog REJECTED = new RateLimitedLog(LOG, 1_000_000_000L);
    /** The same for the server's own failures, which keep their stack trace. */
    private static final RateLimitedLog FAILED = new RateLimitedLog(LOG, 1_000_000_000L);
    private static final String JSON_TYPE = "application/json";

    private final ServedModel model;
    private final Set<String> modelNames;
    private final byte[] apiKeyDigest; // null: no key required
    private final long maxBodyBytes;
    private final Admission admission;
    private final long timeoutNanos;
    private final Counters counters;
    private final long created = System.currentTimeMillis() / 1000;
    private final ExecutorService workers; // platform threads, one per generation slot
    private final Guards guards;

    /**
     * The limits that keep hostile or broken clients from taking the server's capacity: immutable.
     *
     * @param bodyTimeoutMillis  how long a request body may take to arrive in full; then 408
     * @param writeTimeoutMillis how long one streamed event may wait for the client to take it; then
     *                           the stream is cancelled and its generation slot freed
     * @param strictModel        refuse (404) a {@code model} that is not the served model's name or an alias
     * @param hostCheck          the {@code Host} and {@code Origin} rules
     */
    public record Guards(long bodyTimeoutMillis, long writeTimeoutMillis, boolean strictModel, HostCheck hostCheck) {
    }

    public ApiHandler(ServedModel model, Set<String> modelNames, String apiKey, long maxBodyBytes, Admission admission,
                      long timeoutNanos, Counters counters, ExecutorService workers, Guards guards) {
        super(InvocationType.BLOCKING);
        this.model = model;
        this.modelNames = Set.copyOf(modelNames);
        this.apiKeyDigest = apiKey == null ? null : sha256(apiKey);
        this.maxBodyBytes = maxBodyBytes;
        this.admission = admission;
        this.timeoutNanos = timeoutNanos;
        this.counters = counters;
        this.workers = workers;
        this.guards = guards;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        counters.requests.increment();
        long deadline = System.nanoTime() + timeoutNanos;
        guarded(request, response, callback, () -> route(request, response, callback, deadline));
        return true;
    }

    /** Runs {@code work}, answering its ApiException with the OpenAI error it describes and anything else with a 500. */
    private void guarded(Request request, Response response, Callback callback, Work work) {
        try {
            work.run();
        } catch (ApiException e) {
            if (e.status() == 429 || e.status() == 503) {
                counters.rejected.increment();
            }
            sendError(response, callback, e);
        } catch (Throwable t) {
            FAILED.warn("request " + request.getMethod() + " " + request.getHttpURI().getPath() + " failed", t);
            sendError(response, callback, new ApiException(500, "server_error", null, null,
                    "The server had an error while processing your request."));
        }
    }

    /** What to do with a request's parsed JSON body. */
    @FunctionalInterface
    private interface BodyWork {
        void run(JsonNode body) throws IOException;
    }

    /**
     * Reads the body without holding a thread, then runs {@code work} on a virtual thread of its own.
     * A body that fails to arrive (too slow, too large, malformed on the wire, the client left)
     * costs one rate-limited log line.
     */
    private void withBody(Request request, Response response, Callback callback, BodyWork work) {
        checkContentType(request);
        BodyReader.read(request, maxBodyBytes, guards.bodyTimeoutMillis()).whenComplete((bytes, failure) -> {
            if (failure == null) {
                // From here on the request timeout bounds the work: an idle timeout while a generation runs
                // (nothing is read or written while a non-streamed answer waits for a slot or is generated) is
                // ignored. Jetty asks only when no read or write is pending, so a stalled write still fails.
                request.addIdleTimeoutListener(timeout -> false);
                Thread.ofVirtual().name("logprobs4j-request").start(() ->
                        guarded(request, response, callback, () -> work.run(JsonBody.parse(bytes, bytes.length))));
                return;
            }
            String who = Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
            if (failure instanceof ApiException e) {
                REJECTED.warn("refused the request body of " + who + ": " + e.status() + " " + e.getMessage());
                sendError(response, callback, e);
            } else {
                REJECTED.warn("lost the request body of " + who + ": " + failure);
                callback.failed(failure);
            }
        });
    }

    /** JSON bodies only; a missing Content-Type is taken as JSON, as curl scripts often omit it. */
    private static void checkContentType(Request request) {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (type == null) {
            return;
        }
        String[] parts = type.split(";");
        String mime = parts[0].strip().toLowerCase(java.util.Locale.ROOT);
        boolean json = mime.equals("application/json") || mime.startsWith("application/") && mime.endsWith("+json");
        String charset = null;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            if (p.regionMatches(true, 0, "charset=", 0, 8)) {
                charset = p.substring(8).replace("\"", "").strip();
            }
        }
        if (!json || charset != null && !charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
            throw new ApiException(415, "invalid_request_error", null, "unsupported_media_type",
                    "Unsupported Content-Type '" + type + "': send the body as JSON with 'Content-Type: application/json'"
                            + " (UTF-8).");
        }
    }

    private void route(Request request, Response response, Callback callback, long deadline) throws IOException {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        guards.hostCheck().check(request.getHeaders().get(HttpHeader.HOST), request.getHeaders().get(HttpHeader.ORIGIN));
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
                withBody(request, response, callback, json -> {
                    ChatCompletionRequest req = ChatCompletionRequest.parse(json);
                    chat(req, TokenIds.requested(json, req.options()), request, response, callback, deadline);
                });
            }
            case "/v1/classify" -> {
                authorize(request);
                allow(method, "POST");
                withBody(request, response, callback, json -> {
                    ClassifyRoute.Request req = ClassifyRoute.parse(json);
                    checkModel(req.model(), dev.logprobs4j.ChatOptions.NONE, false);
                    runAdmitted(deadline, () -> send(response, callback, 200,
                            ClassifyRoute.json(model.modelName(), open(() -> ClassifyRoute.run(model, req), req.prompt() != null ? "prompt" : "messages"))));
                });
            }
            case "/v1/completions" -> {
                authorize(request);
                allow(method, "POST");
                withBody(request, response, callback,
                        body -> complete(CompletionRequest.parse(body), request, response, callback, deadline));
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
        // HEAD works wherever GET does; Jetty sends the headers without the body.
        if (!method.equals(allowed) && !(allowed.equals("GET") && method.equals("HEAD"))) {
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

    private void checkModel(String requested, dev.logprobs4j.ChatOptions options, boolean stream) {
        // Like llama.cpp's server, one model answers to any name, so clients with a fixed model name
        // work unchanged; the answer's "model" field names the model actually served.
        if (guards.strictModel() && !modelNames.contains(requested)) {
            throw modelNotFound(requested, "model");
        }
        try {
            model.capabilities().check(model.modelName(), options, stream);
        } catch (UnsupportedCapabilityException e) {
            throw ApiException.invalid(e.capability().replace(' ', '_'), "unsupported_value", e.getMessage());
        }
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
        Generation gen = new Generation(request, deadline, "messages");
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        long now = System.currentTimeMillis() / 1000;
        String name = model.modelName();
        boolean wantLogprobs = req.options().wantsLogprobs();
        runAdmitted(deadline, () -> {
            ChatStream stream = open(() -> model.chat(req.messages(), req.options()), "messages");
            if (!req.stream()) {
                Aggregate all = gen.collect(stream);
                List<Choice> choices = new ArrayList<>();
                for (Choice c : all.chunk.choices()) {
                    choices.add(new Choice(c.index(), c.content(), null,
                            wantLogprobs ? (c.logprobs() == null ? dev.logprobs4j.Logprobs.EMPTY : c.logprobs()) : null,
                            c.finishReason()));
                }
                send(response, callback, 200, OpenAiJson.chatCompletion(id, now, name, choices, all.usage(), tokenIds,
                        req.forcedField()));
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
                                wantLogprobs ? lp : null, null, tokenIds, req.forcedField()));
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
        Generation gen = new Generation(request, deadline, "prompt");
        String id = "cmpl-" + UUID.randomUUID().toString().replace("-", "");
        long now = System.currentTimeMillis() / 1000;
        String name = model.modelName();
        boolean wantLogprobs = req.logprobs() >= 0;
        int n = req.options().n() == null ? 1 : req.options().n();
        List<String> prompts = req.prompts();
        runAdmitted(deadline, () -> {
            // Prompts run one after another in this request's slot; choice i of prompt p has index p * n + i, as in OpenAI's API.
            if (!req.stream()) {
                List<OpenAiJson.TextChoice> choices = new ArrayList<>();
                long promptTokens = 0;
                long completionTokens = 0;
                for (int p = 0; p < prompts.size(); p++) {
                    String prompt = prompts.get(p);
                    PromptLogprobs promptScore = promptScore(req, prompt);
                    String echoed = req.echo() ? prompt : "";
                    if (req.scoreOnly()) {
                        for (int i = 0; i < n; i++) {
                            choices.add(new OpenAiJson.TextChoice(p * n + i, echoed,
                                    wantLogprobs ? legacyStart(promptScore, prompt) : null, "length"));
                        }
                        promptTokens += tokens(promptScore);
                        continue;
                    }
                    Aggregate all = gen.collect(open(() -> model.complete(prompt, req.options()), "prompt"));
                    for (Choice c : all.chunk.choices()) {
                        LegacyLogprobs lp = null;
                        if (wantLogprobs) {
                            lp = legacyStart(promptScore, prompt);
                            if (c.logprobs() != null) {
                                c.logprobs().content().forEach(lp::add);
                            }
                        }
                        choices.add(new OpenAiJson.TextChoice(p * n + c.index(), echoed + c.content(), lp, c.finishReason()));
                    }
                    promptTokens += all.promptTokens;
                    completionTokens += all.completionTokens;
                }
                send(response, callback, 200, OpenAiJson.textCompletion(id, now, name, choices,
                        new Usage(promptTokens, completionTokens, promptTokens + completionTokens), true));
                return;
            }
            Sse sse = new Sse(response);
            LegacyLogprobs[] offsets = new LegacyLogprobs[prompts.size() * n];
            long promptTokens = 0;
            long completionTokens = 0;
            for (int p = 0; p < prompts.size(); p++) {
                String prompt = prompts.get(p);
                int base = p * n;
                PromptLogprobs promptScore = promptScore(req, prompt);
                String echoed = req.echo() ? prompt : "";
                if (req.scoreOnly()) {
                    for (int i = 0; i < n; i++) {
                        sse.data(OpenAiJson.textCompletion(id, now, name, List.of(new OpenAiJson.TextChoice(base + i, echoed,
                                wantLogprobs ? legacyStart(promptScore, prompt) : null, "length")), null, req.includeUsage()));
                    }
                    promptTokens += tokens(promptScore);
                    continue;
                }
                ChatStream stream = open(() -> model.complete(prompt, req.options()), "prompt");
                Aggregate all = gen.pump(stream, sse, chunk -> {
                    for (Choice c : chunk.choices()) {
                        int i = base + c.index();
                        if (offsets[i] == null) {
                            offsets[i] = wantLogprobs ? legacyStart(promptScore, prompt) : null;
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
                if (all == null) {
                    sse.end(callback); // cut: the client left, or an error event was sent
                    return;
                }
                promptTokens += all.promptTokens;
                completionTokens += all.completionTokens;
            }
            if (req.includeUsage()) {
                sse.data(OpenAiJson.usageChunk(id, now, name, "text_completion",
                        new Usage(promptTokens, completionTokens, promptTokens + completionTokens)));
            }
            sse.done();
            sse.end(callback);
        });
    }

    /** The prompt's own logprobs when echo asks for them, or when only the prompt is scored (its token count is the usage). */
    private PromptLogprobs promptScore(CompletionRequest req, String prompt) {
        boolean wantLogprobs = req.logprobs() >= 0;
        if (!(req.echo() && wantLogprobs) && !req.scoreOnly()) {
            return null;
        }
        return open(() -> model.score(prompt, Math.max(0, req.logprobs())), "prompt");
    }

    private static long tokens(PromptLogprobs score) {
        return score.unscored().size() + score.scored().size();
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
        lp.alignTo(prompt);
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
    private static <T> T open(java.util.function.Supplier<T> call, String promptField) {
        try {
            return call.get();
        } catch (UnsupportedCapabilityException e) {
            throw ApiException.invalid(e.capability().replace(' ', '_'), "unsupported_value", e.getMessage());
        } catch (IllegalArgumentException | LogprobsException e) {
            throw ModelErrors.refused(e, promptField);
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
        private final String promptField; // where errors about the prompt point: messages or prompt
        private final AtomicBoolean clientGone = new AtomicBoolean();

        Generation(Request request, long deadline, String promptField) {
            this.deadline = deadline;
            this.promptField = promptField;
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
            } catch (LogprobsException e) {
                throw ModelErrors.refused(e, promptField);
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
                ApiException bad = ModelErrors.refused(e, promptField);
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

    /**
     * A server-sent-events response: headers on the first event, one write per event. Each write
     * waits at most the write timeout for the client to take it: a client that stopped reading
     * fails the write, which cancels the generation and frees its slot. Not thread-safe.
     */
    private final class Sse {
        private final Response response;
        private boolean started;
        private Throwable failure; // set once a write failed: nothing more is written

        Sse(Response response) {
            this.response = response;
        }

        boolean started() {
            return started;
        }

        void data(byte[] json) throws IOException {
            write(OpenAiJson.event(json));
        }

        void done() throws IOException {
            write(OpenAiJson.DONE);
        }

        private void write(byte[] bytes) throws IOException {
            if (failure != null) {
                throw new IOException("the stream was cut before", failure);
            }
            if (!started) {
                started = true;
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
            }
            java.util.concurrent.CompletableFuture<Void> written = new java.util.concurrent.CompletableFuture<>();
            response.write(false, ByteBuffer.wrap(bytes), Callback.from(() -> written.complete(null), written::completeExceptionally));
            try {
                written.get(guards.writeTimeoutMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                failure = new IOException("the client took none of the stream for " + guards.writeTimeoutMillis() + " ms");
                REJECTED.warn("cancelled a stream to " + remote() + ": " + failure.getMessage());
                throw (IOException) failure;
            } catch (java.util.concurrent.ExecutionException e) {
                failure = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                throw (IOException) failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = new java.io.InterruptedIOException("the server is shutting down");
                throw (IOException) failure;
            }
        }

        private String remote() {
            Request r = response.getRequest();
            return Request.getRemoteAddr(r) + ":" + Request.getRemotePort(r);
        }

        /** An OpenAI error event: the stream's answer when it fails after it began. */
        void error(ApiException e) {
            try {
                data(OpenAiJson.error(e));
            } catch (IOException ignored) {
                // the client is gone; the caller stops the generation
            }
        }

        /** Ends the response: the last chunk, or, after a failed write, an abort that closes the connection. */
        void end(Callback callback) {
            if (failure != null) {
                callback.failed(failure);
            } else if (!started) {
                callback.succeeded();
            } else {
                response.write(true, ByteBuffer.allocate(0), callback);
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
