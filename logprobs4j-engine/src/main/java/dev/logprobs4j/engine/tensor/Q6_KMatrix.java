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
     * Float kernels. Quants are split with masks only in decode (x86 has no byte shifts): a low
     * nibble is b & 0x0F, a high nibble the signed byte (b & 0xF0) ^ 0x80 (16 * (q - 8)) over 16
     * plus 8, and bit pair p of qh is (qh & (3 << 2p)) scaled to 16 * pair, bits 6-7 again through
     * the sign flip. The one-row kernel (dot1) widens the bytes to int lanes instead, where shifts
     * are cheap. Every step is exact, so a weight is (d * scale) * (q - 32) as dequantize computes it.
     */

    /** 16 quant bytes in one vector; the float kernels need {@link Kernels#F} to have 16 lanes. */
    private static final VectorSpecies<Byte> Q = ByteVector.SPECIES_128;

    /** Int lanes as wide as {@link Kernels#F}: six-bit quants are assembled in them. */
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;

    @Override
    void dot4(long o0, long o1, long o2, long o3, float[] x, int xOffset, float[] out, int at, int valid) {
        dot4ByRows(o0, o1, o2, o3, x, xOffset, out, at, valid);
    }

    /**
     * The row at {@code o} times x, its accumulator stored to {@code acc[spill..]}: 16 weights at
     * a time in order, each (d * scale) * (q - 32) exactly as {@link #decode} gives it, so the sum
     * is the tiles' bit for bit. A half super-block's 64 ql and 32 qh bytes are widened to int
     * lanes once (six vectors) and every 16-weight group is cut from them with shifts and masks.
     */
    @Override
    void dot1(long o, float[] x, int xOffset, float[] acc, int spill) {
        FloatVector a = FloatVector.zero(F);
        int sc = 64; // the block's 16 scales times d, in the spill area past the four accumulators
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = o + (long) b * BLOCK_BYTES;
            float d = Kernels.f16(data, block + D);
            ((FloatVector) ByteVector.fromMemorySegment(Q, data, block + SCALES, LE).castShape(F, 0)).mul(d)
                    .intoArray(acc, sc);
            for (int half = 0; half < 2; half++) {
                long ql = block + 64L * half;
                long qh = block + QH + 32L * half;
                int xb = xOffset + b * BLOCK + 128 * half;
                int g = sc + 8 * half;
                IntVector l0 = (IntVector) ByteVector.fromMemorySegment(Q, data, ql, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                IntVector l1 = (IntVector) ByteVector.fromMemorySegment(Q, data, ql + 16, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                IntVector l2 = (IntVector) ByteVector.fromMemorySegment(Q, data, ql + 32, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                IntVector l3 = (IntVector) ByteVector.fromMemorySegment(Q, data, ql + 48, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                IntVector h0 = (IntVector) ByteVector.fromMemorySegment(Q, data, qh, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                IntVector h1 = (IntVector) ByteVector.fromMemorySegment(Q, data, qh + 16, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                // Weights 0-31: low nibbles of ql 0-31 with qh bits 0-1; 32-63: low nibbles of ql
                // 32-63, qh bits 2-3; 64-95: high nibbles of ql 0-31, bits 4-5; 96-127: high
                // nibbles of ql 32-63, bits 6-7.
                a = ((FloatVector) l0.and(0xF).or(h0.lanewise(VectorOperators.LSHL, 4).and(0x30)).sub(32).convert(VectorOperators.I2F, 0)).mul(acc[g])
                        .fma(FloatVector.fromArray(F, x, xb), a);
                a = ((FloatVector) l1.and(0xF).or(h1.lanewise(VectorOperators.LSHL, 4).and(0x30)).sub(32).convert(VectorOperators.I2F, 0)).mul(acc[g + 1])
                        .fma(FloatVector.fromArray(F, x, xb + 16), a);
                a = ((FloatVector) l2.and(0xF).or(h0.lanewise(VectorOperators.LSHL, 2).and(0x30)).sub(32).convert(VectorOperators.I2F, 0)).mul(acc[g + 2])
                        .fma(FloatVector.fromArray(F, x, xb + 32), a);
                a = ((FloatVector) l3.and(0xF).or(h1.lanewise(VectorOperators.LSHL, 2).and(0x30)).sub(32).convert(VectorOperators.I2F, 0)).mul(acc[g + 3])
                        .fma(FloatVector.fromArray(F, x, xb + 48), a);
                a = ((FloatVector) l0.lanewise(VectorOperators.LSHR, 4).or(h0.and(0x30)).sub(32).convert(VectorOperators.I2F, 0)).mul(acc[g + 4])
                        .fma(FloatVector.fromArray(F, x, xb + 64), a);
                a = ((FloatVector) l1.lanewise(VectorOperators.LSHR, 4).or(h1.and(0x30)).sub(32).convert(VectorOperators.I2F, 0)).mul(acc[g + 5])
                        .fma(FloatVector.fromArray(F, x, xb + 80), a);
                a = ((FloatVector) l2.lanewise(VectorOperators.LSHR, 4).or(h0.lanewise(VectorOperators.LSHR, 2).and(0x30)).sub(32).convert(VectorOperators.I2F, 0)).mul(acc[g + 6])
                        .fma(FloatVector.fromArray(F, x, xb + 96), a);
                a = ((FloatVector) l3.lanewise(VectorOperators.LSHR, 4).or(h1.lanewise(VectorOperators.LSHR, 2).and(0x30)).sub(32).convert(VectorOperators.I2F, 0)).mul(acc[g + 7])
                        .fma(FloatVector.fromArray(F, x, xb + 112), a);
            }
        }
        a.intoArray(acc, spill);
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
