package dev.logprobs4j.tokenizer.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * Byte-level BPE over one pre-tokenized chunk: start from one symbol per byte, repeatedly merge the
 * adjacent pair with the lowest merge rank (ties: leftmost first), as llama.cpp's
 * {@code llm_tokenizer_bpe_session} does. Symbols are ids, not strings: vocabulary pieces keep
 * their token id, and merge parts or results that are not tokens get ids from
 * {@code vocabularySize} upwards, so a pair lookup is one probe in an open-addressing table keyed
 * by the two ids. Immutable after construction, thread-safe.
 */
public final class BpeEncoder {
    private static final long EMPTY = -1L;

    private final int vocabularySize;
    private final Map<String, Integer> pieceToId;
    private final boolean ignoreMerges;
    /** Symbol id of each raw byte's byte-level character. */
    private final int[] byteSymbol = new int[256];
    /** Token id of each raw byte's byte-level character, or -1. */
    private final int[] byteToken = new int[256];
    // Merge table: open addressing on (leftId << 32 | rightId).
    private final long[] keys;
    private final int[] ranks;
    private final int[] results;
    private final int mask;

    /**
     * Builds the merge table.
     *
     * @param pieceToId token id of each piece (for duplicated pieces, the last id)
     * @param merges merges in priority order, {@code "left right"}; the first of duplicates wins
     * @param ignoreMerges whether a chunk that is a token as a whole is emitted without merging
     */
    public BpeEncoder(int vocabularySize, Map<String, Integer> pieceToId, String[] merges, boolean ignoreMerges) {
        this.vocabularySize = vocabularySize;
        this.pieceToId = pieceToId;
        this.ignoreMerges = ignoreMerges;
        Map<String, Integer> synthetic = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            String ch = String.valueOf((char) ByteLevel.codePointOf(b));
            Integer id = pieceToId.get(ch);
            byteToken[b] = id == null ? -1 : id;
            byteSymbol[b] = symbolId(ch, synthetic);
        }
        int capacity = Integer.highestOneBit(Math.max(16, merges.length * 2)) * 2;
        keys = new long[capacity];
        java.util.Arrays.fill(keys, EMPTY);
        ranks = new int[capacity];
        results = new int[capacity];
        mask = capacity - 1;
        for (int rank = 0; rank < merges.length; rank++) {
            String merge = merges[rank];
            int space = merge.indexOf(' ', 1);
            if (space < 0) {
                continue; // llama.cpp reads such a line as an empty pair that can never apply
            }
            String left = merge.substring(0, space);
            String right = merge.substring(space + 1);
            int l = symbolId(left, synthetic);
            int r = symbolId(right, synthetic);
            int slot = slot(l, r);
            if (keys[slot] == EMPTY) {
                keys[slot] = key(l, r);
                ranks[slot] = rank;
                results[slot] = symbolId(left + right, synthetic);
            }
        }
    }

    private int symbolId(String piece, Map<String, Integer> synthetic) {
        Integer id = pieceToId.get(piece);
        if (id != null) {
            return id;
        }
        return synthetic.computeIfAbsent(piece, p -> vocabularySize + synthetic.size());
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    /** Returns the slot holding (left, right), or the empty slot where it would go. */
    private int slot(int left, int right) {
        long k = key(left, right);
        long h = k * 0x9E3779B97F4A7C15L;
        int i = (int) (h >>> 40) & mask;
        while (keys[i] != EMPTY && keys[i] != k) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /** Appends the tokens of {@code utf8[from, to)}, one pre-tokenized chunk. */
    public void encodeChunk(byte[] utf8, int from, int to, IntList out) {
        int n = to - from;
        if (n == 0) {
            return;
        }
        if (ignoreMerges) {
            Integer whole = pieceToId.get(ByteLevel.encode(utf8, from, to));
            if (whole != null) {
                out.add(whole);
                return;
            }
        }
        int[] sym = new int[n];   // symbol id; -1 once merged into its left neighbour
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            sym[i] = byteSymbol[utf8[from + i] & 0xFF];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        LongHeap heap = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) {
            pushPair(heap, sym, i, i + 1);
        }
        while (!heap.isEmpty()) {
            long top = heap.pop();
            int rank = (int) (top >>> 32);
            int left = (int) top;
            int right = next[left];
            // A queued pair is stale once either side has changed; the rank no longer matches then.
            if (sym[left] < 0 || right < 0) {
                continue;
            }
            int slot = slot(sym[left], sym[right]);
            if (keys[slot] == EMPTY || ranks[slot] != rank) {
                continue;
            }
            sym[left] = results[slot];
            sym[right] = -1;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            if (prev[left] >= 0) {
                pushPair(heap, sym, prev[left], left);
            }
            if (next[left] >= 0) {
                pushPair(heap, sym, left, next[left]);
            }
        }
        for (int i = 0; i >= 0; i = next[i]) {
            int end = next[i] < 0 ? n : next[i];
            if (sym[i] < vocabularySize) {
                out.add(sym[i]);
            } else {
                // Not a token (only possible with merges that leave the vocabulary): emit its bytes.
                for (int j = i; j < end; j++) {
                    int t = byteToken[utf8[from + j] & 0xFF];
                    if (t >= 0) {
                        out.add(t);
                    }
                }
            }
        }
    }

    private void pushPair(LongHeap heap, int[] sym, int left, int right) {
        int slot = slot(sym[left], sym[right]);
        if (keys[slot] != EMPTY) {
            heap.push(((long) ranks[slot] << 32) | left);
        }
    }
}
