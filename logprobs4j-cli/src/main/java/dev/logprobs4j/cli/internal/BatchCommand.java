package dev.logprobs4j.cli.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logprobs4j.local.LocalChatModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code logprobs4j batch}: an OpenAI Batch input file in, the output file out, on the local engine
 * or an OpenAI-compatible server; resumable by {@code custom_id}.
 */
@Command(name = "batch", sortOptions = false, mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Run an OpenAI Batch input file (JSONL: {custom_id, method, url, body} for /v1/chat/completions",
                "and /v1/completions, or {custom_id, text} to score a text) and append OpenAI Batch output lines",
                "({id, custom_id, response: {status_code, request_id, body}, error}) to the output file.",
                "Rows run concurrently (on the local engine they share decode steps). Run it again after a",
                "crash or Ctrl-C: lines whose custom_id is in the output already are skipped."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  logprobs4j batch requests.jsonl -o results.jsonl",
                "  logprobs4j batch requests.jsonl -o results.jsonl --model Llama-3.2-1B-Instruct-Q8_0.gguf",
                "  logprobs4j batch requests.jsonl -o results.jsonl --provider openai --base-url http://vllm:8000/v1",
                "",
                "Exit codes: 0 every line answered 200, 1 some lines have errors (see the output) or a model error,",
                "2 usage error."})
public final class BatchCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "INPUT.jsonl", description = "The OpenAI Batch input file.")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUTPUT.jsonl",
            description = "The output file; appended to, so a rerun resumes it.")
    Path output;

    @Option(names = "--provider", paramLabel = "NAME", defaultValue = "local",
            description = "local (the in-process engine) or openai (any OpenAI-compatible server). Default: ${DEFAULT-VALUE}.")
    String provider;

    @Option(names = {"-m", "--model"}, paramLabel = "NAME",
            description = "local: a GGUF file (default: stories260K.gguf in shared/models); openai: replaces each body's model.")
    String model;

    @Option(names = "--base-url", paramLabel = "URL", description = "openai: the server, e.g. http://localhost:8000/v1. Default: OPENAI_BASE_URL or OpenAI's.")
    String baseUrl;

    @Option(names = "--api-key", paramLabel = "KEY", description = "openai: the key. Default: OPENAI_API_KEY.")
    String apiKey;

    @Option(names = "--concurrency", paramLabel = "N",
            description = {"Rows in flight at once. Default: openai 8; local, scoring lines while their texts",
                    "total at most 512 tokens (enough to fill the engine's shared passes) and 8 chat or completion lines."})
    Integer concurrency;

    @Option(names = "--max-retries", paramLabel = "N", defaultValue = "2",
            description = "openai: retries of a 408/409/429/5xx answer or a connection failure. Default: ${DEFAULT-VALUE}.")
    int maxRetries;

    @Option(names = "--threads", paramLabel = "N", description = "Threads of the local engine. Default: all cores.")
    Integer threads;

    @Option(names = {"-v", "--verbose"}, description = "Show stack traces of errors.")
    boolean verbose;

    private final Io io;

    public BatchCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        if (concurrency != null && (concurrency < 1 || concurrency > InFlight.MAX_ROWS)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--concurrency must be within [1, 256], was " + concurrency);
        }
        if (maxRetries < 0 || maxRetries > 10) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-retries must be within [0, 10], was " + maxRetries);
        }
        if (threads != null && threads < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be >= 1, was " + threads);
        }
        if (!provider.equals("local") && !provider.equals("openai")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown --provider '" + provider + "': use local or openai");
        }
        List<String> lines;
        try {
            lines = readLines(input);
        } catch (NoSuchFileException e) {
            throw new CliException("no such input file: " + input.toAbsolutePath().normalize());
        }
        ObjectMapper mapper = new ObjectMapper();
        try (BatchOutput out = BatchOutput.open(mapper, output)) {
            // Read every line first: bad ones get their error line at once, duplicates are caught.
            List<BatchLine> todo = new ArrayList<>();
            Map<String, Integer> seen = new HashMap<>();
            int total = 0;
            int skipped = 0;
            int invalid = 0;
            for (int i = 0; i < lines.size(); i++) {
                int number = i + 1;
                if (lines.get(i).isBlank()) {
                    continue;
                }
                total++;
                Object parsed = BatchLine.parse(mapper, number, lines.get(i));
                String customId = parsed instanceof BatchLine b ? b.customId() : ((BatchLine.Invalid) parsed).customId();
                Integer first = customId == null ? null : seen.putIfAbsent(customId, number);
                if (first != null) {
                    // The first line with this custom_id owns it; the repeat is reported by line number.
                    parsed = new BatchLine.Invalid(number, null, "line " + number + ": custom_id " + customId
                            + " repeats line " + first + "; custom_id must be unique in a batch file");
                    customId = null;
                }
                if (out.done(customId, number)) {
                    skipped++;
                    continue;
                }
                if (parsed instanceof BatchLine.Invalid bad) {
                    out.invalid(bad.customId(), bad.number(), bad.message());
                    invalid++;
                } else {
                    todo.add((BatchLine) parsed);
                }
            }
            int failed = run(mapper, out, todo, total - skipped, skipped, invalid);
            return invalid + failed == 0 ? 0 : 1;
        }
    }

    private int run(ObjectMapper mapper, BatchOutput out, List<BatchLine> todo, int total, int skipped, int invalid)
            throws Exception {
        if (todo.isEmpty()) {
            io.err().println(new BatchProgress(null, total, skipped).summary());
            return 0;
        }
        int failed = 0;
        BatchProgress progress = null;
        try (BatchEndpoint endpoint = open(mapper);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            // The clock starts once the model is loaded: rows/s and tokens/s measure the rows.
            progress = new BatchProgress(io.terminal().stderr() ? io.err() : null, total, skipped);
            for (int i = 0; i < invalid; i++) {
                progress.row(0);
            }
            BatchProgress bar = progress;
            InFlight slots = new InFlight(concurrency != null ? concurrency : endpoint.defaultBudget());
            List<Future<Integer>> futures = new ArrayList<>(todo.size());
            for (BatchLine line : todo) {
                int weight = concurrency != null ? 1 : endpoint.weight(line);
                slots.acquire(weight);
                futures.add(pool.submit(() -> {
                    try {
                        BatchResult result = endpoint.run(line);
                        out.response(line.customId(), line.number(), result);
                        bar.row(result.tokens());
                        return result.status() == 200 ? 0 : 1;
                    } finally {
                        slots.release(weight);
                    }
                }));
            }
            for (Future<Integer> f : futures) {
                try {
                    failed += f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof Exception c ? c : e;
                }
            }
        } finally {
            if (progress != null) {
                progress.finish();
            }
        }
        io.err().println(progress.summary() + (invalid + failed > 0 ? "; " + (invalid + failed) + " lines with errors" : ""));
        return failed;
    }

    private BatchEndpoint open(ObjectMapper mapper) {
        if (provider.equals("openai")) {
            String url = baseUrl != null ? baseUrl : io.env().getOrDefault("OPENAI_BASE_URL", "https://api.openai.com/v1");
            String key = apiKey != null ? apiKey : io.env().get("OPENAI_API_KEY");
            return new HttpBatchEndpoint(mapper, url, key, model, maxRetries);
        }
        Path file = ModelPaths.localModel(model, ModelPaths.repoRoot(io.env()));
        LocalChatModel.Builder b = LocalChatModel.builder().modelPath(file);
        if (threads != null) {
            b.threads(threads);
        }
        LocalChatModel local = b.build();
        try {
            int generations = concurrency != null ? concurrency : LocalBatchEndpoint.GENERATIONS;
            return new LocalBatchEndpoint(local, generations, mapper) {
                @Override
                public void close() {
                    try {
                        super.close();
                    } finally {
                        local.close();
                    }
                }
            };
        } catch (RuntimeException e) {
            local.close();
            throw e;
        }
    }

    private static List<String> readLines(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String l; (l = r.readLine()) != null; ) {
                lines.add(l);
            }
        } catch (java.nio.charset.MalformedInputException e) {
            throw new CliException(file + " is not UTF-8 text");
        }
        return lines;
    }
}
