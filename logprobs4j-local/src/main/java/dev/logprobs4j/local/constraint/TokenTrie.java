package dev.logprobs4j.local.constraint;

import java.util.Arrays;

/**
 * The vocabulary's token bytes as a flat trie in depth-first order: node {@code i} adds byte
 * {@code label[i]} at depth {@code depth[i]}, its subtree ends before {@code skip[i]}, and the tokens
 * whose bytes end exactly there are {@code ids[tokenStart[i] .. tokenStart[i + 1])}. A mask is one
 * pass over these arrays that skips every subtree the grammar rejects. Immutable; thread-safe.
 *
 * <p>Tokens without bytes (control, unknown, unused) are not in it: only end-of-generation ids can
 * be allowed among them, and {@link TokenGrammar} adds those itself.
 */
public final class TokenTrie {
    final byte[] label;
    final int[] depth;
    final int[] skip;
    final int[] tokenStart; // (nodes + 1)
    final int[] ids;
    final int maxDepth;
    final int vocabularySize;

    private TokenTrie(byte[] label, int[] depth, int[] skip, int[] tokenStart, int[] ids, int maxDepth, int vocabularySize) {
        this.label = label;
        this.depth = depth;
        this.skip = skip;
        this.tokenStart = tokenStart;
        this.ids = ids;
        this.maxDepth = maxDepth;
        this.vocabularySize = vocabularySize;
    }

    /** Source of each token's output bytes. */
    @FunctionalInterface
    public interface TokenBytes {
        byte[] of(int id);
    }

    /** The trie of tokens {@code 0 .. vocabularySize} by their output bytes. */
    public static TokenTrie of(int vocabularySize, TokenBytes bytes) {
        byte[][] all = new byte[vocabularySize][];
        Integer[] order = new Integer[vocabularySize];
        int n = 0;
        for (int id = 0; id < vocabularySize; id++) {
            byte[] b = bytes.of(id);
            if (b.length > 0) {
                all[id] = b;
                order[n++] = id;
            }
        }
        Arrays.sort(order, 0, n, (x, y) -> {
            int c = Arrays.compareUnsigned(all[x], all[y]);
            return c != 0 ? c : Integer.compare(x, y);
        });
        // Nodes are created in sorted order, which is depth-first order.
        int capacity = 16;
        byte[] label = new byte[capacity];
        int[] depth = new int[capacity];
        int[] skip = new int[capacity];
        int[] ids = new int[n];
        int[] endNode = new int[n]; // per sorted token: the node its bytes end at (non-decreasing)
        int nodes = 0;
        int[] path = new int[64]; // node index at each depth 1..
        int pathLength = 0;
        byte[] previous = new byte[0];
        int maxDepth = 0;
        for (int k = 0; k < n; k++) {
            byte[] b = all[order[k]];
            int common = 0;
            while (common < Math.min(pathLength, b.length) && previous[common] == b[common]) {
                common++;
            }
            for (int d = pathLength; d > common; d--) {
                skip[path[d - 1]] = nodes; // the subtree of the abandoned node ends here
            }
            pathLength = common;
            for (int d = common; d < b.length; d++) {
                if (nodes == label.length) {
                    capacity *= 2;
                    label = Arrays.copyOf(label, capacity);
                    depth = Arrays.copyOf(depth, capacity);
                    skip = Arrays.copyOf(skip, capacity);
                }
                label[nodes] = b[d];
                depth[nodes] = d + 1;
                if (pathLength == path.length) {
                    path = Arrays.copyOf(path, path.length * 2);
                }
                path[pathLength++] = nodes;
                nodes++;
            }
            maxDepth = Math.max(maxDepth, b.length);
            ids[k] = order[k];
            endNode[k] = path[b.length - 1]; // a shorter token sorts before its extensions, so this is its own node
            previous = b;
        }
        for (int d = pathLength; d > 0; d--) {
            skip[path[d - 1]] = nodes;
        }
        int[] start = new int[nodes + 1];
        for (int k = 0, i = 0; i <= nodes; i++) {
            start[i] = k;
            while (k < n && endNode[k] == i) {
                k++;
            }
        }
        return new TokenTrie(Arrays.copyOf(label, nodes), Arrays.copyOf(depth, nodes), Arrays.copyOf(skip, nodes), start, ids,
                maxDepth, vocabularySize);
    }

    /** Number of nodes. */
    public int size() {
        return label.length;
    }
}
