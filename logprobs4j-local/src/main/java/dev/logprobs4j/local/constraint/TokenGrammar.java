package dev.logprobs4j.local.constraint;

import dev.logprobs4j.ResponseFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A response format compiled against one vocabulary: the byte matcher, the token trie it walks,
 * and the masks computed so far, one per matcher configuration. Thread-safe: generations that share
 * it take turns (a cached mask is a map lookup; a new one is one trie walk).
 *
 * <p>Masks come from a depth-first walk of the {@link TokenTrie} with one matcher configuration per
 * depth; a subtree whose prefix the grammar rejects is skipped whole, and each node costs one
 * memoised transition lookup. End-of-generation ids are allowed exactly when the value is complete.
 */
public final class TokenGrammar {
    private static final int MAX_CACHED_MASKS = 4096;

    private final ByteMatcher matcher;
    private final TokenTrie trie;
    private final int[] endOfGeneration;
    private final int words;
    private final int[] cfgAt; // (trie depth) scratch for walks
    private final Map<Integer, TokenMask> masks = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, TokenMask> eldest) {
            return size() > MAX_CACHED_MASKS;
        }
    };
    private long walks;
    private long walkedNodes;

    private TokenGrammar(Node value, TokenTrie trie, int[] endOfGeneration) {
        this.matcher = new ByteMatcher(value);
        this.trie = trie;
        this.endOfGeneration = endOfGeneration.clone();
        this.words = (trie.vocabularySize + 63) >>> 6;
        this.cfgAt = new int[trie.maxDepth + 1];
    }

    /**
     * The grammar of {@code format} (JSON_OBJECT or JSON_SCHEMA) over {@code trie}'s vocabulary.
     *
     * @throws IllegalArgumentException naming the schema keyword and path outside the supported subset
     */
    public static TokenGrammar compile(ResponseFormat format, TokenTrie trie, int[] endOfGeneration) {
        Node value = switch (format.type()) {
            case JSON_OBJECT -> SchemaCompiler.anyObject();
            case JSON_SCHEMA -> SchemaCompiler.compile(format.schema());
            case TEXT -> throw new IllegalArgumentException("a text response format needs no grammar");
        };
        return new TokenGrammar(value, trie, endOfGeneration);
    }

    /** The configuration before any output. */
    public synchronized int start() {
        return matcher.start();
    }

    /** The tokens allowed in configuration {@code cfg}. */
    public synchronized TokenMask mask(int cfg) {
        TokenMask m = masks.get(cfg);
        if (m == null) {
            m = new TokenMask(walk(cfg));
            if (m.count() == 0) {
                throw new IllegalStateException("constrained decoding reached a state where no token is allowed: "
                        + matcher.describe(cfg) + " (the vocabulary cannot spell any continuation)");
            }
            masks.put(cfg, m);
        }
        return m;
    }

    /** The configuration after {@code bytes}, or -1 when the grammar rejects them. */
    public synchronized int advance(int cfg, byte[] bytes) {
        for (byte b : bytes) {
            cfg = matcher.step(cfg, b & 0xFF);
            if (cfg < 0) {
                return -1;
            }
        }
        return cfg;
    }

    /** Whether the output may end in {@code cfg}. */
    public synchronized boolean accepting(int cfg) {
        return matcher.accepting(cfg);
    }

    /** Whether the value is complete in {@code cfg} and nothing may follow: generation should end. */
    public synchronized boolean complete(int cfg) {
        return matcher.complete(cfg);
    }

    /** Masks computed by a trie walk so far, and trie nodes visited by them: figures for benchmarks. */
    public synchronized String stats() {
        return "configurations=" + matcher.size() + " walks=" + walks + " nodesVisited=" + walkedNodes + " cachedMasks=" + masks.size();
    }

    private long[] walk(int cfg) {
        long[] bits = new long[words];
        byte[] label = trie.label;
        int[] depth = trie.depth;
        int[] skip = trie.skip;
        int[] start = trie.tokenStart;
        int[] ids = trie.ids;
        int n = label.length;
        cfgAt[0] = cfg;
        int visited = 0;
        for (int i = 0; i < n; ) {
            visited++;
            int next = matcher.step(cfgAt[depth[i] - 1], label[i] & 0xFF);
            if (next < 0) {
                i = skip[i];
                continue;
            }
            cfgAt[depth[i]] = next;
            for (int t = start[i], end = start[i + 1]; t < end; t++) {
                bits[ids[t] >>> 6] |= 1L << ids[t];
            }
            i++;
        }
        if (matcher.accepting(cfg)) {
            for (int id : endOfGeneration) {
                if (id >= 0 && id < trie.vocabularySize) {
                    bits[id >>> 6] |= 1L << id;
                }
            }
        }
        walks++;
        walkedNodes += visited;
        return bits;
    }
}
