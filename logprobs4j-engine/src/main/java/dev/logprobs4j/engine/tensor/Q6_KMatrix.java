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
import jdk.incubator.vector.VectorSpecies;

/**
 * A Q6_K weight matrix. A super-block of 256 weights is 210 bytes: 128 bytes {@code ql} (low 4
 * bits), 64 bytes {@code qh} (high 2 bits), 16 signed 8-bit scales and a half-precision {@code d}.
 * Each half of 128 weights uses 64 {@code ql}, 32 {@code qh} and 8 scales: for {@code l} in 0..31,
 * weights {@code l, l+32, l+64, l+96} take the low nibble of {@code ql[l]}, the low nibble of
 * {@code ql[l+32]}, the high nibble of {@code ql[l]}, the high nibble of {@code ql[l+32]}, joined
 * with bit pairs 0-1, 2-3, 4-5, 6-7 of {@code qh[l]}; a weight is {@code d * scale[16-weight
 * group] * (q - 32)}. Immutable and thread-safe.
 */
final class Q6_KMatrix extends QuantizedMatrix {

    private static final int BLOCK = 256;
    private static final int BLOCK_BYTES = BLOCK / 2 + BLOCK / 4 + BLOCK / 16 + 2;
    private static final int QH = 128;
    private static final int SCALES = 192;
    private static final int D = 208;

    Q6_KMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    /** The 6-bit value (0..63) of weight {@code i} (0..255) of the super-block at {@code block}. */
    private int quant(long block, int i) {
        int half = i / 128;
        int within = i % 128;
        int quarter = within / 32;
        int l = within % 32;
        int low = Kernels.u8(data, block + 64 * half + l + 32 * (quarter & 1));
        low = (quarter < 2 ? low : low >>> 4) & 0xF;
        int high = (Kernels.u8(data, block + QH + 32 * half + l) >>> (2 * quarter)) & 3;
        return low | (high << 4);
    }

    @Override
    float scalarDot(long rowOffset, float[] x, int xOffset) {
        float sum = 0f;
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            float d = Kernels.f16(data, block + D);
            int xBase = xOffset + b * BLOCK;
            for (int i = 0; i < BLOCK; i++) {
                float scale = d * Kernels.i8(data, block + SCALES + i / 16);
                sum += scale * (quant(block, i) - 32) * x[xBase + i];
            }
        }
        return sum;
    }

    /*
     * Float kernels, two rows per body (four made C2's node budget run out and leave vector
     * operations as boxing calls). Quants are split with masks only (x86 has no byte shifts, and
     * shifting through wider lanes made C2 fall back to boxing conversions here): a low nibble is b
     * & 0x0F, a high nibble the signed byte (b & 0xF0) ^ 0x80 (16 * (q - 8)) over 16 plus 8, and
     * bit pair p of qh is (qh & (3 << 2p)) scaled to 16 * pair, bits 6-7 again through the sign
     * flip. Every step is exact, so a weight is (d * scale) * (q - 32) as dequantize computes it;
     * weights go in ascending order.
     */

    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);

    /** 16 quant bytes in one vector; the float kernels need {@link Kernels#F} to have 16 lanes. */
    private static final VectorSpecies<Byte> Q = ByteVector.SPECIES_128;

    @Override
    void dot4(long o0, long o1, long o2, long o3, float[] x, int xOffset, float[] out, int at, int valid) {
        dot2(o0, o1, x, xOffset, out, at, Math.min(valid, 2));
        if (valid > 2) {
            dot2(o2, o3, x, xOffset, out, at + 2, valid - 2);
        }
    }

    private void dot2(long o0, long o1, float[] x, int xOffset, float[] out, int at, int valid) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        for (int b = 0; b < cols / BLOCK; b++) {
            long k = (long) b * BLOCK_BYTES;
            float d0 = Kernels.f16(data, o0 + k + D);
            float d1 = Kernels.f16(data, o1 + k + D);
            for (int half = 0; half < 2; half++) {
                long ql = k + 64L * half;
                long qh = k + QH + 32L * half;
                long sc = k + SCALES + 8L * half; // the half's eight scales, one per 16 weights
                int xh = xOffset + b * BLOCK + 128 * half;
                FloatVector x00 = FloatVector.fromArray(F, x, xh + 0);
                FloatVector x01 = FloatVector.fromArray(F, x, xh + 16);
                FloatVector x10 = FloatVector.fromArray(F, x, xh + 32);
                FloatVector x11 = FloatVector.fromArray(F, x, xh + 48);
                FloatVector x20 = FloatVector.fromArray(F, x, xh + 64);
                FloatVector x21 = FloatVector.fromArray(F, x, xh + 80);
                FloatVector x30 = FloatVector.fromArray(F, x, xh + 96);
                FloatVector x31 = FloatVector.fromArray(F, x, xh + 112);
                float d0h = d0;
                ByteVector l00 = ByteVector.fromMemorySegment(Q, data, o0 + ql, LE);
                ByteVector l10 = ByteVector.fromMemorySegment(Q, data, o0 + ql + 16, LE);
                ByteVector l20 = ByteVector.fromMemorySegment(Q, data, o0 + ql + 32, LE);
                ByteVector l30 = ByteVector.fromMemorySegment(Q, data, o0 + ql + 48, LE);
                ByteVector h00 = ByteVector.fromMemorySegment(Q, data, o0 + qh, LE);
                ByteVector h10 = ByteVector.fromMemorySegment(Q, data, o0 + qh + 16, LE);
                long g0 = data.get(LE_LONG, o0 + sc);
                a0 = ((FloatVector) l00.and((byte) 0x0F).castShape(F, 0))
                        .add(((FloatVector) h00.and((byte) 3).castShape(F, 0)).mul(16f)).sub(32f)
                        .mul(d0 * (byte) (g0 >>> 0)).fma(x00, a0);
                a0 = ((FloatVector) l10.and((byte) 0x0F).castShape(F, 0))
                        .add(((FloatVector) h10.and((byte) 3).castShape(F, 0)).mul(16f)).sub(32f)
                        .mul(d0 * (byte) (g0 >>> 8)).fma(x01, a0);
                a0 = ((FloatVector) l20.and((byte) 0x0F).castShape(F, 0))
                        .add(((FloatVector) h00.and((byte) 12).castShape(F, 0)).mul(4f)).sub(32f)
                        .mul(d0 * (byte) (g0 >>> 16)).fma(x10, a0);
                a0 = ((FloatVector) l30.and((byte) 0x0F).castShape(F, 0))
                        .add(((FloatVector) h10.and((byte) 12).castShape(F, 0)).mul(4f)).sub(32f)
                        .mul(d0 * (byte) (g0 >>> 24)).fma(x11, a0);
                a0 = ((FloatVector) l00.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).mul(0x1p-4f).add(8f)
                        .add(((FloatVector) h00.and((byte) 48).castShape(F, 0)).mul(1f)).sub(32f)
                        .mul(d0 * (byte) (g0 >>> 32)).fma(x20, a0);
                a0 = ((FloatVector) l10.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).mul(0x1p-4f).add(8f)
                        .add(((FloatVector) h10.and((byte) 48).castShape(F, 0)).mul(1f)).sub(32f)
                        .mul(d0 * (byte) (g0 >>> 40)).fma(x21, a0);
                a0 = ((FloatVector) l20.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).mul(0x1p-4f).add(8f)
                        .add(((FloatVector) h00.and((byte) 0xC0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).add(128f).mul(0.25f)).sub(32f)
                        .mul(d0 * (byte) (g0 >>> 48)).fma(x30, a0);
                a0 = ((FloatVector) l30.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).mul(0x1p-4f).add(8f)
                        .add(((FloatVector) h10.and((byte) 0xC0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).add(128f).mul(0.25f)).sub(32f)
                        .mul(d0 * (byte) (g0 >>> 56)).fma(x31, a0);
                float d1h = d1;
                ByteVector l01 = ByteVector.fromMemorySegment(Q, data, o1 + ql, LE);
                ByteVector l11 = ByteVector.fromMemorySegment(Q, data, o1 + ql + 16, LE);
                ByteVector l21 = ByteVector.fromMemorySegment(Q, data, o1 + ql + 32, LE);
                ByteVector l31 = ByteVector.fromMemorySegment(Q, data, o1 + ql + 48, LE);
                ByteVector h01 = ByteVector.fromMemorySegment(Q, data, o1 + qh, LE);
                ByteVector h11 = ByteVector.fromMemorySegment(Q, data, o1 + qh + 16, LE);
                long g1 = data.get(LE_LONG, o1 + sc);
                a1 = ((FloatVector) l01.and((byte) 0x0F).castShape(F, 0))
                        .add(((FloatVector) h01.and((byte) 3).castShape(F, 0)).mul(16f)).sub(32f)
                        .mul(d1 * (byte) (g1 >>> 0)).fma(x00, a1);
                a1 = ((FloatVector) l11.and((byte) 0x0F).castShape(F, 0))
                        .add(((FloatVector) h11.and((byte) 3).castShape(F, 0)).mul(16f)).sub(32f)
                        .mul(d1 * (byte) (g1 >>> 8)).fma(x01, a1);
                a1 = ((FloatVector) l21.and((byte) 0x0F).castShape(F, 0))
                        .add(((FloatVector) h01.and((byte) 12).castShape(F, 0)).mul(4f)).sub(32f)
                        .mul(d1 * (byte) (g1 >>> 16)).fma(x10, a1);
                a1 = ((FloatVector) l31.and((byte) 0x0F).castShape(F, 0))
                        .add(((FloatVector) h11.and((byte) 12).castShape(F, 0)).mul(4f)).sub(32f)
                        .mul(d1 * (byte) (g1 >>> 24)).fma(x11, a1);
                a1 = ((FloatVector) l01.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).mul(0x1p-4f).add(8f)
                        .add(((FloatVector) h01.and((byte) 48).castShape(F, 0)).mul(1f)).sub(32f)
                        .mul(d1 * (byte) (g1 >>> 32)).fma(x20, a1);
                a1 = ((FloatVector) l11.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).mul(0x1p-4f).add(8f)
                        .add(((FloatVector) h11.and((byte) 48).castShape(F, 0)).mul(1f)).sub(32f)
                        .mul(d1 * (byte) (g1 >>> 40)).fma(x21, a1);
                a1 = ((FloatVector) l21.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).mul(0x1p-4f).add(8f)
                        .add(((FloatVector) h01.and((byte) 0xC0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).add(128f).mul(0.25f)).sub(32f)
                        .mul(d1 * (byte) (g1 >>> 48)).fma(x30, a1);
                a1 = ((FloatVector) l31.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).mul(0x1p-4f).add(8f)
                        .add(((FloatVector) h11.and((byte) 0xC0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).add(128f).mul(0.25f)).sub(32f)
                        .mul(d1 * (byte) (g1 >>> 56)).fma(x31, a1);
            }
        }
        out[at] = Kernels.sumLanes(a0);
        if (valid > 1) {
            out[at + 1] = Kernels.sumLanes(a1);
        }
    }

    @Override
    void decode(long rowOffset, float[] out, int outOffset) {
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            float d = Kernels.f16(data, block + D);
            for (int w = 0; w < BLOCK; w += 16) {
                int half = w >> 7;
                int quarter = (w >> 5) & 3;
                int l = w & 31;
                ByteVector lo = ByteVector.fromMemorySegment(Q, data, block + 64L * half + 32L * (quarter & 1) + l, LE);
                ByteVector hi = ByteVector.fromMemorySegment(Q, data, block + QH + 32L * half + l, LE);
                FloatVector nibble = quarter < 2 ? (FloatVector) lo.and((byte) 0x0F).castShape(F, 0)
                        : ((FloatVector) lo.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0))
                                .mul(0x1p-4f).add(8f);
                FloatVector top = quarter < 3
                        ? ((FloatVector) hi.and((byte) (3 << 2 * quarter)).castShape(F, 0)).mul((float) (16 >> 2 * quarter))
                        : ((FloatVector) hi.and((byte) 0xC0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0))
                                .add(128f).mul(0.25f);
                nibble.add(top).sub(32f).mul(d * Kernels.i8(data, block + SCALES + (w >> 4)))
                        .intoArray(out, outOffset + b * BLOCK + w);
            }
        }
    }

    @Override
    QuantizedActivations.Kind activationKind() {
        return QuantizedActivations.Kind.Q8_K;
    }

    /** With activations x = xd * xq a super-block contributes xd * d * sum_g scale_g * sum_i (q_i - 32) xq_i. */
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
                    dot += (quant(block, i) - 32) * q[qAt + i];
                }
                dots += Kernels.i8(data, block + SCALES + g) * dot;
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

    /**
     * The sum of scale_g * (q_i - 32) * xq_i over a super-block (exact; at most 256 * 32 * 127 *
     * 128). It returns an int, not a vector: a vector returned from a call that is not inlined is
     * boxed. Vector calls are written out rather than wrapped in helpers: every helper
     * level counts against C2's inlining depth, and past it vector operations are left as calls.
     */
    private int superBlockDotQ(long block, short[] q, int qAt) {
        IntVector dots = IntVector.zero(Kernels.I8);
        for (int half = 0; half < 2; half++) {
            long ql = block + 64L * half;
            long qh = block + QH + 32L * half;
            long scales = block + SCALES + 8L * half;
            int at = qAt + 128 * half;
            // Each 16-lane step is one scale group of each quarter.
            for (int l = 0; l < 32; l += 16) {
                // Bytes are widened to shorts first: x86 has no byte shifts, so byte-lane shifts
                // would each be emulated with several instructions.
                ShortVector low0 = (ShortVector) ByteVector.fromMemorySegment(Kernels.B16, data, ql + l, LE)
                        .castShape(Kernels.S16, 0);
                ShortVector low1 = (ShortVector) ByteVector.fromMemorySegment(Kernels.B16, data, ql + 32 + l, LE)
                        .castShape(Kernels.S16, 0);
                ShortVector high = (ShortVector) ByteVector.fromMemorySegment(Kernels.B16, data, qh + l, LE)
                        .castShape(Kernels.S16, 0);
                // Quants minus 32, in [-32, 31]; the top bits come from qh bit pairs moved to bits 4-5.
                ShortVector q1 = low0.and((short) 0xF)
                        .or(high.lanewise(VectorOperators.LSHL, 4).and((short) 0x30)).sub((short) 32);
                ShortVector q2 = low1.and((short) 0xF)
                        .or(high.lanewise(VectorOperators.LSHL, 2).and((short) 0x30)).sub((short) 32);
                ShortVector q3 = low0.lanewise(VectorOperators.LSHR, 4).and((short) 0xF)
                        .or(high.and((short) 0x30)).sub((short) 32);
                ShortVector q4 = low1.lanewise(VectorOperators.LSHR, 4).and((short) 0xF)
                        .or(high.lanewise(VectorOperators.LSHR, 2).and((short) 0x30)).sub((short) 32);
                int group = l / 16;
                IntVector p1 = q1.mul(ShortVector.fromArray(Kernels.S16, q, at + l)).reinterpretAsInts();
                IntVector p2 = q2.mul(ShortVector.fromArray(Kernels.S16, q, at + 32 + l)).reinterpretAsInts();
                IntVector p3 = q3.mul(ShortVector.fromArray(Kernels.S16, q, at + 64 + l)).reinterpretAsInts();
                IntVector p4 = q4.mul(ShortVector.fromArray(Kernels.S16, q, at + 96 + l)).reinterpretAsInts();
                // Pair sums of the 16-bit products (see Kernels.pairSum), times the group scales.
                dots = dots.add(p1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                                .add(p1.lanewise(VectorOperators.ASHR, 16)).mul(data.get(ValueLayout.JAVA_BYTE, scales + group)))
                        .add(p2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                                .add(p2.lanewise(VectorOperators.ASHR, 16)).mul(data.get(ValueLayout.JAVA_BYTE, scales + group + 2)))
                        .add(p3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                                .add(p3.lanewise(VectorOperators.ASHR, 16)).mul(data.get(ValueLayout.JAVA_BYTE, scales + group + 4)))
                        .add(p4.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                                .add(p4.lanewise(VectorOperators.ASHR, 16)).mul(data.get(ValueLayout.JAVA_BYTE, scales + group + 6)));
            }
        }
        return dots.reduceLanes(VectorOperators.ADD);
    }

    @Override
    void computeRows(int from, int to, float[] x, int xOffset, int batch, float[] out, int outOffset) {
        // A copy per class keeps these call sites monomorphic (see SegmentMatrix.computeRows).
        if (!Kernels.VECTOR16) {
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

    @Override
    void computeRowsQ(int from, int to, QuantizedActivations a, float[] out, int outOffset) {
        // A copy per class keeps these call sites monomorphic (see SegmentMatrix.computeRows).
        int batch = a.batch;
        for (int r = from; r < to; r++) {
            long rowOffset = r * rowBytes;
            int b = 0;
            if (Kernels.VECTOR) {
                // Prefill: four activation rows per pass over the weight row.
                for (; b + 4 <= batch; b += 4) {
                    vectorDotQ4(rowOffset, a, b, out, outOffset + b * rows + r, rows);
                }
            }
            for (; b < batch; b++) {
                out[outOffset + b * rows + r] = Kernels.VECTOR ? vectorDotQ(rowOffset, a, b) : scalarDotQ(rowOffset, a, b);
            }
        }
    }

    @Override
    void dequantize(long rowOffset, float[] out, int outOffset) {
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            float d = Kernels.f16(data, block + D);
            int base = outOffset + b * BLOCK;
            for (int i = 0; i < BLOCK; i++) {
                out[base + i] = d * Kernels.i8(data, block + SCALES + i / 16) * (quant(block, i) - 32);
            }
        }
    }
}
