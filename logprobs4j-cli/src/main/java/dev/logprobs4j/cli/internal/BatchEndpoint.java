package dev.logprobs4j.cli.internal;

/**
 * Where batch lines run: the in-process engine or an OpenAI-compatible server. Thread-safe: the
 * runner calls {@link #run} from several threads at once.
 */
interface BatchEndpoint extends AutoCloseable {

    /** The model name the output bodies carry. */
    String modelName();

    /** Runs one line; failures of the request (4xx, 5xx after retries) come back as a result, not thrown. */
    BatchResult run(BatchLine line) throws InterruptedException;

    @Override
    void close();
}
