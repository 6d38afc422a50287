package dev.logprobs4j.engine.tensor;

import static dev.logprobs4j.engine.tensor.Kernels.B;
import static dev.logprobs4j.engine.tensor.Kernels.F;
import static dev.logprobs4j.engine.tensor.Kernels.LE;

import dev.logprobs4j.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * A Q5_K weight matrix. A super-block of 256 weights is 176 bytes: half-precision {@code d} and
 * {@code dmin}, 12 bytes of 6-bit scales and mins packed as Q4_K's, 32 bytes {@code qh} and 128
 * bytes of nibbles laid out as Q4_K's. Weight {@code l} (0..31) of sub-block {@code j} takes its
 * fifth bit from bit {@code j} of {@code qh[l]}; a weight is {@code d * sc * q - dmin * m}.
 * Immutable and thread-safe.
 */
final class Q5_KMatrix extends QuantizedMatrix {

    private static final int BLOCK = 256;
    private static final int BLOCK_BYTES = 2 + 2 + 12 + BLOCK / 8 + BLOCK / 2;
    private static final int SCALES = 4;
    private static final int QH = 16;
    private static final int QS = 48;

    Q5_KMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q5_K;
    }

    /** The 5-bit quant (0..31) of weight {@code k} (0..255) of the super-block at {@code block}. */
    private int quant(long block, int k) {
        int sub = k / 32;
        int packed = Kernels.u8(data, block + QS + 32L * (sub / 2) + k % 32);
        int low = sub % 2 == 0 ? packed & 0xF : packed >>> 4;
        return low | ((Kernels.u8(data, block + QH + k % 32) >>> sub) & 1) << 4;
    }

    private float weight(long rowOffset, int i) {
        long block = rowOffset + (long) (i / BLOCK) * BLOCK_BYTES;
        int k = i % BLOCK;
        int sm = Q4_KMatrix.scaleMin(data, block + SCALES, k / 32);
        return Kernels.f16(data, block) * (sm & 0xFF) * quant(block, k) - Kernels.f16(data, block + 2) * (sm >>> 8);
    }

    @Override
    float scalarDot(long rowOffset, float[] x, int xOffset) {
        float sum = 0f;
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            float d = Kernels.f16(data, block);
            float dmin = Kernels.f16(data, block + 2);
            for (int sub = 0; sub < 8; sub++) {
                int sm = Q4_KMatrix.scaleMin(data, block + SCALES, sub);
                float scale = d * (sm & 0xFF);
                float min = dmin * (sm >>> 8);
                int xBase = xOffset + b * BLOCK + 32 * sub;
                for (int i = 0; i < 32; i++) {
                    sum += (scale * quant(block, 32 * sub + i) - min) * x[xBase + i];
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
        float d = Kernels.f16(data, block);
        float dmin = Kernels.f16(data, block + 2);
        for (int pair = 0; pair < 4; pair++) {
            int smLow = Q4_KMatrix.scaleMin(data, block + SCALES, 2 * pair);
            int smHigh = Q4_KMatrix.scaleMin(data, block + SCALES, 2 * pair + 1);
            FloatVector scaleLow = FloatVector.broadcast(F, d * (smLow & 0xFF));
            FloatVector minLow = FloatVector.broadcast(F, -dmin * (smLow >>> 8));
            FloatVector scaleHigh = FloatVector.broadcast(F, d * (smHigh & 0xFF));
            FloatVector minHigh = FloatVector.broadcast(F, -dmin * (smHigh >>> 8));
            long qs = block + QS + 32L * pair;
            int xBase = xBase0 + 64 * pair;
            for (int i = 0; i < 32; i += lanes) {
                ByteVector packed = ByteVector.fromMemorySegment(B, data, qs + i, LE);
                ByteVector qh = ByteVector.fromMemorySegment(B, data, block + QH + i, LE);
                ByteVector lowQ = packed.and((byte) 0xF)
                        .or(qh.lanewise(VectorOperators.LSHR, 2 * pair).and((byte) 1).lanewise(VectorOperators.LSHL, 4));
                ByteVector highQ = packed.lanewise(VectorOperators.LSHR, 4)
                        .or(qh.lanewise(VectorOperators.LSHR, 2 * pair + 1).and((byte) 1).lanewise(VectorOperators.LSHL, 4));
                FloatVector low = Kernels.toFloats(lowQ).fma(scaleLow, minLow);
                FloatVector high = Kernels.toFloats(highQ).fma(scaleHigh, minHigh);
                acc0 = low.fma(FloatVector.fromArray(F, x, xBase + i), acc0);
                acc1 = high.fma(FloatVector.fromArray(F, x, xBase + 32 + i), acc1);
            }
        }
        return Kernels.sumLanes(acc0.add(acc1));
    }

    @Override
    QuantizedActivations.Kind activationKind() {
        return QuantizedActivations.Kind.Q8_K;
    }

    /** As Q4_K: xd * (d * sum_j sc_j * sum_i q_i xq_i - dmin * sum_j m_j * sum_i xq_i), integers up to the last step. */
    @Override
    float scalarDotQ(long rowOffset, QuantizedActivations a, int aRow) {
        short[] q = a.q;
        int blocks = cols / BLOCK;
        float sum = 0f;
        for (int b = 0; b < blocks; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            int qAt = aRow * cols + b * BLOCK;
            int dots = 0;
            int mins = 0;
            for (int sub = 0; sub < 8; sub++) {
                int sm = Q4_KMatrix.scaleMin(data, block + SCALES, sub);
                int dot = 0;
                for (int i = 0; i < 32; i++) {
                    dot += quant(block, 32 * sub + i) * q[qAt + 32 * sub + i];
                }
                dots += (sm & 0xFF) * dot;
                mins += (sm >>> 8) * a.sums[qAt / 32 + sub];
            }
            float xd = a.d[aRow * blocks + b];
            sum += xd * (Kernels.f16(data, block) * dots) - xd * (Kernels.f16(data, block + 2) * mins);
        }
        return sum;
    }

    @Override
    float vectorDotQ(long rowOffset, QuantizedActivations a, int aRow) {
        int blocks = cols / BLOCK;
        float sum = 0f;
        for (int b = 0; b < blocks; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            int qAt = aRow * cols + b * BLOCK;
            int dots = superBlockDotQ(block, a.q, qAt);
            long packedMins = Q4_KMatrix.packedMins(data, block + SCALES);
            int mins = 0;
            for (int sub = 0; sub < 8; sub++) {
                mins += (int) (packedMins >>> (8 * sub) & 0xFF) * a.sums[qAt / 32 + sub];
            }
            // The same float steps as the scalar twin: integer sums are exact, so both agree bit for bit.
            float xd = a.d[aRow * blocks + b];
            sum += xd * (Kernels.f16(data, block) * dots) - xd * (Kernels.f16(data, block + 2) * mins);
        }
        return sum;
    }

    /** The sum of sc_j * q_i * xq_i over a super-block (exact); written out as in Q4_KMatrix. */
    private int superBlockDotQ(long block, short[] q, int qAt) {
        IntVector dots = IntVector.zero(Kernels.I8);
        long scales = Q4_KMatrix.packedScales(data, block + SCALES);
        // Fifth bits of weights l and l + 16 of every sub-block, widened once (x86 has no byte shifts).
        ShortVector qh0 = (ShortVector) ByteVector.fromMemorySegment(Kernels.B16, data, block + QH, LE).castShape(Kernels.S16, 0);
        ShortVector qh1 = (ShortVector) ByteVector.fromMemorySegment(Kernels.B16, data, block + QH + 16, LE)
                .castShape(Kernels.S16, 0);
        for (int pair = 0; pair < 4; pair++) {
            long qs = block + QS + 32L * pair;
            int at = qAt + 64 * pair;
            ShortVector packed0 = (ShortVector) ByteVector.fromMemorySegment(Kernels.B16, data, qs, LE).castShape(Kernels.S16, 0);
            ShortVector packed1 = (ShortVector) ByteVector.fromMemorySegment(Kernels.B16, data, qs + 16, LE)
                    .castShape(Kernels.S16, 0);
            ShortVector low0 = packed0.and((short) 0xF)
                    .or(qh0.lanewise(VectorOperators.LSHR, 2 * pair).and((short) 1).lanewise(VectorOperators.LSHL, 4));
            ShortVector low1 = packed1.and((short) 0xF)
                    .or(qh1.lanewise(VectorOperators.LSHR, 2 * pair).and((short) 1).lanewise(VectorOperators.LSHL, 4));
            ShortVector high0 = packed0.lanewise(VectorOperators.LSHR, 4).and((short) 0xF)
                    .or(qh0.lanewise(VectorOperators.LSHR, 2 * pair + 1).and((short) 1).lanewise(VectorOperators.LSHL, 4));
            ShortVector high1 = packed1.lanewise(VectorOperators.LSHR, 4).and((short) 0xF)
                    .or(qh1.lanewise(VectorOperators.LSHR, 2 * pair + 1).and((short) 1).lanewise(VectorOperators.LSHL, 4));
            // Products are at most 31 * 127, so two add in 16 bits.
            IntVector low = low0.mul(ShortVector.fromArray(Kernels.S16, q, at))
                    .add(low1.mul(ShortVector.fromArray(Kernels.S16, q, at + 16))).reinterpretAsInts();
            IntVector high = high0.mul(ShortVector.fromArray(Kernels.S16, q, at + 32))
                    .add(high1.mul(ShortVector.fromArray(Kernels.S16, q, at + 48))).reinterpretAsInts();
            int scaleLow = (int) (scales >>> (16 * pair)) & 0xFF;
            int scaleHigh = (int) (scales >>> (16 * pair + 8)) & 0xFF;
            IntVector lowSums = low.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(low.lanewise(VectorOperators.ASHR, 16));
            IntVector highSums = high.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(high.lanewise(VectorOperators.ASHR, 16));
            dots = dots.add(lowSums.mul(scaleLow)).add(highSums.mul(scaleHigh));
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
     * kernels), two rows per body as Q4_K's. Per pair of sub-blocks the 32 nibble bytes are split
     * as Q4_K's; the fifth bit of sub-block j is bit j of the qh bytes, masked in place (0 or 2^j,
     * the byte sign making bit 7 -128) and scaled to 0 or 16 in float. All steps before
     * q * (d * sc) - dmin * m are exact, so the weights are dequantize's bit for bit.
     */

    /** The factor that turns {@code qh & (1 << j)}, read as a signed byte, into 16 times the bit. */
    private static float fifthBit(int j) {
        return j == 7 ? -0.125f : 16f / (1 << j);
    }

    @Override
    void decode(long rowOffset, float[] out, int outOffset) {
        if (!Kernels.VECTOR16) {
            dequantize(rowOffset, out, outOffset);
            return;
        }
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            float d = Kernels.f16(data, block);
            float dmin = Kernels.f16(data, block + 2);
            long scales = Q4_KMatrix.packedScales(data, block + SCALES);
            long mins = Q4_KMatrix.packedMins(data, block + SCALES);
            ByteVector h0 = ByteVector.fromMemorySegment(Kernels.B16, data, block + QH, LE);
            ByteVector h1 = ByteVector.fromMemorySegment(Kernels.B16, data, block + QH + 16, LE);
            for (int pair = 0; pair < 4; pair++) {
                int j = 2 * pair;
                float sl = d * (int) (scales >>> 8 * j & 0xFF);
                float ml = dmin * (int) (mins >>> 8 * j & 0xFF);
                float sh = d * (int) (scales >>> 8 * j + 8 & 0xFF);
                float mh = dmin * (int) (mins >>> 8 * j + 8 & 0xFF);
                byte bl = (byte) (1 << j);
                byte bh = (byte) (2 << j);
                float fl = fifthBit(j);
                float fh = fifthBit(j + 1);
                int o = outOffset + b * BLOCK + 64 * pair;
                ByteVector p = ByteVector.fromMemorySegment(Kernels.B16, data, block + QS + 32L * pair, LE);
                ByteVector n = ByteVector.fromMemorySegment(Kernels.B16, data, block + QS + 32L * pair + 16, LE);
                ((FloatVector) p.and((byte) 0x0F).castShape(F, 0)).add(((FloatVector) h0.and(bl).castShape(F, 0)).mul(fl))
                        .mul(sl).sub(ml).intoArray(out, o);
                ((FloatVector) n.and((byte) 0x0F).castShape(F, 0)).add(((FloatVector) h1.and(bl).castShape(F, 0)).mul(fl))
                        .mul(sl).sub(ml).intoArray(out, o + 16);
                ((FloatVector) p.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).mul(0x1p-4f).add(8f)
                        .add(((FloatVector) h0.and(bh).castShape(F, 0)).mul(fh)).mul(sh).sub(mh).intoArray(out, o + 32);
                ((FloatVector) n.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).mul(0x1p-4f).add(8f)
                        .add(((FloatVector) h1.and(bh).castShape(F, 0)).mul(fh)).mul(sh).sub(mh).intoArray(out, o + 48);
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

    private void dot2(long o0, long o1, float[] x, int xOffset, float[] out, int at, int valid) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        for (int b = 0; b < cols / BLOCK; b++) {
            long k = (long) b * BLOCK_BYTES;
            float d0 = Kernels.f16(data, o0 + k);
            float dm0 = Kernels.f16(data, o0 + k + 2);
            long sc0 = Q4_KMatrix.packedScales(data, o0 + k + SCALES);
            long mn0 = Q4_KMatrix.packedMins(data, o0 + k + SCALES);
            ByteVector g0 = ByteVector.fromMemorySegment(Kernels.B16, data, o0 + k + QH, LE);
            ByteVector g1 = ByteVector.fromMemorySegment(Kernels.B16, data, o0 + k + QH + 16, LE);
            float d1 = Kernels.f16(data, o1 + k);
            float dm1 = Kernels.f16(data, o1 + k + 2);
            long sc1 = Q4_KMatrix.packedScales(data, o1 + k + SCALES);
            long mn1 = Q4_KMatrix.packedMins(data, o1 + k + SCALES);
            ByteVector e0 = ByteVector.fromMemorySegment(Kernels.B16, data, o1 + k + QH, LE);
            ByteVector e1 = ByteVector.fromMemorySegment(Kernels.B16, data, o1 + k + QH + 16, LE);
            for (int pair = 0; pair < 4; pair++) {
                int j = 2 * pair;
                byte bl = (byte) (1 << j);
                byte bh = (byte) (2 << j);
                float fl = fifthBit(j);
                float fh = fifthBit(j + 1);
                long qs = k + QS + 32L * pair;
                int xp = xOffset + b * BLOCK + 64 * pair;
                FloatVector x0 = FloatVector.fromArray(F, x, xp);
                FloatVector x1 = FloatVector.fromArray(F, x, xp + 16);
                FloatVector x2 = FloatVector.fromArray(F, x, xp + 32);
                FloatVector x3 = FloatVector.fromArray(F, x, xp + 48);
                ByteVector p0 = ByteVector.fromMemorySegment(Kernels.B16, data, o0 + qs, LE);
                ByteVector n0 = ByteVector.fromMemorySegment(Kernels.B16, data, o0 + qs + 16, LE);
                float sl0 = d0 * (int) (sc0 >>> 8 * j & 0xFF);
                float ml0 = dm0 * (int) (mn0 >>> 8 * j & 0xFF);
                float sh0 = d0 * (int) (sc0 >>> 8 * j + 8 & 0xFF);
                float mh0 = dm0 * (int) (mn0 >>> 8 * j + 8 & 0xFF);
                a0 = ((FloatVector) p0.and((byte) 0x0F).castShape(F, 0)).add(((FloatVector) g0.and(bl).castShape(F, 0)).mul(fl))
                        .mul(sl0).sub(ml0).fma(x0, a0);
                a0 = ((FloatVector) n0.and((byte) 0x0F).castShape(F, 0)).add(((FloatVector) g1.and(bl).castShape(F, 0)).mul(fl))
                        .mul(sl0).sub(ml0).fma(x1, a0);
                a0 = ((FloatVector) p0.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).mul(0x1p-4f).add(8f)
                        .add(((FloatVector) g0.and(bh).castShape(F, 0)).mul(fh)).mul(sh0).sub(mh0).fma(x2, a0);
                a0 = ((FloatVector) n0.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).mul(0x1p-4f).add(8f)
                        .add(((FloatVector) g1.and(bh).castShape(F, 0)).mul(fh)).mul(sh0).sub(mh0).fma(x3, a0);
                ByteVector p1 = ByteVector.fromMemorySegment(Kernels.B16, data, o1 + qs, LE);
                ByteVector n1 = ByteVector.fromMemorySegment(Kernels.B16, data, o1 + qs + 16, LE);
                float sl1 = d1 * (int) (sc1 >>> 8 * j & 0xFF);
                float ml1 = dm1 * (int) (mn1 >>> 8 * j & 0xFF);
                float sh1 = d1 * (int) (sc1 >>> 8 * j + 8 & 0xFF);
                float mh1 = dm1 * (int) (mn1 >>> 8 * j + 8 & 0xFF);
                a1 = ((FloatVector) p1.and((byte) 0x0F).castShape(F, 0)).add(((FloatVector) e0.and(bl).castShape(F, 0)).mul(fl))
                        .mul(sl1).sub(ml1).fma(x0, a1);
                a1 = ((FloatVector) n1.and((byte) 0x0F).castShape(F, 0)).add(((FloatVector) e1.and(bl).castShape(F, 0)).mul(fl))
                        .mul(sl1).sub(ml1).fma(x1, a1);
                a1 = ((FloatVector) p1.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).mul(0x1p-4f).add(8f)
                        .add(((FloatVector) e0.and(bh).castShape(F, 0)).mul(fh)).mul(sh1).sub(mh1).fma(x2, a1);
                a1 = ((FloatVector) n1.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).mul(0x1p-4f).add(8f)
                        .add(((FloatVector) e1.and(bh).castShape(F, 0)).mul(fh)).mul(sh1).sub(mh1).fma(x3, a1);
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
