package dev.logprobs4j.tokenizer.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splitter by one {@link Pattern}: every match is a chunk and so is every stretch of text between
 * matches (llama.cpp's {@code unicode_regex_split_stl}). The pattern must use
 * {@link Pattern#UNICODE_CHARACTER_CLASS} when it relies on {@code \s}. Immutable, thread-safe.
 */
public final class RegexSplitter implements PreTokenizer {
    private final Pattern pattern;

    public RegexSplitter(Pattern pattern) {
        this.pattern = pattern;
    }

    @Override
    public void split(String text, int from, int to, IntList chunkEnds) {
        Matcher m = pattern.matcher(text);
        m.region(from, to);
        int last = from;
        while (m.find()) {
            if (m.end() == m.start()) {
                continue;
            }
            if (m.start() > last) {
                chunkEnds.add(m.start());
            }
            chunkEnds.add(m.end());
            last = m.end();
        }
        if (last < to) {
            chunkEnds.add(to);
        }
    }

    @Override
    public String toString() {
        return "RegexSplitter[" + pattern.pattern() + "]";
    }
}
