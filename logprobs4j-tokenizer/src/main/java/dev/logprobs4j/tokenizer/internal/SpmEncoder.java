package dev.logprobs4j.tokenizer.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * SentencePiece BPE as llama.cpp's {@code llm_tokenizer_spm_session} runs it: start from one symbol
 * per code point, repeatedly merge the adjacent pair whose concatenation is the vocabulary piece
 * with the highest score (ties: leftmost first), then emit each symbol's token, or its UTF-8 bytes
 * as {@code <0xNN>} byte tokens when it is not a piece. Immutable after construction, thread-safe.
 */
public final class SpmEncoder {
    private final Map<String, Integer> pieceToId;
    private final float[] scores;
    /** Token for each byte value: the {@code <0xNN>} token, else the one-byte piece, else -1. */
    private final int[] byteToken;
    private final int unkId;
    /**
     * Whether no piece holds U+2581 right after another character. Then no merge can cross the
     * start of a word ("▁" after a non-"▁"), so words can be encoded one at a time (and cached) with
     * exactly the result of encoding the whole text, which keeps long texts fast.
     */
    private final boolean wordsAreIndependent;

    public SpmEncoder(Map<String, Integer> pieceToId, float[] scores, int unkId) {
        this.pieceToId = pieceToId;
        this.scores = scores;
        this.unkId = unkId;
        boolean independent = true;
        for (String piece : pieceToId.keySet()) {
            for (int i = 1; i < piece.length() && independent; i++) {
                if (piece.charAt(i) == '\u2581' && piece.charAt(i - 1) != '\u2581') {
                    independent = false;
                }
            }
        }
        wordsAreIndependent = independent;
        byteToken = new int[256];
        for (int b = 0; b < 256; b++) {
            Integer id = pieceToId.get(String.format("<0x%02X>", b));
            if (id == null && b < 0x80) {
                id = pieceToId.get(String.valueOf((char) b));
            }
            byteToken[b] = id == null ? -1 : id;
        }
    }

    /** Returns the token standing for byte {@code b}, or -1 if the vocabulary has none. */
    public int byteToken(int b) {
        return byteToken[b & 0xFF];
    }

    /**
     * Appends the tokens of {@code text}, in which spaces have already been replaced by U+2581.
     *
     * @throws IllegalArgumentException if a character is neither a piece nor expressible as byte
     *     tokens and the vocabulary has no unknown token
     */
    public void encode(String text, IntList out) {
        if (!wordsAreIndependent) {
            encodeWholeText(text, out);
            return;
        }
        Map<String, int[]> cache = new java.util.HashMap<>();
        IntList scratch = new IntList();
        int start = 0;
        for (int i = 1; i <= text.length(); i++) {
            if (i == text.length() || (text.charAt(i) == '\u2581' && text.charAt(i - 1) != '\u2581')) {
                String word = text.substring(start, i);
                int[] ids = cache.get(word);
                if (ids == null) {
                    scratch.clear();
                    encodeWholeText(word, scratch);
                    ids = scratch.toArray();
                    if (cache.size() < 100_000) {
                        cache.put(word, ids);
                    }
                }
                out.addAll(ids);
                start = i;
            }
        }
    }

    /** Returns whether words are encoded one at a time, see {@link #wordsAreIndependent}. */
    public boolean encodesWordByWord() {
        return wordsAreIndependent;
    }

    /**
     * Appends the tokens of {@code text} merging over the whole text at once, as llama.cpp does;
     * {@link #encode} gives the same tokens faster when {@link #encodesWordByWord()}.
     */
    public void encodeWholeText(String text, IntList out) {
        int n = text.codePointCount(0, text.length());
        if (n == 0) {
            return;
        }
        int[] start = new int[n];  // char offset of each symbol
        int[] len = new int[n];    // char length; 0 once merged into the left neighbour
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0, c = 0; i < n; i++) {
            int cp = text.codePointAt(c);
            start[i] = c;
            len[i] = Character.charCount(cp);
            c += len[i];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        Queue queue = new Queue(n);
        for (int i = 0; i + 1 < n; i++) {
            tryAdd(queue, text, start, len, i, i + 1);
        }
        while (!queue.isEmpty()) {
            int e = queue.pop();
            int left = queue.left[e];
            int right = queue.right[e];
            int pairSize = queue.size[e];
            queue.release(e);
            // A queued pair is stale once either side has grown or been merged away.
            if (len[left] == 0 || len[right] == 0 || len[left] + len[right] != pairSize) {
                continue;
            }
            len[left] += len[right];
            len[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            if (prev[left] >= 0) {
                tryAdd(queue, text, start, len, prev[left], left);
            }
            if (next[left] >= 0) {
                tryAdd(queue, text, start, len, left, next[left]);
            }
        }
        for (int i = 0; i >= 0; i = next[i]) {
            String piece = text.substring(start[i], start[i] + len[i]);
            Integer id = pieceToId.get(piece);
            if (id != null) {
                out.add(id);
                continue;
            }
            for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
                int t = byteToken[b & 0xFF];
                if (t < 0) {
                    if (unkId < 0) {
                        throw new IllegalArgumentException(String.format(
                                "cannot encode %s: the vocabulary has no byte token <0x%02X> and no unknown token",
                                describe(piece), b & 0xFF));
                    }
                    t = unkId;
                }
                out.add(t);
            }
        }
    }

    private static String describe(String piece) {
        return "'" + piece + "' (U+" + Integer.toHexString(piece.codePointAt(0)).toUpperCase() + ")";
    }

    private void tryAdd(Queue queue, String text, int[] start, int[] len, int left, int right) {
        int size = len[left] + len[right];
        Integer id = pieceToId.get(text.substring(start[left], start[left] + size));
        if (id != null) {
            queue.push(scores[id], left, right, size);
        }
    }

    /** Max-heap of candidate merges: higher score first, then smaller left index. */
    private static final class Queue {
        float[] score;
        int[] left;
        int[] right;
        int[] size;
        int entries;
        /** Entries popped and read, reused by later pushes so memory stays proportional to the queue. */
        int[] free = new int[16];
        int freeCount;
        int[] heap;
        int heapSize;

        Queue(int capacity) {
            capacity = Math.max(4, capacity);
            score = new float[capacity];
            left = new int[capacity];
            right = new int[capacity];
            size = new int[capacity];
            heap = new int[capacity];
        }

        boolean isEmpty() {
            return heapSize == 0;
        }

        private boolean before(int a, int b) {
            return score[a] > score[b] || (score[a] == score[b] && left[a] < left[b]);
        }

        void release(int e) {
            if (freeCount == free.length) {
                free = Arrays.copyOf(free, freeCount * 2);
            }
            free[freeCount++] = e;
        }

        private int newEntry() {
            if (freeCount > 0) {
                return free[--freeCount];
            }
            if (entries == score.length) {
                int cap = entries * 2;
                score = Arrays.copyOf(score, cap);
                left = Arrays.copyOf(left, cap);
                right = Arrays.copyOf(right, cap);
                size = Arrays.copyOf(size, cap);
            }
            return entries++;
        }

        void push(float s, int l, int r, int sz) {
            int e = newEntry();
            score[e] = s;
            left[e] = l;
            right[e] = r;
            size[e] = sz;
            if (heapSize == heap.length) {
                heap = Arrays.copyOf(heap, heapSize * 2);
            }
            int i = heapSize++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (!before(e, heap[parent])) {
                    break;
                }
                heap[i] = heap[parent];
                i = parent;
            }
            heap[i] = e;
        }

        /** Removes the best entry and returns its index; read it, then {@link #release} it. */
        int pop() {
            int top = heap[0];
            int last = heap[--heapSize];
            int i = 0;
            int half = heapSize >>> 1;
            while (i < half) {
                int child = 2 * i + 1;
                if (child + 1 < heapSize && before(heap[child + 1], heap[child])) {
                    child++;
                }
                if (!before(heap[child], last)) {
                    break;
                }
                heap[i] = heap[child];
                i = child;
            }
            heap[i] = last;
            return top;
        }
    }
}
