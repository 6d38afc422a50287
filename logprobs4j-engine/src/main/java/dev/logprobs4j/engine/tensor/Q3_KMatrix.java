package dev.logprobs4j.engine.tensor;

import static dev.logprobs4j.engine.tensor.Kernels.B;
import static dev.logprobs4j.engine.tensor.Kernels.F;
import static dev.logprobs4j.engine.tensor.Kernels.LE;

import dev.logprobs4j.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * A Q3_K weight matrix. A super-block of 256 weights is 110 bytes: 32 bytes {@code hmask}, 64
 * bytes of 2-bit quants laid out as Q2_K's, 12 bytes packing sixteen 6-bit scales and a
 * half-precision {@code d}. Weight {@code k} takes its third bit from bit {@code k / 32} of
 * {@code hmask[k % 32]}, and a clear bit means minus 4: {@code q = low2 - (bit ? 0 : 4)}, in
 * [-4, 3]. Scale {@code s} keeps its low 4 bits in a nibble of byte {@code s % 8} (low nibble for
 * {@code s < 8}) and its top 2 bits in bit pair {@code s / 4} of byte {@code 8 + s % 4}; a weight
 * is {@code d * (scale - 32) * q}. Immutable and thread-safe.
 */
final class Q3_KMatrix extends QuantizedMatrix {

    private static final int BLOCK = 256;
    private static final int BLOCK_BYTES = BLOCK / 8 + BLOCK / 4 + 12 + 2;
    private static final int QS = 32;
    private static final int SCALES = 96;
    private static final int D = 108;

    Q3_KMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q3_K;
    }

    /** Scale {@code s} (0..15) of the super-block at {@code block}, minus 32: in [-32, 31]. */
    private int scale(long block, int s) {
        int packed = Kernels.u8(data, block + SCALES + s % 8);
        int low = s < 8 ? packed & 0xF : packed >>> 4;
        int high = (Kernels.u8(data, block + SCALES + 8 + s % 4) >>> (2 * (s / 4))) & 3;
        return (low | high << 4) - 32;
    }

    /** The quant (-4..3) of weight {@code k} (0..255) of the super-block at {@code block}. */
    private int quant(long block, int k) {
        int low = (Kernels.u8(data, block + QS + 32L * (k / 128) + k % 32) >>> (2 * (k % 128 / 32))) & 3;
        int high = (Kernels.u8(data, block + k % 32) >>> (k / 32)) & 1;
        return low - (high != 0 ? 0 : 4);
    }

    private float weight(long rowOffset, int i) {
        long block = rowOffset + (long) (i / BLOCK) * BLOCK_BYTES;
        int k = i % BLOCK;
        return Kernels.f16(data, block + D) * scale(block, k / 16) * quant(block, k);
    }

    @Override
    float scalarDot(long rowOffset, float[] x, int xOffset) {
        float sum = 0f;
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            float d = Kernels.f16(data, block + D);
            int xBase = xOffset + b * BLOCK;
            for (int g = 0; g < 16; g++) {
                float scale = d * scale(block, g);
                for (int i = 16 * g; i < 16 * g + 16; i++) {
                    sum += scale * quant(block, i) * x[xBase + i];
                }
            }
        }
        return sum;
    }

    /** One super-block's share of the vector dot product (a method of its own, as in Q4_KMatrix). */
    private float superBlockDot(long block, float[] x, int xBase0) {
        int lanes = F.length();
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        float d = Kernels.f16(data, block + D);
        for (int l = 0; l < 32; l += lanes) {
            ByteVector hmask = ByteVector.fromMemorySegment(B, data, block + l, LE);
            for (int half = 0; half < 2; half++) {
                ByteVector packed = ByteVector.fromMemorySegment(B, data, block + QS + 32L * half + l, LE);
                // lanes <= 16, so each step stays inside one 16-weight group of each quarter.
                for (int quarter = 0; quarter < 4; quarter += 2) {
                    int g = 8 * half + 2 * quarter + l / 16;
                    int bit = 4 * half + quarter;
                    // q = low2 + 4 * bit - 4
                    ByteVector q0 = packed.lanewise(VectorOperators.LSHR, 2 * quarter).and((byte) 3)
                            .or(hmask.lanewise(VectorOperators.LSHR, bit).and((byte) 1).lanewise(VectorOperators.LSHL, 2))
                            .sub((byte) 4);
                    ByteVector q1 = packed.lanewise(VectorOperators.LSHR, 2 * quarter + 2).and((byte) 3)
                            .or(hmask.lanewise(VectorOperators.LSHR, bit + 1).and((byte) 1).lanewise(VectorOperators.LSHL, 2))
                            .sub((byte) 4);
                    int xBase = xBase0 + 128 * half + 32 * quarter + l;
                    acc0 = Kernels.toFloats(q0).mul(d * scale(block, g)).fma(FloatVector.fromArray(F, x, xBase), acc0);
                    acc1 = Kernels.toFloats(q1).mul(d * scale(block, g + 2)).fma(FloatVector.fromArray(F, x, xBase + 32), acc1);
                }
            }
        }
        return Kernels.sumLanes(acc0.add(acc1));
    }

    @Override
    QuantizedActivations.Kind activationKind() {
        return QuantizedActivations.Kind.Q8_K;
    }

    /** With x = xd * xq a super-block contributes xd * d * sum_g (scale_g - 32) * sum_i q_i xq_i. */
    @Override
    float scalarDotQ(long rowOffset, QuantizedActivations a, int aRow) {
        short[] q = a.q;
        int blocks = cols / BLOCK;
        float sum = 0f;
        for (int b = 0; b < blocks; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            int qAt = aRow * cols + b * BLOCK;
            int dots = 0;
            for (int g = 0; g < 16; g++) {
                int dot = 0;
                for (int i = 16 * g; i < 16 * g + 16; i++) {
                    dot += quant(block, i) * q[qAt + i];
                }
                dots += scale(block, g) * dot;
            }
            sum += a.d[aRow * blocks + b] * Kernels.f16(data, block + D) * dots;
        }
        return sum;
    }

    @Override
    float vectorDotQ(long rowOffset, QuantizedActivations a, int aRow) {
        int blocks = cols / BLOCK;
        float sum = 0f;
        for (int b = 0; b < blocks; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            int dots = superBlockDotQ(block, a.q, aRow * cols + b * BLOCK);
            // The same float steps as the scalar twin: integer sums are exact, so both agree bit for bit.
            sum += a.d[aRow * blocks + b] * Kernels.f16(data, block + D) * dots;
        }
        return sum;
    }

    /** The sum of (scale_g - 32) * q_i * xq_i over a super-block (exact); returns an int so no vector crosses a call. */
    private int superBlockDotQ(long block, short[] q, int qAt) {
        IntVector dots = IntVector.zero(Kernels.I8);
        for (int l = 0; l < 32; l += 16) {
            ShortVector hmask = (ShortVector) ByteVector.fromMemorySegment(Kernels.B16, data, block + l, LE)
                    .castShape(Kernels.S16, 0);
            for (int half = 0; half < 2; half++) {
                ShortVector packed = (ShortVector) ByteVector.fromMemorySegment(Kernels.B16, data, block + QS + 32L * half + l, LE)
                        .castShape(Kernels.S16, 0);
                for (int quarter = 0; quarter < 4; quarter++) {
                    int g = 8 * half + 2 * quarter + l / 16;
                    ShortVector qv = packed.lanewise(VectorOperators.LSHR, 2 * quarter).and((short) 3)
                            .or(hmask.lanewise(VectorOperators.LSHR, 4 * half + quarter).and((short) 1).lanewise(VectorOperators.LSHL, 2))
                            .sub((short) 4);
                    IntVector p = qv.mul(ShortVector.fromArray(Kernels.S16, q, qAt + 128 * half + 32 * quarter + l)).reinterpretAsInts();
                    dots = dots.add(p.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                            .add(p.lanewise(VectorOperators.ASHR, 16)).mul(scale(block, g)));
                }
            }
        }
        return dots.reduceLanes(VectorOperators.ADD);
    }

    @Override
    void computeRows(int from, int to, float[] x, int xOffset, int batch, float[] out, int outOffset) {
        // A copy per class keeps these call sites monomorphic (see SegmentMatrix.computeRows).
        if (!Kernels.VECTOR) {
            scalarRows(from, to, x, xOffset, batch, out, outOffset);
        } else if (batch == 1) {
            int last = to - 1;
            for (int r = from; r < to; r += 4) {
                dot4(r * rowBytes, Math.min(r + 1, last) * rowBytes, Math.min(r + 2, last) * rowBytes,
                        Math.min(r + 3, last) * rowBytes, x, xOffset, out, outOffset + r, Math.min(4, to - r));
            }
        } else {
            float[] panel = Tiles.panel(cols);
            for (int r = from; r < to; r += Tiles.PANEL) {
                int n = Math.min(Tiles.PANEL, to - r);
                for (int i = 0; i < n; i++) {
                    decode((r + i) * rowBytes, panel, i * cols);
                }
                Tiles.multiply(panel, n, cols, x, xOffset, batch, out, outOffset + r, rows);
            }
        }
    }

    /*
     * Float kernels (16 float lanes; elsewhere rows are decoded by dequantize for the Tiles
     * kernels), two rows per body. Low bit pairs as Q2_K's (shifted within 16-bit lanes, masked,
     * widened); the third bit of group g is bit g / 2 of the hmask bytes, masked in place (0 or
     * 2^j, bit 7 reading -128) and scaled to 0 or 4 in float. All steps before q * (d * scale) are
     * exact, so the weights are dequantize's bit for bit.
     */

    /** The factor that turns {@code hmask & (1 << j)}, read as a signed byte, into 4 times the bit. */
    private static float thirdBit(int j) {
        return j == 7 ? -0.03125f : 4f / (1 << j);
    }

    @Override
    void decode(long rowOffset, float[] out, int outOffset) {
        if (!Kernels.VECTOR16) {
            dequantize(rowOffset, out, outOffset);
            return;
        }
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            float d = Kernels.f16(data, block + D);
            for (int g = 0; g < 16; g++) {
                // Group g: weights 16 g.., bytes 16 * (g % 2) of quant half g / 8 and of hmask, bit j = g / 2.
                int j = g / 2;
                ShortVector packed = ByteVector.fromMemorySegment(Kernels.B16, data, block + QS + 32L * (g / 8) + 16 * (g % 2), LE)
                        .reinterpretAsShorts();
                ByteVector hm = ByteVector.fromMemorySegment(Kernels.B16, data, block + 16 * (g % 2), LE);
                ((FloatVector) packed.lanewise(VectorOperators.LSHR, 2 * (j % 4)).reinterpretAsBytes().and((byte) 3).castShape(F, 0))
                        .sub(4f).add(((FloatVector) hm.and((byte) (1 << j)).castShape(F, 0)).mul(thirdBit(j)))
                        .mul(d * scale(block, g)).intoArray(out, outOffset + b * BLOCK + 16 * g);
            }
        }
    }

    @Override
    void dot4(long o0, long o1, long o2, long o3, float[] x, int xOffset, float[] out, int at, int valid) {
        if (!Kernels.VECTOR16) {
            Tiles.dot4Decoded(this, o0, o1, o2, o3, x, xOffset, out, at, valid);
            return;
        }
        dot2(o0, o1, x, xOffset, out, at, Math.min(valid, 2));
        if (valid > 2) {
            dot2(o2, o3, x, xOffset, out, at + 2, valid - 2);
        }
    }

    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);

    /**
     * Eight of the sixteen 6-bit scales (0..63, before the minus 32) of the super-block at {@code
     * block}, scale {@code 8 * upper + i} in byte {@code i}: the unpacking of {@link #scale} on whole
     * words (two loads instead of sixteen). Low nibbles are bytes 0-7 (low for the first eight,
     * high for the rest); the top bits of scale s are bit pair s / 4 of byte 8 + s % 4.
     */
    static long packedScales(MemorySegment data, long block, boolean upper) {
        long low = data.get(LE_LONG, block + SCALES);
        long high = data.get(LE_INT, block + SCALES + 8) & 0xFFFFFFFFL;
        int shift = upper ? 4 : 0;
        long nibbles = (low >>> shift) & 0x0F0F0F0F0F0F0F0FL;
        long tops = ((high >>> shift) & 0x03030303L) | (((high >>> shift + 2) & 0x03030303L) << 32);
        return nibbles | (tops << 4);
    }

    private void dot2(long o0, long o1, float[] x, int xOffset, float[] out, int at, int valid) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        for (int b = 0; b < cols / BLOCK; b++) {
            long k = (long) b * BLOCK_BYTES;
            float d0 = Kernels.f16(data, o0 + k + D);
            float d1 = Kernels.f16(data, o1 + k + D);
            long first0 = packedScales(data, o0 + k, false);
            long second0 = packedScales(data, o0 + k, true);
            long first1 = packedScales(data, o1 + k, false);
            long second1 = packedScales(data, o1 + k, true);
            for (int g = 0; g < 16; g++) {
                int j = g / 2;
                long qs = k + QS + 32L * (g / 8) + 16 * (g % 2);
                long hm = k + 16 * (g % 2);
                int shift = 2 * (j % 4);
                byte bit = (byte) (1 << j);
                float f = thirdBit(j);
                FloatVector xg = FloatVector.fromArray(F, x, xOffset + b * BLOCK + 16 * g);
                a0 = ((FloatVector) ByteVector.fromMemorySegment(Kernels.B16, data, o0 + qs, LE).reinterpretAsShorts()
                        .lanewise(VectorOperators.LSHR, shift).reinterpretAsBytes().and((byte) 3).castShape(F, 0)).sub(4f)
                        .add(((FloatVector) ByteVector.fromMemorySegment(Kernels.B16, data, o0 + hm, LE).and(bit).castShape(F, 0)).mul(f))
                        .mul(d0 * ((int) ((g < 8 ? first0 : second0) >>> 8 * (g % 8) & 0xFF) - 32)).fma(xg, a0);
                a1 = ((FloatVector) ByteVector.fromMemorySegment(Kernels.B16, data, o1 + qs, LE).reinterpretAsShorts()
                        .lanewise(VectorOperators.LSHR, shift).reinterpretAsBytes().and((byte) 3).castShape(F, 0)).sub(4f)
                        .add(((FloatVector) ByteVector.fromMemorySegment(Kernels.B16, data, o1 + hm, LE).and(bit).castShape(F, 0)).mul(f))
                        .mul(d1 * ((int) ((g < 8 ? first1 : second1) >>> 8 * (g % 8) & 0xFF) - 32)).fma(xg, a1);
            }
        }
        out[at] = Kernels.sumLanes(a0);
        if (valid > 1) {
            out[at + 1] = Kernels.sumLanes(a1);
        }
    }

    @Override
    void computeRowsQ(int from, int to, QuantizedActivations a, float[] out, int outOffset) {
        // A copy per class keeps these call sites monomorphic (see SegmentMatrix.computeRows).
        int batch = a.batch;
        for (int r = from; r < to; r++) {
            long rowOffset = r * rowBytes;
            for (int b = 0; b < batch; b++) {
                out[outOffset + b * rows + r] = Kernels.VECTOR ? vectorDotQ(rowOffset, a, b) : scalarDotQ(rowOffset, a, b);
            }
        }
    }

    @Override
    void dequantize(long rowOffset, float[] out, int outOffset) {
        for (int i = 0; i < cols; i++) {
            out[outOffset + i] = weight(rowOffset, i);
        }
    }
}
