package dev.logprobs4j.cli.internal;

/**
 * Where batch lines run: the in-process engine or an OpenAI-compatible server. Thread-safe: the
 * runner calls {@link #run} from several threads at once.
 */
interface BatchEndpoint extends AutoCloseable {

    /** The model name the output bodies carry. */
    String modelName();

    /**
     * What {@code line} weighs against {@link #defaultBudget()} while it runs, when no
     * {@code --concurrency} is given (with one, every line weighs 1 and the budget is that many rows).
     */
    int weight(BatchLine line);

    /** The budget of weights in flight when no {@code --concurrency} is given. */
    int defaultBudget();

    /** Runs one line; failures of the request (4xx, 5xx after retries) come back as a result, not thrown. */
    BatchResult run(BatchLine line) throws InterruptedException;

    @Override
    void close();
}
