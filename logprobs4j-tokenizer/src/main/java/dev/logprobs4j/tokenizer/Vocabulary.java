package dev.logprobs4j.tokenizer;

import dev.logprobs4j.gguf.GgufFile;
import dev.logprobs4j.gguf.GgufMetadata;
import dev.logprobs4j.tokenizer.internal.PreTokenizers;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Vocabulary of a tokenizer as a GGUF file stores it under {@code tokenizer.ggml.*}: token pieces,
 * SentencePiece scores, token types, BPE merges, special token ids and the flags that change how
 * text is encoded.
 *
 * <p>Immutable and thread-safe: the constructor copies every array and the accessors return copies,
 * so build a {@link Tokenizer} once with {@link Tokenizer#of(Vocabulary)} instead of calling the
 * array accessors in a loop.
 *
 * @param model the tokenization algorithm ({@code tokenizer.ggml.model})
 * @param preTokenizer the pre-tokenizer name ({@code tokenizer.ggml.pre}); empty when absent. Only
 *     used by {@link Model#BYTE_LEVEL_BPE}
 * @param tokens the token pieces, indexed by token id ({@code tokenizer.ggml.tokens})
 * @param scores one score per token ({@code tokenizer.ggml.scores}); all zero when absent
 * @param tokenTypes one {@code TYPE_*} code per token ({@code tokenizer.ggml.token_type}); all
 *     {@link #TYPE_NORMAL} when absent
 * @param merges BPE merges, highest priority first, each {@code "left right"}
 *     ({@code tokenizer.ggml.merges}); empty for SentencePiece
 * @param bosId beginning-of-sequence token id, or -1
 * @param eosId end-of-sequence token id, or -1
 * @param eotId end-of-turn token id, or -1 (then detected from the token text as llama.cpp does)
 * @param eomId end-of-message token id, or -1 (then detected from the token text)
 * @param unkId unknown token id, or -1
 * @param addBos whether prompts start with {@code bosId} by default
 * @param addSpacePrefix whether SentencePiece encoding puts a space in front of the text
 */
public record Vocabulary(
        Model model,
        String preTokenizer,
        String[] tokens,
        float[] scores,
        int[] tokenTypes,
        String[] merges,
        int bosId,
        int eosId,
        int eotId,
        int eomId,
        int unkId,
        boolean addBos,
        boolean addSpacePrefix) {

    /** Token type code for a type the file did not define. */
    public static final int TYPE_UNDEFINED = 0;
    /** Token type code for ordinary text pieces. */
    public static final int TYPE_NORMAL = 1;
    /** Token type code for the unknown token. */
    public static final int TYPE_UNKNOWN = 2;
    /** Token type code for control tokens such as BOS and EOS: they stand for no text. */
    public static final int TYPE_CONTROL = 3;
    /** Token type code for added tokens whose text is always split out of the input. */
    public static final int TYPE_USER_DEFINED = 4;
    /** Token type code for reserved, unused tokens. */
    public static final int TYPE_UNUSED = 5;
    /** Token type code for SentencePiece byte-fallback tokens such as {@code <0x0A>}. */
    public static final int TYPE_BYTE = 6;

    /** Tokenization algorithm, named as {@code tokenizer.ggml.model} names it. */
    public enum Model {
        /** SentencePiece BPE with scores and byte fallback ({@code tokenizer.ggml.model = llama}). */
        SENTENCEPIECE("llama"),
        /** GPT-2 style byte-level BPE with merge ranks ({@code tokenizer.ggml.model = gpt2}). */
        BYTE_LEVEL_BPE("gpt2");

        private final String ggufName;

        Model(String ggufName) {
            this.ggufName = ggufName;
        }

        /** Returns the value of {@code tokenizer.ggml.model} for this algorithm. */
        public String ggufName() {
            return ggufName;
        }

        /**
         * Returns the algorithm for a {@code tokenizer.ggml.model} value.
         *
         * @throws IllegalArgumentException naming the value and the supported ones
         */
        public static Model fromGgufName(String name) {
            for (Model m : values()) {
                if (m.ggufName.equals(name)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("tokenizer.ggml.model = '" + name
                    + "' is not supported; supported models are 'llama' (SentencePiece) and 'gpt2' (byte-level BPE)");
        }
    }

    /** Validates and copies the arrays; see the record components for the rules. */
    public Vocabulary {
        Objects.requireNonNull(model, "model must not be null");
        preTokenizer = preTokenizer == null ? "" : preTokenizer.toLowerCase(Locale.ROOT);
        Objects.requireNonNull(tokens, "tokens must not be null");
        if (tokens.length == 0) {
            throw new IllegalArgumentException("tokens must not be empty");
        }
        tokens = tokens.clone();
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == null) {
                throw new IllegalArgumentException("tokens[" + i + "] must not be null");
            }
        }
        if (scores == null) {
            scores = new float[tokens.length];
        } else if (scores.length != tokens.length) {
            throw new IllegalArgumentException("scores must have one entry per token: " + scores.length
                    + " scores for " + tokens.length + " tokens");
        } else {
            scores = scores.clone();
        }
        if (tokenTypes == null) {
            tokenTypes = new int[tokens.length];
            Arrays.fill(tokenTypes, TYPE_NORMAL);
        } else if (tokenTypes.length != tokens.length) {
            throw new IllegalArgumentException("tokenTypes must have one entry per token: " + tokenTypes.length
                    + " types for " + tokens.length + " tokens");
        } else {
            tokenTypes = tokenTypes.clone();
        }
        merges = merges == null ? new String[0] : merges.clone();
        for (int i = 0; i < merges.length; i++) {
            if (merges[i] == null) {
                throw new IllegalArgumentException("merges[" + i + "] must not be null");
            }
        }
        checkId("bosId", bosId, tokens.length);
        checkId("eosId", eosId, tokens.length);
        checkId("eotId", eotId, tokens.length);
        checkId("eomId", eomId, tokens.length);
        checkId("unkId", unkId, tokens.length);
        if (addBos && bosId < 0) {
            throw new IllegalArgumentException("addBos is true but bosId is -1: set a BOS token or addBos = false");
        }
    }

    /**
     * Reads the vocabulary from a GGUF file's {@code tokenizer.ggml.*} metadata, with llama.cpp's
     * defaults for absent keys: SentencePiece gets BOS 1, EOS 2, UNK 0, {@code add_bos_token = true}
     * and {@code add_space_prefix = true}; byte-level BPE gets BOS = EOS = 11 (llama.cpp's GPT-2
     * default) and adds BOS by default only for the Llama 3 pre-tokenizers. Special token ids that
     * are out of range are ignored, as llama.cpp ignores them.
     *
     * @throws dev.logprobs4j.gguf.GgufFormatException if a key has the wrong type or
     *     {@code tokenizer.ggml.tokens} is missing
     * @throws IllegalArgumentException if the model or pre-tokenizer is not supported, or the arrays
     *     disagree in length
     */
    public static Vocabulary fromGguf(GgufFile file) {
        GgufMetadata m = file.metadata();
        String modelName = m.findString("tokenizer.ggml.model").orElseThrow(() -> new IllegalArgumentException(
                file.path() + ": metadata key 'tokenizer.ggml.model' is missing; this file has no tokenizer"));
        Model model;
        try {
            model = Model.fromGgufName(modelName);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file.path() + ": " + e.getMessage(), e);
        }
        String pre = m.findString("tokenizer.ggml.pre").orElse("");
        String[] tokens = m.getStringArray("tokenizer.ggml.tokens");
        float[] scores = m.findFloatArray("tokenizer.ggml.scores").orElse(null);
        int[] types = m.findIntArray("tokenizer.ggml.token_type").orElse(null);
        String[] merges = m.findStringArray("tokenizer.ggml.merges").orElse(null);
        int n = tokens.length;
        int bos;
        int eos;
        int unk;
        boolean addBos;
        boolean addSpacePrefix;
        if (model == Model.SENTENCEPIECE) {
            bos = 1;
            eos = 2;
            unk = 0;
            addBos = true;
            addSpacePrefix = true;
        } else {
            if (merges == null) {
                throw new IllegalArgumentException(file.path()
                        + ": metadata key 'tokenizer.ggml.merges' is missing; a gpt2 (byte-level BPE) tokenizer needs it");
            }
            PreTokenizers.Spec spec;
            try {
                spec = PreTokenizers.forName(pre.toLowerCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file.path() + ": " + e.getMessage(), e);
            }
            bos = 11;
            eos = 11;
            unk = -1;
            addBos = spec.addBosDefault();
            addSpacePrefix = false;
        }
        bos = idOr(m, "tokenizer.ggml.bos_token_id", bos, n);
        eos = idOr(m, "tokenizer.ggml.eos_token_id", eos, n);
        unk = idOr(m, "tokenizer.ggml.unknown_token_id", unk, n);
        int eot = idOr(m, "tokenizer.ggml.eot_token_id", -1, n);
        int eom = idOr(m, "tokenizer.ggml.eom_token_id", -1, n);
        addBos = m.findBoolean("tokenizer.ggml.add_bos_token").orElse(addBos);
        addSpacePrefix = m.findBoolean("tokenizer.ggml.add_space_prefix").orElse(addSpacePrefix);
        if (bos >= n) {
            bos = -1;
        }
        if (eos >= n) {
            eos = -1;
        }
        if (unk >= n) {
            unk = -1;
        }
        if (bos < 0) {
            addBos = false;
        }
        try {
            return new Vocabulary(model, pre, tokens, scores, types, merges, bos, eos, eot, eom, unk, addBos,
                    addSpacePrefix);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file.path() + ": tokenizer.ggml.* metadata is inconsistent: "
                    + e.getMessage(), e);
        }
    }

    private static int idOr(GgufMetadata m, String key, int fallback, int size) {
        java.util.OptionalLong v = m.findLong(key);
        if (v.isEmpty() || v.getAsLong() < 0 || v.getAsLong() >= size) {
            return fallback;
        }
        return (int) v.getAsLong();
    }

    private static void checkId(String field, int id, int size) {
        if (id < -1 || id >= size) {
            throw new IllegalArgumentException(field + " must be -1 (none) or within [0, " + size + "), was " + id);
        }
    }

    /** Returns the number of tokens. */
    public int size() {
        return tokens.length;
    }

    /** Returns a copy of the token pieces. */
    @Override
    public String[] tokens() {
        return tokens.clone();
    }

    /** Returns a copy of the scores. */
    @Override
    public float[] scores() {
        return scores.clone();
    }

    /** Returns a copy of the token type codes. */
    @Override
    public int[] tokenTypes() {
        return tokenTypes.clone();
    }

    /** Returns a copy of the merges. */
    @Override
    public String[] merges() {
        return merges.clone();
    }

    // Package-private views without copies, for Tokenizer's one-time build.
    String[] tokensView() {
        return tokens;
    }

    float[] scoresView() {
        return scores;
    }

    int[] tokenTypesView() {
        return tokenTypes;
    }

    String[] mergesView() {
        return merges;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v
                && model == v.model
                && preTokenizer.equals(v.preTokenizer)
                && Arrays.equals(tokens, v.tokens)
                && Arrays.equals(scores, v.scores)
                && Arrays.equals(tokenTypes, v.tokenTypes)
                && Arrays.equals(merges, v.merges)
                && bosId == v.bosId && eosId == v.eosId && eotId == v.eotId && eomId == v.eomId
                && unkId == v.unkId && addBos == v.addBos && addSpacePrefix == v.addSpacePrefix;
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, preTokenizer, Arrays.hashCode(tokens), Arrays.hashCode(merges), bosId, eosId);
    }

    @Override
    public String toString() {
        return "Vocabulary[model=" + model.ggufName() + ", pre=" + preTokenizer + ", tokens=" + tokens.length
                + ", merges=" + merges.length + ", bos=" + bosId + ", eos=" + eosId + ", addBos=" + addBos
                + ", addSpacePrefix=" + addSpacePrefix + "]";
    }
}
