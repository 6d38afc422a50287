package dev.logprobs4j.spark.internal;

import java.io.Serializable;
import java.util.List;

/**
 * What one {@code transform} asks of every partition, copied out of the transformer's params so
 * the closure carries no transformer, engine or client. Immutable.
 *
 * @param mode          score, generate or classify
 * @param modelPath     a GGUF path on every node, or a file name shipped with {@code addFile}; null for the endpoint
 * @param baseUrl       the OpenAI-compatible endpoint, or null for the local engine
 * @param endpointModel the model name sent to the endpoint
 * @param apiKeyEnv     the executor environment variable holding the endpoint's key, or null
 * @param threads       engine threads per executor, 0 for all cores
 * @param contextLength the engine's context, 0 for the model's
 * @param concurrency   rows of a partition in flight at once
 * @param tokenBudget   score on the local engine: rows in flight while their texts total at most this many tokens, instead of
 *                      {@code concurrency} rows; 0 to count rows
 * @param maxTokens     generate: the longest answer
 * @param temperature   generate: sampling temperature (0 greedy)
 * @param topLogprobs   alternatives per token
 * @param seed          the run seed rows' seeds derive from
 * @param labels        classify: the label set
 * @param inputIndex    the input column's index
 * @param messagesInput the input column holds messages (array of role/content structs), not a prompt
 * @param keyIndex      the key column's index, or -1 to key rows by their input
 */
public record RunSpec(String mode, String modelPath, String baseUrl, String endpointModel, String apiKeyEnv, int threads,
                      int contextLength, int concurrency, int tokenBudget, int maxTokens, double temperature, int topLogprobs, long seed,
                      List<String> labels, int inputIndex, boolean messagesInput, int keyIndex) implements Serializable {

    public RunSpec {
        labels = List.copyOf(labels);
    }
}
