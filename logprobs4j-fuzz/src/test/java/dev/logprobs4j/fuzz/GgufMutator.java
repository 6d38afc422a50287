package dev.logprobs4j.fuzz;

import java.util.Arrays;

/**
 * Structure-aware mutations of a well-formed GGUF file: boundary values written into counts,
 * lengths, type ids, ranks, dimensions and offsets, plus truncations, byte flips, insertions and
 * deletions. Stateless and thread-safe.
 */
final class GgufMutator {
    private GgufMutator() {}

    /** Applies 1 to 4 mutations to a copy of {@code seed}. */
    static byte[] mutate(byte[] seed, GgufLayout layout, Choices c) {
        byte[] out = seed.clone();
        int n = 1 + c.nextInt(4);
        for (int i = 0; i < n && out.length > 0; i++) {
            out = mutateOnce(out, layout, c);
        }
        return out;
    }

    private static byte[] mutateOnce(byte[] b, GgufLayout layout, Choices c) {
        int op = c.nextInt(10);
        switch (op) {
            case 0, 1, 2, 3 -> {
                // Most weight on the structural fields: that is where parsers go wrong.
                GgufLayout.Field f = layout.fields().get(c.nextInt(layout.fields().size()));
                if (f.offset() + f.width() <= b.length) {
                    write(b, f.offset(), f.width(), interesting(f, b, c));
                }
                return b;
            }
            case 4 -> {
                // Truncate, often right inside the header.
                int limit = c.nextInt(2) == 0 ? Math.min(b.length, layout.headerEnd() + 1) : b.length;
                return Arrays.copyOf(b, c.nextInt(limit));
            }
            case 5 -> {
                int at = c.nextInt(b.length);
                b[at] ^= (byte) (1 << c.nextInt(8));
                return b;
            }
            case 6 -> {
                int at = c.nextInt(b.length);
                b[at] = (byte) c.nextLong();
                return b;
            }
            case 7 -> {
                // Insert up to 16 bytes: shifts every later field, as a wrong length would.
                int at = c.nextInt(b.length + 1);
                int len = 1 + c.nextInt(16);
                byte[] r = new byte[b.length + len];
                System.arraycopy(b, 0, r, 0, at);
                for (int i = 0; i < len; i++) {
                    r[at + i] = (byte) c.nextLong();
                }
                System.arraycopy(b, at, r, at + len, b.length - at);
                return r;
            }
            case 8 -> {
                int at = c.nextInt(b.length);
                int len = Math.min(b.length - at, 1 + c.nextInt(16));
                byte[] r = new byte[b.length - len];
                System.arraycopy(b, 0, r, 0, at);
                System.arraycopy(b, at + len, r, at, b.length - at - len);
                return r;
            }
            default -> {
                // Copy one field's bytes over another field: a real count lands where a length was.
                GgufLayout.Field from = layout.fields().get(c.nextInt(layout.fields().size()));
                GgufLayout.Field to = layout.fields().get(c.nextInt(layout.fields().size()));
                int w = Math.min(from.width(), to.width());
                if (from.offset() + w <= b.length && to.offset() + w <= b.length) {
                    System.arraycopy(b, from.offset(), b, to.offset(), w);
                }
                return b;
            }
        }
    }

    /** A boundary value for {@code f}: small ids, sizes near the file size, sign and width limits. */
    private static long interesting(GgufLayout.Field f, byte[] b, Choices c) {
        long old = read(b, f.offset(), f.width());
        return switch (c.nextInt(8)) {
            case 0 -> switch (f.kind()) {
                // Every value type id, valid or just beyond.
                case VALUE_TYPE, ARRAY_ELEMENT_TYPE -> c.nextInt(14);
                case TENSOR_TYPE -> c.nextInt(41);
                case RANK -> c.nextInt(6);
                case VERSION -> c.nextInt(5);
                default -> c.nextInt(3);
            };
            case 1 -> old + c.nextInt(9) - 4;
            case 2 -> new long[] {-1L, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL, 0x1_0000_0000L, 0x7FFF_FFF7L,
                    Long.MAX_VALUE, Long.MIN_VALUE, 1L << 62, 0xFFFF_FFFFL * 4}[c.nextInt(10)];
            case 3 -> b.length - f.offset() + c.nextInt(9) - 4; // "everything that remains", off by a little
            case 4 -> (long) b.length + c.nextInt(64) - 32;
            case 5 -> old * 2;
            case 6 -> old << (8 * (1 + c.nextInt(4)));
            default -> c.nextLong();
        };
    }

    private static long read(byte[] b, int at, int width) {
        long v = 0;
        for (int i = width - 1; i >= 0; i--) {
            v = (v << 8) | (b[at + i] & 0xFF);
        }
        return v;
    }

    private static void write(byte[] b, int at, int width, long v) {
        for (int i = 0; i < width; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }
}
