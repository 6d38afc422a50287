package dev.logprobs4j.tokenizer;

import dev.logprobs4j.gguf.GgufFile;
import dev.logprobs4j.tokenizer.internal.BpeEncoder;
import dev.logprobs4j.tokenizer.internal.ByteLevel;
import dev.logprobs4j.tokenizer.internal.IntList;
import dev.logprobs4j.tokenizer.internal.PreTokenizer;
import dev.logprobs4j.tokenizer.internal.PreTokenizers;
import dev.logprobs4j.tokenizer.internal.SpmEncoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * Tokenizer of a GGUF model: turns text into the token ids llama.cpp produces for the same file,
 * and token ids back into the exact bytes they stand for.
 *
 * <p>Two algorithms are supported: SentencePiece ({@code tokenizer.ggml.model = llama}, Llama 1/2,
 * TinyLlama, Mistral v0.1 style) and GPT-2 byte-level BPE ({@code gpt2}) with the pre-tokenizers
 * listed by {@code tokenizer.ggml.pre} that {@code PreTokenizers} supports (among them
 * {@code llama-bpe} for Llama 3, {@code qwen2} for Qwen 2/2.5/3, {@code gpt-2} and
 * {@code default}).
 *
 * <p>Text is encoded as its UTF-8 bytes; an unpaired surrogate in a Java string becomes {@code '?'},
 * as {@link String#getBytes(java.nio.charset.Charset)} encodes it. Unlike llama.cpp's detokenizer,
 * {@link #decode} does not clean up spaces before punctuation, so {@code decode(encode(s))} gives
 * back {@code s} for every well-formed string (SentencePiece vocabularies without byte tokens may
 * lose characters to the unknown token).
 *
 * <p>Immutable and thread-safe.
 *
 * {@snippet :
 * try (GgufFile file = GgufFile.open(Path.of("model.gguf"))) {
 *     Tokenizer tokenizer = Tokenizer.fromGguf(file);
 *     int[] ids = tokenizer.encode("Once upon a time", tokenizer.addBosByDefault(), false);
 *     for (int id : ids) {
 *         System.out.println(id + " " + tokenizer.tokenDisplay(id));
 *     }
 * }
 * }
 */
public final class Tokenizer {
    private static final char SPM_SPACE = '\u2581';
    private static final byte[] EMPTY = new byte[0];
    /** Texts llama.cpp treats as end of generation wherever they occur in a vocabulary. */
    private static final Set<String> EOG_TEXTS = Set.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
            "<|endoftext|>", "<|eom_id|>", "<EOT>");
    private static final List<String> EOT_TEXTS = List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
            "<|endoftext|>", "<EOT>", "<\uFF5Cend\u2581of\u2581sentence\uFF5C>");
    private static final List<String> FIM_PRE_TEXTS = List.of("<|fim_prefix|>", "<fim-prefix>",
            "<\uFF5Cfim\u2581begin\uFF5C>", "<PRE>");
    private static final List<String> FIM_SUF_TEXTS = List.of("<|fim_suffix|>", "<fim-suffix>",
            "<\uFF5Cfim\u2581hole\uFF5C>", "<SUF>");
    private static final List<String> FIM_MID_TEXTS = List.of("<|fim_middle|>", "<fim-middle>",
            "<\uFF5Cfim\u2581end\uFF5C>", "<MID>");
    private static final List<String> FIM_PAD_TEXTS = List.of("<|fim_pad|>", "<fim-pad>", "<PAD>");
    private static final List<String> FIM_REP_TEXTS = List.of("<|fim_repo|>", "<|repo_name|>", "<fim-repo>",
            "<REPO>");
    private static final List<String> FIM_SEP_TEXTS = List.of("<|file_sep|>");

    private final Vocabulary.Model model;
    private final String[] pieces;
    /** Token type per id after llama.cpp's promotions (end-of-generation texts become control). */
    private final int[] types;
    private final byte[][] bytes;
    private final Map<String, Integer> pieceToId;
    private final int bosId;
    private final int eosId;
    private final int[] endOfGeneration;
    private final boolean addBos;
    private final boolean addSpacePrefix;
    /** Control, user-defined and unknown tokens, longest text first: split out before encoding. */
    private final int[] specialIds;
    private final SpmEncoder spm;
    private final BpeEncoder bpe;
    private final PreTokenizer preTokenizer;

    private Tokenizer(Vocabulary v) {
        model = v.model();
        String[] tokens = v.tokensView();
        int n = tokens.length;
        pieces = new String[n];
        types = new int[n];
        pieceToId = new HashMap<>(n * 2);
        int[] givenTypes = v.tokenTypesView();
        for (int i = 0; i < n; i++) {
            // llama.cpp renames empty pieces so that every piece is distinct and visible.
            pieces[i] = tokens[i].isEmpty() ? "[EMPTY_" + i + "]" : tokens[i];
            int t = givenTypes[i];
            types[i] = t >= Vocabulary.TYPE_UNDEFINED && t <= Vocabulary.TYPE_BYTE ? t : Vocabulary.TYPE_UNDEFINED;
            pieceToId.put(pieces[i], i); // the last of duplicated pieces wins, as in llama.cpp
        }
        bosId = v.bosId();
        eosId = v.eosId();
        addBos = v.addBos();
        addSpacePrefix = model == Vocabulary.Model.SENTENCEPIECE && v.addSpacePrefix();
        endOfGeneration = detectEndOfGeneration(v);
        specialIds = IntStream.range(0, n)
                .filter(i -> types[i] == Vocabulary.TYPE_CONTROL || types[i] == Vocabulary.TYPE_USER_DEFINED
                        || types[i] == Vocabulary.TYPE_UNKNOWN)
                .boxed()
                .sorted(Comparator.comparingInt((Integer i) -> -utf8Length(pieces[i])).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue)
                .toArray();
        bytes = new byte[n][];
        for (int i = 0; i < n; i++) {
            bytes[i] = computeBytes(i);
        }
        if (model == Vocabulary.Model.SENTENCEPIECE) {
            spm = new SpmEncoder(pieceToId, v.scoresView(), v.unkId());
            bpe = null;
            preTokenizer = null;
        } else {
            PreTokenizers.Spec spec = PreTokenizers.forName(v.preTokenizer());
            spm = null;
            bpe = new BpeEncoder(n, pieceToId, v.mergesView(), spec.ignoreMerges());
            preTokenizer = spec.splitter();
        }
    }

    /**
     * Returns the tokenizer for a vocabulary.
     *
     * @throws IllegalArgumentException if its pre-tokenizer is not supported
     */
    public static Tokenizer of(Vocabulary vocabulary) {
        return new Tokenizer(Objects.requireNonNull(vocabulary, "vocabulary"));
    }

    /**
     * Returns the tokenizer described by a GGUF file's {@code tokenizer.ggml.*} metadata, see
     * {@link Vocabulary#fromGguf(GgufFile)}. The file may be closed afterwards.
     *
     * @throws IllegalArgumentException naming the file and key if the tokenizer is missing or
     *     unsupported
     */
    public static Tokenizer fromGguf(GgufFile file) {
        return of(Vocabulary.fromGguf(file));
    }

    // ---------------------------------------------------------------------------------------------
    // Encoding

    /**
     * Returns the tokens of {@code text} without BOS; text that looks like a special token (for
     * example {@code <|eot_id|>}) is encoded as plain text. Same as {@code encode(text, false, false)}.
     */
    public int[] encode(String text) {
        return encode(text, false, false);
    }

    /**
     * Returns the tokens of {@code text}, as llama.cpp's {@code llama_tokenize(text, addBos,
     * parseSpecial)} does.
     *
     * <p>User-defined tokens (added tokens that are not control tokens, such as Qwen's
     * {@code <think>}) are always split out of the text as single tokens, as llama.cpp and Hugging
     * Face do. SentencePiece vocabularies with {@code add_space_prefix} put a space in front of the
     * text and in front of text that follows a special token.
     *
     * @param text the text; empty gives no tokens (or just BOS)
     * @param addBos whether to start with the BOS token
     * @param parseSpecial whether the texts of control and unknown tokens in {@code text} become those
     *     tokens (for example a chat template's {@code <|im_start|>}); when false they are encoded as
     *     plain text
     * @throws IllegalStateException if {@code addBos} is true but the vocabulary has no BOS token
     * @throws IllegalArgumentException if a SentencePiece vocabulary can express a character neither
     *     as a piece, nor as byte tokens, nor as the unknown token
     */
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        Objects.requireNonNull(text, "text");
        text = wellFormed(text);
        IntList out = new IntList(Math.max(16, text.length() / 3));
        if (addBos) {
            if (bosId < 0) {
                throw new IllegalStateException("addBos is true but this vocabulary has no BOS token");
            }
            out.add(bosId);
        }
        if (text.isEmpty()) {
            return out.toArray();
        }
        IntList fragments = partition(text, parseSpecial);
        if (model == Vocabulary.Model.SENTENCEPIECE) {
            encodeSpm(text, fragments, out);
        } else {
            encodeBpe(text, fragments, out);
        }
        return out.toArray();
    }

    /**
     * Splits text into raw fragments and special tokens: triples (start, end, tokenId), tokenId -1
     * for raw text. Each special token, longest first, is cut out of the raw fragments left by the
     * ones before (llama.cpp's {@code tokenizer_st_partition}).
     */
    private IntList partition(String text, boolean parseSpecial) {
        IntList frags = new IntList();
        frags.add(0);
        frags.add(text.length());
        frags.add(-1);
        for (int id : specialIds) {
            if (!parseSpecial && types[id] != Vocabulary.TYPE_USER_DEFINED) {
                continue;
            }
            String special = pieces[id];
            if (text.indexOf(special) < 0) {
                continue;
            }
            IntList next = new IntList(frags.size() + 6);
            for (int f = 0; f < frags.size(); f += 3) {
                int start = frags.get(f);
                int end = frags.get(f + 1);
                int token = frags.get(f + 2);
                if (token >= 0) {
                    next.add(start);
                    next.add(end);
                    next.add(token);
                    continue;
                }
                int cursor = start;
                while (true) {
                    int match = text.indexOf(special, cursor);
                    if (match < 0 || match + special.length() > end) {
                        break;
                    }
                    if (match > cursor) {
                        next.add(cursor);
                        next.add(match);
                        next.add(-1);
                    }
                    next.add(match);
                    next.add(match + special.length());
                    next.add(id);
                    cursor = match + special.length();
                }
                if (cursor < end) {
                    next.add(cursor);
                    next.add(end);
                    next.add(-1);
                }
            }
            frags = next;
        }
        return frags;
    }

    private void encodeSpm(String text, IntList frags, IntList out) {
        boolean previousSpecial = true;
        for (int f = 0; f < frags.size(); f += 3) {
            int token = frags.get(f + 2);
            if (token >= 0) {
                out.add(token);
                previousSpecial = true;
                continue;
            }
            String raw = text.substring(frags.get(f), frags.get(f + 1));
            if (addSpacePrefix && previousSpecial) {
                raw = " " + raw;
            }
            spm.encode(raw.replace(' ', SPM_SPACE), out);
            previousSpecial = false;
        }
    }

    private void encodeBpe(String text, IntList frags, IntList out) {
        // Texts repeat the same words: caching per chunk makes long texts several times faster.
        Map<String, int[]> cache = new HashMap<>();
        IntList chunkEnds = new IntList();
        IntList scratch = new IntList();
        for (int f = 0; f < frags.size(); f += 3) {
            int token = frags.get(f + 2);
            if (token >= 0) {
                out.add(token);
                continue;
            }
            int start = frags.get(f);
            chunkEnds.clear();
            preTokenizer.split(text, start, frags.get(f + 1), chunkEnds);
            for (int c = 0; c < chunkEnds.size(); c++) {
                int end = chunkEnds.get(c);
                String chunk = text.substring(start, end);
                start = end;
                int[] ids = cache.get(chunk);
                if (ids == null) {
                    scratch.clear();
                    byte[] utf8 = chunk.getBytes(StandardCharsets.UTF_8);
                    bpe.encodeChunk(utf8, 0, utf8.length, scratch);
                    ids = scratch.toArray();
                    if (cache.size() < 100_000) {
                        cache.put(chunk, ids);
                    }
                }
                out.addAll(ids);
            }
        }
    }

    /** Replaces unpaired surrogates by '?', as UTF-8 encoding in Java does, so offsets stay valid. */
    private static String wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1));
                if (!paired) {
                    return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
                }
                i++;
            }
        }
        return text;
    }

    // ---------------------------------------------------------------------------------------------
    // Decoding

    /**
     * Returns the exact bytes token {@code id} contributes to the output text: SentencePiece
     * {@code ▁} becomes a space, a byte token such as {@code <0x0A>} that byte, a GPT-2 byte-level
     * character its raw byte; user-defined tokens give their text; control, unknown and unused tokens
     * (BOS, EOS, {@code <|im_end|>} ...) give nothing. The bytes of one token need not be valid UTF-8
     * (a character may span tokens); joining the bytes of all tokens of {@code encode(s)} gives the
     * UTF-8 of {@code s} (SentencePiece: of {@code s} with the added leading space).
     *
     * @return a fresh array
     * @throws IndexOutOfBoundsException if {@code id} is not a token id
     */
    public byte[] tokenBytes(int id) {
        return bytes[checkId(id)].clone();
    }

    /**
     * Returns the text of token ids: their {@link #tokenBytes} joined and decoded as UTF-8, with
     * malformed sequences (only possible for a cut-off id sequence) replaced by U+FFFD. For
     * SentencePiece vocabularies with {@code add_space_prefix}, the one space that encoding puts in
     * front of the text is removed: if the first byte of the output is a space, it is dropped.
     *
     * @throws IndexOutOfBoundsException naming the position of an id that is not a token id
     */
    public String decode(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            if (id < 0 || id >= bytes.length) {
                throw new IndexOutOfBoundsException("ids[" + i + "] = " + id + " is not a token id; ids are within [0, "
                        + bytes.length + ")");
            }
            out.writeBytes(bytes[id]);
        }
        byte[] all = out.toByteArray();
        int from = addSpacePrefix && all.length > 0 && all[0] == ' ' ? 1 : 0;
        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    }

    /**
     * Returns the text to show for token {@code id}: {@link TokenText#display} of its bytes, so bytes
     * that are not complete UTF-8 show as {@code \xNN}. Tokens that contribute no bytes (control,
     * unknown, unused) show their piece instead, for example {@code <|eot_id|>} or {@code <s>}.
     *
     * @throws IndexOutOfBoundsException if {@code id} is not a token id
     */
    public String tokenDisplay(int id) {
        byte[] b = bytes[checkId(id)];
        return b.length == 0 ? pieces[id] : TokenText.display(b);
    }

    /**
     * Returns the piece of token {@code id} as the vocabulary stores it, for example {@code ▁Hello}
     * (SentencePiece) or {@code Ġhello} (byte-level BPE).
     *
     * @throws IndexOutOfBoundsException if {@code id} is not a token id
     */
    public String piece(int id) {
        return pieces[checkId(id)];
    }

    /** Returns the id of the token whose piece is exactly {@code piece}, if any. */
    public OptionalInt id(String piece) {
        Integer id = pieceToId.get(piece);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    // ---------------------------------------------------------------------------------------------
    // Vocabulary facts

    /** Returns the number of tokens; ids are within {@code [0, vocabularySize())}. */
    public int vocabularySize() {
        return pieces.length;
    }

    /** Returns the beginning-of-sequence token id, or -1 if the vocabulary has none. */
    public int bosId() {
        return bosId;
    }

    /** Returns the end-of-sequence token id, or -1 if the vocabulary has none. */
    public int eosId() {
        return eosId;
    }

    /**
     * Returns the ids that end generation, ascending: EOS, end-of-turn and end-of-message from the
     * metadata, and, as llama.cpp finds them by text, {@code <|eot_id|>}, {@code <|im_end|>},
     * {@code <|end|>}, {@code <end_of_turn>}, {@code <|endoftext|>}, {@code <|eom_id|>},
     * {@code <EOT>} and the fill-in-the-middle pad, repo and file-separator tokens.
     *
     * @return a fresh array
     */
    public int[] endOfGenerationIds() {
        return endOfGeneration.clone();
    }

    /** Returns whether token {@code id} ends generation, see {@link #endOfGenerationIds()}. */
    public boolean isEndOfGeneration(int id) {
        return Arrays.binarySearch(endOfGeneration, id) >= 0;
    }

    /**
     * Returns whether token {@code id} is a control token (BOS, EOS, chat markers ...), including
     * end-of-generation tokens that the file typed otherwise.
     *
     * @throws IndexOutOfBoundsException if {@code id} is not a token id
     */
    public boolean isControl(int id) {
        return types[checkId(id)] == Vocabulary.TYPE_CONTROL;
    }

    /** Returns whether prompts start with BOS by default ({@code tokenizer.ggml.add_bos_token}). */
    public boolean addBosByDefault() {
        return addBos;
    }

    @Override
    public String toString() {
        return "Tokenizer[" + model.ggufName() + ", " + pieces.length + " tokens, bos=" + bosId + ", eos=" + eosId
                + "]";
    }

    // ---------------------------------------------------------------------------------------------
    // Construction helpers

    private int checkId(int id) {
        if (id < 0 || id >= pieces.length) {
            throw new IndexOutOfBoundsException("token id " + id + " is not within [0, " + pieces.length + ")");
        }
        return id;
    }

    private byte[] computeBytes(int id) {
        String piece = pieces[id];
        switch (types[id]) {
            case Vocabulary.TYPE_USER_DEFINED -> {
                return piece.getBytes(StandardCharsets.UTF_8);
            }
            case Vocabulary.TYPE_NORMAL -> {
                return model == Vocabulary.Model.SENTENCEPIECE
                        ? piece.replace(SPM_SPACE, ' ').getBytes(StandardCharsets.UTF_8)
                        : ByteLevel.decode(piece);
            }
            case Vocabulary.TYPE_BYTE -> {
                if (model == Vocabulary.Model.SENTENCEPIECE) {
                    int b = parseByteToken(piece);
                    return b >= 0 ? new byte[] {(byte) b} : piece.getBytes(StandardCharsets.UTF_8);
                }
                return EMPTY;
            }
            default -> {
                return EMPTY;
            }
        }
    }

    /** Returns NN of a {@code <0xNN>} piece, or -1 if the piece has another shape. */
    private static int parseByteToken(String piece) {
        if (piece.length() != 6 || !piece.startsWith("<0x") || piece.charAt(5) != '>') {
            return -1;
        }
        int hi = Character.digit(piece.charAt(3), 16);
        int lo = Character.digit(piece.charAt(4), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    /**
     * Finds end-of-generation tokens as llama.cpp's vocabulary loader does, promoting the ones it
     * finds by text to control tokens (which changes how {@link #encode} splits them out).
     */
    private int[] detectEndOfGeneration(Vocabulary v) {
        int eot = v.eotId() >= 0 ? v.eotId() : findByText(EOT_TEXTS);
        int eom = v.eomId() >= 0 ? v.eomId() : findByText(List.of("<|eom_id|>"));
        for (List<String> fim : List.of(FIM_PRE_TEXTS, FIM_SUF_TEXTS, FIM_MID_TEXTS)) {
            findByText(fim);
        }
        Set<Integer> eog = new TreeSet<>();
        for (List<String> fim : List.of(FIM_PAD_TEXTS, FIM_REP_TEXTS, FIM_SEP_TEXTS)) {
            int id = findByText(fim);
            if (id >= 0) {
                eog.add(id);
            }
        }
        for (int i = 0; i < pieces.length; i++) {
            if (pieceToId.get(pieces[i]) == i && EOG_TEXTS.contains(pieces[i])) {
                eog.add(i);
                types[i] = Vocabulary.TYPE_CONTROL;
            }
        }
        for (int id : new int[] {v.eosId(), eot, eom}) {
            if (id >= 0) {
                eog.add(id);
            }
        }
        return eog.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Returns the lowest id whose piece is one of {@code texts} (promoted to control), or -1. */
    private int findByText(List<String> texts) {
        for (int i = 0; i < pieces.length; i++) {
            if (pieceToId.get(pieces[i]) == i && texts.contains(pieces[i])) {
                types[i] = Vocabulary.TYPE_CONTROL;
                return i;
            }
        }
        return -1;
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
