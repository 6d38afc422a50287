package dev.logprobs4j.gguf;

/**
 * Tensor element types of the GGML/GGUF format, with their on-disk ids and block layout.
 *
 * <p>Quantised types store {@link #blockSize()} consecutive elements in {@link #blockBytes()}
 * bytes. Ids follow ggml's {@code enum ggml_type}; types this project cannot compute with are
 * still listed so that errors can name them.
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 2 + 16),
    Q4_1(3, 32, 2 + 2 + 16),
    Q5_0(6, 32, 2 + 4 + 16),
    Q5_1(7, 32, 2 + 2 + 4 + 16),
    Q8_0(8, 32, 2 + 32),
    Q8_1(9, 32, 4 + 4 + 32),
    Q2_K(10, 256, 256 / 16 + 256 / 4 + 2 + 2),
    Q3_K(11, 256, 256 / 8 + 256 / 4 + 12 + 2),
    Q4_K(12, 256, 2 + 2 + 12 + 256 / 2),
    Q5_K(13, 256, 2 + 2 + 12 + 256 / 8 + 256 / 2),
    Q6_K(14, 256, 256 / 2 + 256 / 4 + 256 / 16 + 2),
    Q8_K(15, 256, 4 + 256 + 2 * 256 / 16),
    IQ2_XXS(16, 256, 2 + 256 / 4),
    IQ2_XS(17, 256, 2 + 256 / 4 + 256 / 32),
    IQ3_XXS(18, 256, 2 + 3 * 256 / 8),
    IQ1_S(19, 256, 2 + 256 / 8 + 256 / 16),
    IQ4_NL(20, 32, 2 + 16),
    IQ3_S(21, 256, 2 + 256 / 4 + 256 / 8 + 256 / 32 + 4),
    IQ2_S(22, 256, 2 + 256 / 4 + 256 / 16),
    IQ4_XS(23, 256, 2 + 2 + 256 / 2 + 256 / 64),
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    IQ1_M(29, 256, 256 / 8 + 256 / 16 + 256 / 32),
    BF16(30, 1, 2),
    TQ1_0(34, 256, 2 + 4 * 13),
    TQ2_0(35, 256, 2 + 64),
    MXFP4(39, 32, 1 + 16);

    private static final GgmlType[] BY_ID = new GgmlType[64];

    static {
        for (GgmlType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final int id;
    private final int blockSize;
    private final int blockBytes;

    GgmlType(int id, int blockSize, int blockBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** The ggml type id as written in a GGUF tensor info. */
    public int id() {
        return id;
    }

    /** Elements per block (1 for plain types). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int blockBytes() {
        return blockBytes;
    }

    /** Whether this is a block-quantised type. */
    public boolean isQuantized() {
        return blockSize > 1;
    }

    /**
     * Bytes needed to store {@code elements} values of this type.
     *
     * @throws IllegalArgumentException if {@code elements} is not a whole number of blocks
     */
    public long byteSize(long elements) {
        if (elements % blockSize != 0) {
            throw new IllegalArgumentException(
                    name() + " stores blocks of " + blockSize + " elements; " + elements + " is not a multiple");
        }
        return Math.multiplyExact(elements / blockSize, (long) blockBytes);
    }

    /** The type with this ggml id, or {@code null} if the id is unknown. */
    public static GgmlType byId(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }
}
