package dev.logprobs4j.cli.internal;

import dev.logprobs4j.local.LocalChatModel;
import dev.logprobs4j.server.LogprobsServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code logprobs4j serve}: an OpenAI-compatible HTTP server over the in-process engine. */
@Command(name = "serve", sortOptions = false, mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Serve a GGUF model with OpenAI-compatible logprobs: POST /v1/chat/completions,",
                "POST /v1/completions (with echo for prompt logprobs), GET /v1/models, GET /health.",
                "Any OpenAI client works unchanged; point its base URL at http://HOST:PORT/v1."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  logprobs4j serve",
                "  logprobs4j serve --model my-model.gguf --port 9000 --api-key secret",
                "  curl -s localhost:8080/v1/chat/completions -H 'content-type: application/json' \\",
                "       -d '{\"model\":\"llama\",\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}],",
                "            \"logprobs\":true,\"top_logprobs\":3,\"max_tokens\":8}'",
                "",
                "It binds to loopback unless --host says otherwise. Stop it with Ctrl-C.",
                "Exit codes: 0 stopped, 1 model or start-up error, 2 usage error."})
public final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "FILE",
            description = "A GGUF file. Default: stories260K.gguf in shared/models beside the repository.")
    String model;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "The address to listen on. Default: ${DEFAULT-VALUE} (this machine only).")
    String host;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = "8080",
            description = "The port; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "Require 'Authorization: Bearer KEY' on /v1 requests. Default: none (or LOGPROBS4J_API_KEY).")
    String apiKey;

    @Option(names = "--alias", paramLabel = "NAME", description = "Another name clients may give as 'model'.")
    String alias;

    @Option(names = "--strict-model",
            description = "Refuse (404) requests whose 'model' is not this model's name or an --alias. Default: any name is "
                    + "answered by this model, as llama.cpp's server does, so clients with a fixed model name work unchanged.")
    boolean strictModel;

    @Option(names = "--write-timeout", paramLabel = "SECONDS",
            description = "Cancel a stream whose client has taken nothing for this long, freeing its slot. Default: 30.")
    Integer writeTimeout;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS",
            description = "Close a connection that sends or takes nothing for this long. Default: 30.")
    Integer idleTimeout;

    @Option(names = "--allow-origin", paramLabel = "ORIGIN",
            description = "A web page origin (e.g. https://app.example, or *) allowed to call from a browser. Repeatable. "
                    + "Default: only the server's own.")
    java.util.List<String> allowOrigins = new java.util.ArrayList<>();

    @Option(names = "--allow-host", paramLabel = "NAME",
            description = "Another host name clients may use (besides the bound address and localhost). Repeatable.")
    java.util.List<String> allowHosts = new java.util.ArrayList<>();

    @Option(names = "--threads", paramLabel = "N", description = "Threads for the forward pass. Default: all cores.")
    Integer threads;

    @Option(names = "--exact", description = "Float activations for quantised weights (exact mode) instead of llama.cpp's "
            + "8-bit activations; slower, closest to the stored model. Default: the engine's (see README).")
    boolean exact;

    @Option(names = "--context", paramLabel = "N",
            description = {"Tokens each request's context holds (prompt and answer; one KV cache per concurrent request).",
                    "Default: the model's trained context, capped so one KV cache takes at most an eighth of the heap.",
                    "GET /v1/models reports it."})
    Integer context;

    @Option(names = "--max-concurrent", paramLabel = "N",
            description = "Generations run at once, sharing decode steps; more wait in a bounded queue. Default: "
                    + LogprobsServer.DEFAULT_MAX_CONCURRENT + ".")
    Integer maxConcurrent;

    /** Jetty's start-up chatter stays out of the console; its warnings still show. Held so it is not collected. */
    private static final java.util.logging.Logger JETTY_LOG = java.util.logging.Logger.getLogger("org.eclipse.jetty");

    private final Io io;

    /**
     * Jetty's own warnings at most once a second, without stack traces: a flood of broken
     * connections must not fill the console (the server logs its rejections the same way).
     */
    static final class OneLinePerSecond implements java.util.logging.Filter {
        private long last = Long.MIN_VALUE;

        @Override
        public synchronized boolean isLoggable(java.util.logging.LogRecord record) {
            long now = System.nanoTime();
            if (last != Long.MIN_VALUE && now - last < 1_000_000_000L) {
                return false;
            }
            last = now;
            if (record.getThrown() != null) {
                record.setMessage(record.getMessage() + ": " + record.getThrown());
                record.setThrown(null);
            }
            return true;
        }
    }

    public ServeCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be within [0, 65535], was " + port);
        }
        Inputs.atLeastOne(spec.commandLine(), "--threads", threads);
        Inputs.atLeastOne(spec.commandLine(), "--max-concurrent", maxConcurrent);
        Inputs.atLeastOne(spec.commandLine(), "--write-timeout", writeTimeout);
        Inputs.atLeastOne(spec.commandLine(), "--idle-timeout", idleTimeout);
        JETTY_LOG.setLevel(java.util.logging.Level.WARNING);
        JETTY_LOG.setFilter(new OneLinePerSecond());
        Path file = ModelPaths.localModel(model, ModelPaths.repoRoot(io.env()));
        LocalChatModel.Builder builder = LocalChatModel.builder().modelPath(file);
        if (threads != null) {
            builder.threads(threads);
        }
        if (exact) {
            builder.exact(true);
        }
        if (context != null) {
            if (context < 2) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--context must be at least 2 tokens, was " + context);
            }
            builder.contextLength(context);
        }
        LoadProgressBar bar = io.terminal().stderr() ? new LoadProgressBar(io.err(), file.getFileName().toString()) : null;
        if (bar != null) {
            builder.progress((done, total, tensor) -> bar.update(done, total));
        }
        LocalChatModel local;
        try {
            local = builder.build();
        } finally {
            if (bar != null) {
                bar.finish();
            }
        }
        try (local) {
            LogprobsServer.Builder server = LogprobsServer.builder().model(local).host(host).port(port);
            String key = apiKey != null ? apiKey : io.env().get("LOGPROBS4J_API_KEY");
            if (key != null && !key.isEmpty()) {
                server.apiKey(key);
            }
            if (alias != null) {
                server.alias(alias);
            }
            if (maxConcurrent != null) {
                server.maxConcurrent(maxConcurrent);
            }
            server.strictModel(strictModel);
            if (writeTimeout != null) {
                server.writeTimeout(java.time.Duration.ofSeconds(writeTimeout));
            }
            if (idleTimeout != null) {
                server.idleTimeout(java.time.Duration.ofSeconds(idleTimeout));
            }
            allowOrigins.forEach(server::allowOrigin);
            allowHosts.forEach(server::allowHost);
            LogprobsServer running;
            try {
                running = server.build().start();
            } catch (java.io.UncheckedIOException e) {
                throw new CliException("cannot listen on " + host + ":" + port + " (" + e.getCause().getMessage()
                        + "): choose another port with --port, or --port 0 for any free one", e);
            }
            io.err().println("logprobs4j: serving " + local.modelName() + " (" + file.getFileName() + ") at "
                    + running.baseUrl() + (key != null && !key.isEmpty() ? " (API key required)" : ""));
            io.err().flush();
            running.blockUntilShutdown();
        }
        return 0;
    }
}
