package dev.logprobs4j.local.internal;

import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChunkSource;
import java.util.List;

/** The {@code n > 1} answers of one call, generated one after the other, as one stream. Not thread-safe. */
public final class SequentialChoices implements ChunkSource {

    private final List<ChunkSource> choices;
    private int current;

    public SequentialChoices(List<ChunkSource> choices) {
        this.choices = choices;
    }

    @Override
    public AIMessageChunk next() {
        while (current < choices.size()) {
            AIMessageChunk chunk = choices.get(current).next();
            if (chunk != null) {
                return chunk;
            }
            current++;
        }
        return null;
    }

    @Override
    public void close() {
        for (ChunkSource c : choices) {
            c.close();
        }
    }
}
