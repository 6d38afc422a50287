package dev.logprobs4j.server;

import dev.logprobs4j.server.internal.Admission;
import dev.logprobs4j.server.internal.ApiHandler;
import dev.logprobs4j.server.internal.Counters;
import dev.logprobs4j.server.internal.ErrorPages;
import dev.logprobs4j.server.internal.HeaderDeadline;
import dev.logprobs4j.server.internal.HostCheck;
import dev.logprobs4j.server.internal.RateLimitedLog;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

/**
 * An OpenAI-compatible HTTP server for one model, with logprobs: {@code POST /v1/chat/completions},
 * {@code POST /v1/completions} (with {@code echo} prompt logprobs), {@code GET /v1/models},
 * {@code GET /v1/models/{id}} and {@code GET /health}. Official OpenAI and LangChain clients work
 * against it unchanged.
 *
 * {@snippet :
 * try (LogprobsServer server = LogprobsServer.builder().model(served).port(8080).build().start()) {
 *     server.blockUntilShutdown(); // until close() or the JVM's shutdown
 * }
 * }
 *
 * <p>Built on Jetty 12 (core Handler API, no servlets) with one virtual thread per request; each
 * admitted generation runs on one of {@code maxConcurrent} platform worker threads, so CPU-bound
 * decoding never pins the carriers that Jetty's I/O runs on.
 * Generations are admitted by a fixed number of slots and a bounded queue: a request that finds both
 * full gets 429, one that waits longer than the request timeout 503, both with {@code retry-after}.
 * A streaming client that disconnects stops its generation at the next token.
 *
 * <p>Hostile or broken clients cannot take its capacity: request bodies are read without holding a
 * thread and must arrive within the body timeout, request headers within the header timeout, a
 * connection that makes no progress is closed after the idle timeout, a streamed event the client
 * does not take within the write timeout cancels its generation and frees the slot, and at most
 * {@code maxConnections} connections are open at once. Rejections are logged one line each, at most
 * one line a second.
 *
 * <p>Thread-safe. {@link #start()} once; {@link #close()} stops it (idempotent).
 */
public final class LogprobsServer implements AutoCloseable {

    private final Builder config;
    private final Counters counters = new Counters();
    private final Admission admission;
    private final Server jetty;
    private final ServerConnector connector;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final ExecutorService workers;
    private volatile boolean started;

    private LogprobsServer(Builder b) {
        this.config = b;
        this.admission = new Admission(b.maxConcurrent, b.queueCapacity);
        VirtualThreadPool threads = new VirtualThreadPool();
        threads.setName("logprobs4j-http");
        this.jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        this.connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(b.host);
        connector.setPort(b.port);
        // Bounds reads and writes that make no progress; a generation that runs long without writing
        // is not cut by it (Jetty fails only pending I/O; the request timeout bounds generations).
        connector.setIdleTimeout(b.idleTimeout.toMillis());
        jetty.addConnector(connector);
        jetty.addBean(new NetworkConnectionLimit(b.maxConnections, connector));
        RateLimitedLog rejected = new RateLimitedLog(java.util.logging.Logger.getLogger("dev.logprobs4j.server"), 1_000_000_000L);
        HeaderDeadline headers = new HeaderDeadline(jetty.getScheduler(), b.headerTimeout.toMillis(), rejected);
        connector.addEventListener(headers);
        jetty.setErrorHandler(new ErrorPages());
        AtomicInteger workerIds = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(b.maxConcurrent, r -> {
            Thread t = new Thread(r, "logprobs4j-generation-" + workerIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Set<String> names = new LinkedHashSet<>();
        names.add(b.model.modelName());
        names.addAll(b.aliases);
        Set<String> hosts = isWildcard(b.host) ? Set.of() : new LinkedHashSet<>(HostCheck.loopbackNames(b.host));
        if (!hosts.isEmpty()) {
            hosts.addAll(b.allowedHosts);
        }
        ApiHandler api = new ApiHandler(b.model, names, b.apiKey, b.maxBodyBytes, admission,
                b.requestTimeout.toNanos(), counters, workers, new ApiHandler.Guards(b.bodyTimeout.toMillis(),
                b.writeTimeout.toMillis(), b.strictModel, new HostCheck(hosts, b.allowedOrigins)));
        jetty.setHandler(new Handler.Wrapper(api) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                headers.begun(request.getConnectionMetaData().getConnection());
                return super.handle(request, response, callback);
            }
        });
        jetty.setStopTimeout(5_000);
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.equals("*");
    }

    /** A builder with the defaults; {@link Builder#model(ServedModel)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the port and starts serving; returns this server.
     *
     * @throws IllegalStateException when it was started before
     * @throws java.io.UncheckedIOException when the port cannot be bound
     */
    public synchronized LogprobsServer start() {
        if (started) {
            throw new IllegalStateException("this LogprobsServer was started already; build a new one");
        }
        started = true;
        try {
            jetty.start();
        } catch (java.io.IOException e) {
            stopQuietly();
            throw new java.io.UncheckedIOException("cannot listen on " + config.host + ":" + config.port + ": " + e.getMessage()
                    + " (choose another port with port(...), or 0 for any free one)", e);
        } catch (Exception e) {
            stopQuietly();
            throw new IllegalStateException("the HTTP server did not start: " + e.getMessage(), e);
        }
        return this;
    }

    /** The port it listens on (the one chosen when built with port 0); -1 before {@link #start()}. */
    public int port() {
        return connector.getLocalPort();
    }

    /** The host it listens on. */
    public String host() {
        return config.host;
    }

    /** The base URL OpenAI clients take, e.g. {@code http://127.0.0.1:8080/v1}. */
    public String baseUrl() {
        String h = config.host.contains(":") ? "[" + config.host + "]" : config.host;
        return "http://" + h + ":" + port() + "/v1";
    }

    /** The model names requests may use: the model's own and the aliases. */
    public Set<String> modelNames() {
        Set<String> names = new LinkedHashSet<>();
        names.add(config.model.modelName());
        names.addAll(config.aliases);
        return names;
    }

    /** The counters now. */
    public ServerStats stats() {
        return new ServerStats(counters.requests.sum(), counters.started.sum(), counters.completed.sum(),
                counters.cancelled.sum(), counters.rejected.sum(), counters.completionTokens.sum(),
                counters.active.get(), admission.waiting());
    }

    /**
     * Waits until {@link #close()} is called (from another thread or a JVM shutdown hook this method
     * installs), for the CLI's {@code serve}.
     */
    public void blockUntilShutdown() throws InterruptedException {
        Thread hook = new Thread(this::close, "logprobs4j-server-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stopped.await();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: nothing to remove
            }
        }
    }

    /** Stops accepting connections and ends the ones open; the model is not closed (its owner closes it). */
    @Override
    public void close() {
        stopQuietly();
    }

    private void stopQuietly() {
        try {
            jetty.stop();
        } catch (Exception e) {
            java.util.logging.Logger.getLogger("dev.logprobs4j.server").log(java.util.logging.Level.WARNING, "stopping the HTTP server", e);
        } finally {
            workers.shutdownNow();
            stopped.countDown();
        }
    }

    /**
     * Default of {@link Builder#maxConcurrent}. Not the core count: concurrent local generations
     * share each decode step (the weights are read once for all of them), so more of them at once
     * raise throughput well past one per core; 16 keeps a step's latency and the KV caches in
     * memory (which grow with the tokens used) moderate.
     */
    public static final int DEFAULT_MAX_CONCURRENT = 16;

    /** Builds a {@link LogprobsServer}; not thread-safe. */
    public static final class Builder {
        private ServedModel model;
        private final Set<String> aliases = new LinkedHashSet<>();
        private String host = "127.0.0.1";
        private int port = 8080;
        private String apiKey;
        private long maxBodyBytes = 4L << 20;
        private int maxConcurrent = DEFAULT_MAX_CONCURRENT;
        private int queueCapacity = 64;
        private Duration requestTimeout = Duration.ofMinutes(10);
        private Duration idleTimeout = Duration.ofSeconds(30);
        private Duration headerTimeout = Duration.ofSeconds(10);
        private Duration bodyTimeout = Duration.ofSeconds(30);
        private Duration writeTimeout = Duration.ofSeconds(30);
        private int maxConnections = 1024;
        private boolean strictModel;
        private final Set<String> allowedHosts = new LinkedHashSet<>();
        private final Set<String> allowedOrigins = new LinkedHashSet<>();

        private Builder() {
        }

        /** The model to serve. Required. */
        public Builder model(ServedModel model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** The in-process engine to serve ({@link ServedModel#of(dev.logprobs4j.local.LocalChatModel)}). */
        public Builder model(dev.logprobs4j.local.LocalChatModel local) {
            return model(ServedModel.of(Objects.requireNonNull(local, "model")));
        }

        /** Another name clients may put in {@code model} (e.g. {@code gpt-4o-mini} for a client with a fixed name). Default: none. */
        public Builder alias(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("alias must be a non-blank model name");
            }
            aliases.add(name);
            return this;
        }

        /** The address to listen on. Default: {@code 127.0.0.1} (this machine only); {@code 0.0.0.0} for every interface. */
        public Builder host(String host) {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("host must be a host name or address, e.g. 127.0.0.1");
            }
            this.host = host;
            return this;
        }

        /** The port, 0..65535; 0 picks a free one (see {@link #port()}). Default: 8080. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be within [0, 65535], was " + port);
            }
            this.port = port;
            return this;
        }

        /** The key clients must send as {@code Authorization: Bearer KEY}. Default: none (no check). */
        public Builder apiKey(String apiKey) {
            if (apiKey != null && apiKey.isBlank()) {
                throw new IllegalArgumentException("apiKey must not be blank; pass null for no key");
            }
            this.apiKey = apiKey;
            return this;
        }

        /** The largest request body accepted; larger ones get 413. Default: 4 MiB. */
        public Builder maxBodyBytes(long maxBodyBytes) {
            if (maxBodyBytes < 1 || maxBodyBytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("maxBodyBytes must be within [1, " + (Integer.MAX_VALUE - 8) + "], was " + maxBodyBytes);
            }
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /**
         * Generations that run at once (local ones share decode steps); more wait in the queue.
         * Default: {@value LogprobsServer#DEFAULT_MAX_CONCURRENT}.
         */
        public Builder maxConcurrent(int maxConcurrent) {
            if (maxConcurrent < 1) {
                throw new IllegalArgumentException("maxConcurrent must be >= 1, was " + maxConcurrent);
            }
            this.maxConcurrent = maxConcurrent;
            return this;
        }

        /** Requests that may wait for a generation slot; more get 429. Default: 64. */
        public Builder queueCapacity(int queueCapacity) {
            if (queueCapacity < 0) {
                throw new IllegalArgumentException("queueCapacity must be >= 0, was " + queueCapacity);
            }
            this.queueCapacity = queueCapacity;
            return this;
        }

        /** The longest a request may take, queueing included; then 503 (queued) or 504 / an error event (generating). Default: 10 minutes. */
        public Builder requestTimeout(Duration requestTimeout) {
            if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout);
            }
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** How long a connection may make no progress (no request bytes arriving, no response bytes taken); then it is closed. Default: 30 s. */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = positive("idleTimeout", idleTimeout);
            return this;
        }

        /** How long a new connection may take to send its first request's headers; then it is closed. Default: 10 s. */
        public Builder headerTimeout(Duration headerTimeout) {
            this.headerTimeout = positive("headerTimeout", headerTimeout);
            return this;
        }

        /** How long a request body may take to arrive in full; then 408 and the connection is closed. Default: 30 s. */
        public Builder bodyTimeout(Duration bodyTimeout) {
            this.bodyTimeout = positive("bodyTimeout", bodyTimeout);
            return this;
        }

        /**
         * How long one streamed event may wait for a client that stopped reading; then the stream is
         * cancelled and its generation slot freed. Default: 30 s.
         */
        public Builder writeTimeout(Duration writeTimeout) {
            this.writeTimeout = positive("writeTimeout", writeTimeout);
            return this;
        }

        /** Connections open at once; more wait to be accepted. Default: 1024. */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be >= 1, was " + maxConnections);
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * Whether a request for a model name other than the served model's or an alias gets 404.
         * Default: false, the one model answers to any name (as llama.cpp's server does), so clients
         * with a fixed model name work with only the base URL changed.
         */
        public Builder strictModel(boolean strictModel) {
            this.strictModel = strictModel;
            return this;
        }

        /**
         * Another host name clients may use in {@code Host}, besides the bound address and the
         * loopback names (e.g. the machine's name behind a proxy). Ignored when bound to every
         * interface ({@code 0.0.0.0}), where any host is accepted. Default: none.
         */
        public Builder allowHost(String host) {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("allowHost must be a host name, e.g. my-box.local");
            }
            allowedHosts.add(host);
            return this;
        }

        /**
         * A web page origin (e.g. {@code https://app.example}) allowed to call the server from a
         * browser, or {@code *} for any. By default browsers may call only from the server's own
         * origin, so a page elsewhere cannot drive generations through a cross-site request.
         */
        public Builder allowOrigin(String origin) {
            if (origin == null || origin.isBlank()) {
                throw new IllegalArgumentException("allowOrigin must be an origin such as https://app.example, or *");
            }
            allowedOrigins.add(origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin);
            return this;
        }

        private static Duration positive(String name, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + d);
            }
            return d;
        }

        /**
         * The server, not yet started.
         *
         * @throws IllegalStateException when no model was given
         */
        public LogprobsServer build() {
            if (model == null) {
                throw new IllegalStateException("model(...) is required: the ServedModel (e.g. a LocalChatModel) to serve");
            }
            return new LogprobsServer(this);
        }
    }
}
