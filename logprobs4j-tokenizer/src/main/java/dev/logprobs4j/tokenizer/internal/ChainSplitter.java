package dev.logprobs4j.tokenizer.internal;

import java.util.List;

/**
 * Splitter that applies several splitters in turn, each to the chunks of the one before, as
 * llama.cpp does with a list of pre-tokenizer regexes. Immutable, thread-safe.
 */
public final class ChainSplitter implements PreTokenizer {
    private final List<PreTokenizer> steps;

    public ChainSplitter(List<PreTokenizer> steps) {
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("steps must not be empty");
        }
        this.steps = List.copyOf(steps);
    }

    @Override
    public void split(String text, int from, int to, IntList chunkEnds) {
        IntList current = new IntList();
        steps.get(0).split(text, from, to, current);
        for (int s = 1; s < steps.size(); s++) {
            IntList next = new IntList(current.size() * 2);
            int start = from;
            for (int i = 0; i < current.size(); i++) {
                int end = current.get(i);
                steps.get(s).split(text, start, end, next);
                start = end;
            }
            current = next;
        }
        for (int i = 0; i < current.size(); i++) {
            chunkEnds.add(current.get(i));
        }
    }
}
