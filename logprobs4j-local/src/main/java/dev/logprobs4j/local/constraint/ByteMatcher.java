package dev.logprobs4j.local.constraint;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Deterministic byte-level pushdown matcher of a compiled schema. A configuration is a stack of
 * frames {@code (node, phase, a, b)}; each is hash-consed to an int id whose parent is the frame
 * below (a persistent stack), and {@code (id, byte) -> id} is memoised, so the matcher grows into
 * a flat DFA over only the configurations decoding actually reaches.
 *
 * <p>A frame that cannot take a byte but is complete (a number, a value at its end) returns: the
 * byte goes to the frame below, which already holds the continuation. Not thread-safe: {@link
 * TokenGrammar} guards it.
 */
final class ByteMatcher {
    static final int DEAD = -1;
    private static final int UNKNOWN = -2;

    private final Node root;
    private Node[] cNode = new Node[256];
    private int[] cPhase = new int[256];
    private int[] cA = new int[256];
    private int[] cB = new int[256];
    private int[] cParent = new int[256];
    private int[] cDepth = new int[256];
    private byte[] cAccepting = new byte[256]; // 0 unknown, 1 no, 2 yes
    private int size;
    private int[] trans = new int[256 * 256]; // (config << 8 | byte) -> next config, DEAD or UNKNOWN
    private final Map<Key, Integer> ids = new HashMap<>();
    private final int start;

    private record Key(Node node, int phase, int a, int b, int parent) {}

    ByteMatcher(Node value) {
        this.root = new Node.Root(value);
        Arrays.fill(trans, UNKNOWN);
        this.start = config(root, 0, 0, 0, -1);
    }

    int start() {
        return start;
    }

    int size() {
        return size;
    }

    /** The configuration after {@code b} (0..255), or {@link #DEAD}. */
    int step(int cfg, int b) {
        int t = trans[cfg << 8 | b];
        if (t != UNKNOWN) {
            return t;
        }
        t = cNode[cfg].step(this, cfg, b);
        if (t == DEAD && cParent[cfg] >= 0 && cNode[cfg].accepting(cPhase[cfg], cA[cfg], cB[cfg])) {
            t = step(cParent[cfg], b); // the value is complete: the byte belongs to the frame below
        }
        trans[cfg << 8 | b] = t;
        return t;
    }

    /** Whether the whole value may end here (end of generation allowed). */
    boolean accepting(int cfg) {
        byte known = cAccepting[cfg];
        if (known == 0) {
            boolean yes = cNode[cfg].accepting(cPhase[cfg], cA[cfg], cB[cfg])
                    && (cParent[cfg] < 0 || accepting(cParent[cfg]));
            known = (byte) (yes ? 2 : 1);
            cAccepting[cfg] = known;
        }
        return known == 2;
    }

    /** Whether the value is complete and no byte can follow: only end of generation is left. */
    boolean complete(int cfg) {
        return cNode[cfg] == root && cPhase[cfg] == 1;
    }

    int phase(int cfg) {
        return cPhase[cfg];
    }

    int a(int cfg) {
        return cA[cfg];
    }

    int b(int cfg) {
        return cB[cfg];
    }

    int parent(int cfg) {
        return cParent[cfg];
    }

    int depth(int cfg) {
        return cDepth[cfg];
    }

    /** Starts {@code child} on top of continuation {@code cont} and feeds it byte {@code b}. */
    int push(Node child, int cont, int b) {
        return step(config(child, 0, 0, 0, cont), b);
    }

    /** The id of a frame on {@code parent}; a frame that can take no further byte returns to its parent at once. */
    int config(Node node, int phase, int a, int b, int parent) {
        if (parent >= 0 && node.isFinal(phase, a, b)) {
            return parent;
        }
        Key key = new Key(node, phase, a, b, parent);
        Integer id = ids.get(key);
        if (id != null) {
            return id;
        }
        if (size == cNode.length) {
            int n = size * 2;
            cNode = Arrays.copyOf(cNode, n);
            cPhase = Arrays.copyOf(cPhase, n);
            cA = Arrays.copyOf(cA, n);
            cB = Arrays.copyOf(cB, n);
            cParent = Arrays.copyOf(cParent, n);
            cDepth = Arrays.copyOf(cDepth, n);
            cAccepting = Arrays.copyOf(cAccepting, n);
            int old = trans.length;
            trans = Arrays.copyOf(trans, n << 8);
            Arrays.fill(trans, old, trans.length, UNKNOWN);
        }
        int c = size++;
        cNode[c] = node;
        cPhase[c] = phase;
        cA[c] = a;
        cB[c] = b;
        cParent[c] = parent;
        cDepth[c] = parent < 0 ? 0 : cDepth[parent] + 1;
        ids.put(key, c);
        return c;
    }

    /** The frame {@code cfg} with a new local state, on the same parent. */
    int with(int cfg, int phase, int a, int b) {
        return config(cNode[cfg], phase, a, b, cParent[cfg]);
    }

    /** A description of a configuration for error messages: the frames from the top. */
    String describe(int cfg) {
        StringBuilder s = new StringBuilder();
        for (int c = cfg; c >= 0; c = cParent[c]) {
            s.append(s.isEmpty() ? "" : " < ").append(cNode[c].name()).append('@').append(cPhase[c]);
        }
        return s.toString();
    }
}
