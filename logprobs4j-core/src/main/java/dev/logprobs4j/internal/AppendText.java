package dev.logprobs4j.internal;

/**
 * Immutable text that can be concatenated in amortised O(length of the right side): the
 * {@link AppendList} idea for characters. Views share one growing {@code StringBuilder}; only the
 * longest view may extend it in place. Thread-safe.
 */
public final class AppendText {

    private static final AppendText EMPTY = new AppendText(new StringBuilder(0), 0);

    private final StringBuilder shared; // guarded by itself
    private final int length;
    private String string; // cached, benign race

    private AppendText(StringBuilder shared, int length) {
        this.shared = shared;
        this.length = length;
    }

    /** The text {@code s}. */
    public static AppendText of(String s) {
        if (s == null || s.isEmpty()) {
            return EMPTY;
        }
        AppendText text = new AppendText(new StringBuilder(s), s.length());
        text.string = s;
        return text;
    }

    /** This text followed by {@code tail}; neither is changed. */
    public AppendText concat(AppendText tail) {
        if (tail.length == 0) {
            return this;
        }
        if (length == 0) {
            return tail;
        }
        String add = tail.toString();
        synchronized (shared) {
            if (shared.length() == length) {
                shared.append(add);
                return new AppendText(shared, shared.length());
            }
        }
        StringBuilder copy = new StringBuilder(Math.max(16, 2 * (length + add.length())));
        copy.append(toString()).append(add);
        return new AppendText(copy, copy.length());
    }

    public int length() {
        return length;
    }

    public boolean isEmpty() {
        return length == 0;
    }

    @Override
    public String toString() {
        String s = string;
        if (s == null) {
            synchronized (shared) {
                s = shared.substring(0, length);
            }
            string = s;
        }
        return s;
    }
}
