package dev.logprobs4j.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Positions of the structural fields of a well-formed GGUF file (counts, lengths, type ids, tensor
 * dimensions and offsets), found by an independent walk over the bytes as the GGUF spec lays them
 * out. The mutator overwrites these fields with boundary values, which random byte flips hit too
 * rarely. Immutable.
 *
 * @param fields every structural field in file order
 * @param headerEnd the byte just after the last tensor info (start of the alignment padding)
 */
record GgufLayout(List<Field> fields, int headerEnd) {

    /** What a field means; decides which boundary values are interesting for it. */
    enum Kind { MAGIC, VERSION, TENSOR_COUNT, KV_COUNT, KEY_LENGTH, VALUE_TYPE, ARRAY_ELEMENT_TYPE, ARRAY_COUNT,
        STRING_LENGTH, SCALAR, RANK, DIMENSION, TENSOR_TYPE, TENSOR_OFFSET }

    /** One field: {@code width} little-endian bytes at {@code offset}. */
    record Field(Kind kind, int offset, int width) {}

    GgufLayout {
        fields = List.copyOf(fields);
    }

    /**
     * Walks {@code gguf}, which must be well formed (the seeds are written by GgufWriter).
     *
     * @throws IllegalArgumentException if it is not
     */
    static GgufLayout of(byte[] gguf) {
        Walker w = new Walker(gguf);
        try {
            w.walk();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("seed is not well-formed GGUF at byte " + w.pos, e);
        }
        return new GgufLayout(w.fields, w.pos);
    }

    private static final class Walker {
        final ByteBuffer b;
        final List<Field> fields = new ArrayList<>();
        int pos;

        Walker(byte[] bytes) {
            b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }

        void walk() {
            field(Kind.MAGIC, 4);
            field(Kind.VERSION, 4);
            long tensors = field(Kind.TENSOR_COUNT, 8);
            long kvs = field(Kind.KV_COUNT, 8);
            for (long i = 0; i < kvs; i++) {
                string(Kind.KEY_LENGTH);
                value((int) field(Kind.VALUE_TYPE, 4));
            }
            for (long i = 0; i < tensors; i++) {
                string(Kind.STRING_LENGTH);
                long rank = field(Kind.RANK, 4);
                for (long d = 0; d < rank; d++) {
                    field(Kind.DIMENSION, 8);
                }
                field(Kind.TENSOR_TYPE, 4);
                field(Kind.TENSOR_OFFSET, 8);
            }
        }

        void value(int type) {
            switch (type) {
                case 0, 1, 7 -> field(Kind.SCALAR, 1);
                case 2, 3 -> field(Kind.SCALAR, 2);
                case 4, 5, 6 -> field(Kind.SCALAR, 4);
                case 10, 11, 12 -> field(Kind.SCALAR, 8);
                case 8 -> string(Kind.STRING_LENGTH);
                case 9 -> {
                    int element = (int) field(Kind.ARRAY_ELEMENT_TYPE, 4);
                    long n = field(Kind.ARRAY_COUNT, 8);
                    for (long i = 0; i < n; i++) {
                        value(element);
                    }
                }
                default -> throw new IllegalArgumentException("value type " + type);
            }
        }

        void string(Kind kind) {
            long len = field(kind, 8);
            pos = Math.addExact(pos, Math.toIntExact(len));
        }

        long field(Kind kind, int width) {
            long v = switch (width) {
                case 1 -> b.get(pos) & 0xFF;
                case 2 -> b.getShort(pos) & 0xFFFF;
                case 4 -> b.getInt(pos) & 0xFFFF_FFFFL;
                default -> b.getLong(pos);
            };
            // Scalars inside big arrays would swamp the field list; a few are enough to mutate.
            if (kind != Kind.SCALAR || fields.size() < 4096) {
                fields.add(new Field(kind, pos, width));
            }
            pos += width;
            return v;
        }
    }
}
