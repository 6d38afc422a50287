package dev.logprobs4j.gguf;

/**
 * Metadata value types of the GGUF format with their on-disk ids ({@code enum gguf_type}).
 *
 * <p>Java representation used by {@link GgufMetadata#get(String)}: {@code INT8} Byte,
 * {@code UINT8} and {@code INT16} Short, {@code UINT16} and {@code INT32} Integer, {@code UINT32},
 * {@code INT64} and {@code UINT64} Long (a {@code UINT64} above {@link Long#MAX_VALUE} keeps its
 * two's complement bits), {@code FLOAT32} Float, {@code FLOAT64} Double, {@code BOOL} Boolean,
 * {@code STRING} String, {@code ARRAY} {@link GgufArray}.
 */
public enum GgufValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    STRING(8, 8),
    ARRAY(9, 12),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private static final GgufValueType[] BY_ID = new GgufValueType[13];

    static {
        for (GgufValueType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final int id;
    private final int minBytes;

    GgufValueType(int id, int minBytes) {
        this.id = id;
        this.minBytes = minBytes;
    }

    /** The id written in the file. */
    public int id() {
        return id;
    }

    /** Smallest number of bytes one value of this type occupies in a file (exact for fixed-size types). */
    int minBytes() {
        return minBytes;
    }

    /** Whether values of this type are integers. */
    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    /** The type with this id, or {@code null}. */
    public static GgufValueType byId(long id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
    }
}
