package dev.logprobs4j.spark.internal;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.Message;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.Role;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The per-partition work: keeps rows in flight (the local engine batches concurrent calls), emits
 * them in input order with the output struct appended, and admits the next rows as earlier ones
 * finish, so the engine's passes stay full while finished rows are handed to Spark. In flight:
 * {@code concurrency} rows, or, when scoring on the local engine without a set concurrency, rows
 * while their texts total at most {@code tokenBudget} tokens. A row's answer depends only on the
 * model, the row and the run seed, so a retried task writes the same rows.
 */
public final class PartitionRunner implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    private final RunSpec spec;

    public PartitionRunner(RunSpec spec) {
        this.spec = spec;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        RowModel model = spec.baseUrl() != null
                ? new HttpRowModel(spec.baseUrl(), spec.endpointModel(),
                        spec.apiKeyEnv() == null ? null : System.getenv(spec.apiKeyEnv()))
                : new LocalRowModel(EngineRegistry.engine(spec.modelPath(), spec.threads(), spec.contextLength()));
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> pool.shutdownNow());
        }
        return new InFlight(input, model, pool);
    }

    /** The rows of one partition in flight, in input order; used by the task's thread only (the answers run on {@code pool}). */
    private final class InFlight implements Iterator<Row> {
        private final Iterator<Row> input;
        private final RowModel model;
        private final ExecutorService pool;
        private final boolean byTokens; // else by rows
        private final int budget;
        private final java.util.ArrayDeque<CompletableFuture<Row>> pending = new java.util.ArrayDeque<>(); // in input order
        private final Object finished = new Object(); // notified as each answer ends
        private int used; // weights of the answers not yet ended; guarded by finished
        private Row nextRow; // pulled from the input, not yet admitted
        private int nextWeight;

        InFlight(Iterator<Row> input, RowModel model, ExecutorService pool) {
            this.input = input;
            this.model = model;
            this.pool = pool;
            this.byTokens = spec.tokenBudget() > 0 && model instanceof LocalRowModel;
            this.budget = byTokens ? spec.tokenBudget() : spec.concurrency();
        }

        /** Starts input rows while they fit; at least one when none is running. */
        private void admit() {
            while (true) {
                if (nextRow == null) {
                    if (!input.hasNext()) {
                        return;
                    }
                    nextRow = input.next();
                    nextWeight = weight(nextRow);
                }
                synchronized (finished) {
                    if (used > 0 && used + nextWeight > budget) {
                        return;
                    }
                    used += nextWeight;
                }
                Row row = nextRow;
                int weight = nextWeight;
                nextRow = null;
                CompletableFuture<Row> answer = new CompletableFuture<>();
                pool.execute(() -> {
                    try {
                        answer.complete(withAnswer(row, answer(model, row)));
                    } catch (Throwable t) {
                        answer.completeExceptionally(t);
                    } finally {
                        // After completing: next() checks isDone under this lock before it waits.
                        synchronized (finished) {
                            used -= weight;
                            finished.notifyAll();
                        }
                    }
                });
                pending.add(answer);
            }
        }

        private int weight(Row row) {
            if (!byTokens || row.isNullAt(spec.inputIndex())) {
                return 1;
            }
            return Math.min(budget, ((LocalRowModel) model).model().tokenize(row.getString(spec.inputIndex())).length);
        }

        @Override
        public boolean hasNext() {
            admit();
            if (pending.isEmpty()) {
                pool.shutdown();
                return false;
            }
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            CompletableFuture<Row> head = pending.peek();
            try {
                // While the first row runs, start the ones the rows ending meanwhile make room for.
                while (!head.isDone()) {
                    synchronized (finished) {
                        if (!head.isDone()) {
                            finished.wait();
                        }
                    }
                    admit();
                }
                pending.poll();
                return head.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            }
        }
    }

    private static Row withAnswer(Row r, Object out) {
        Object[] values = new Object[r.length() + 1];
        for (int c = 0; c < r.length(); c++) {
            values[c] = r.get(c);
        }
        values[r.length()] = out;
        return RowFactory.create(values);
    }

    /** The output struct for one row. */
    Row answer(RowModel model, Row row) {
        if (row.isNullAt(spec.inputIndex())) {
            return failed("the input column is null");
        }
        try {
            return switch (spec.mode()) {
                case "score" -> score(model.score(row.getString(spec.inputIndex()), spec.topLogprobs()));
                case "generate" -> generate(model, row);
                case "classify" -> classify(model.classify(row.getString(spec.inputIndex()), spec.labels()));
                default -> throw new IllegalArgumentException("mode must be score, generate or classify, was " + spec.mode());
            };
        } catch (IllegalArgumentException | ProviderException e) {
            // This row's own fault (too long, refused by the endpoint): report it, go on with the others.
            return failed(e.getMessage());
        }
    }

    private Row failed(String message) {
        int n = switch (spec.mode()) {
            case "score" -> 7;
            case "generate" -> 8;
            default -> 3;
        };
        Object[] v = new Object[n];
        v[n - 1] = message;
        return RowFactory.create(v);
    }

    private static Row score(RowModel.Scored s) {
        Logprobs lp = s.scored();
        return RowFactory.create(s.unscored().toArray(new String[0]), tokens(lp), lp.size(), lp.totalLogprob(),
                lp.size() == 0 ? null : lp.meanLogprob(), lp.size() == 0 ? null : lp.perplexity(), null);
    }

    private Row generate(RowModel model, Row row) {
        List<Message> messages;
        if (spec.messagesInput()) {
            messages = new ArrayList<>();
            for (Row m : row.<Row>getList(spec.inputIndex())) {
                messages.add(new Message(Role.fromWireName(m.getString(m.fieldIndex("role"))), m.getString(m.fieldIndex("content"))));
            }
        } else {
            messages = List.of(Message.human(row.getString(spec.inputIndex())));
        }
        long seed = seed(row);
        ChatOptions.Builder o = ChatOptions.builder().maxTokens(spec.maxTokens()).temperature(spec.temperature())
                .logprobs(true).topLogprobs(spec.topLogprobs()).seed(seed);
        AIMessage m = model.generate(messages, o.build());
        Logprobs lp = m.logprobs() == null ? Logprobs.EMPTY : m.logprobs();
        return RowFactory.create(m.content(), m.finishReason(), tokens(lp), lp.totalLogprob(),
                m.usage() == null ? null : m.usage().promptTokens(), m.usage() == null ? null : m.usage().completionTokens(),
                seed, null);
    }

    private Row classify(double[] logprobs) {
        double max = Double.NEGATIVE_INFINITY;
        int best = 0;
        for (int i = 0; i < logprobs.length; i++) {
            if (logprobs[i] > max) {
                max = logprobs[i];
                best = i;
            }
        }
        double sum = 0;
        for (double l : logprobs) {
            sum += Math.exp(l - max);
        }
        Row[] labels = new Row[logprobs.length];
        for (int i = 0; i < logprobs.length; i++) {
            labels[i] = RowFactory.create(spec.labels().get(i), logprobs[i], Math.exp(logprobs[i] - max) / sum);
        }
        return RowFactory.create(spec.labels().get(best), labels, null);
    }

    private static Row[] tokens(Logprobs lp) {
        Row[] out = new Row[lp.size()];
        for (int i = 0; i < out.length; i++) {
            TokenLogprob t = lp.content().get(i);
            Row[] alts = new Row[t.topLogprobs().size()];
            for (int j = 0; j < alts.length; j++) {
                TopLogprob a = t.topLogprobs().get(j);
                alts[j] = RowFactory.create(a.token(), bytes(a.bytes(), a.token()), a.logprob());
            }
            out[i] = RowFactory.create(t.token(), bytes(t.bytes(), t.token()), t.logprob(), alts);
        }
        return out;
    }

    private static byte[] bytes(byte[] b, String token) {
        return b != null ? b : token.getBytes(StandardCharsets.UTF_8);
    }

    /** The row's sampling seed: from its key (or input) and the run seed, never its position or attempt. */
    long seed(Row row) {
        Object key = spec.keyIndex() >= 0 ? row.get(spec.keyIndex()) : row.get(spec.inputIndex());
        return seed(String.valueOf(key), spec.seed());
    }

    /** {@code runSeed} mixed with the first 8 bytes of SHA-256 of {@code key}. */
    public static long seed(String key, long runSeed) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            // Non-negative: OpenAI-compatible endpoints take seed as a non-negative integer.
            return (v ^ runSeed) & Long.MAX_VALUE;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
