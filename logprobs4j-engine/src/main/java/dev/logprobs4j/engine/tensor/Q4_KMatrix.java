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
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * A Q4_K weight matrix. A super-block of 256 weights is 144 bytes: half-precision {@code d} and
 * {@code dmin}, 12 bytes packing eight 6-bit scales {@code sc} and eight 6-bit mins {@code m}, and
 * 128 bytes of nibbles. Each 64 weights use 32 nibble bytes: low nibbles are the first 32 weights
 * (sub-block {@code 2k}), high nibbles the next 32 (sub-block {@code 2k + 1}); a weight is
 * {@code d * sc * q - dmin * m}. Immutable and thread-safe.
 */
final class Q4_KMatrix extends QuantizedMatrix {

    private static final int BLOCK = 256;
    private static final int BLOCK_BYTES = 2 + 2 + 12 + BLOCK / 2;
    private static final int SCALES = 4;
    private static final int QS = 16;

    /** 16 nibble bytes in one vector; the float kernels need {@link Kernels#F} to have 16 lanes. */
    private static final VectorSpecies<Byte> Q = ByteVector.SPECIES_128;

    Q4_KMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_K;
    }

    /**
     * The 6-bit scale (low byte) and min (second byte) of sub-block {@code j} (0..7). Sub-blocks
     * 0..3 keep theirs in the low 6 bits of bytes j and j + 4; sub-blocks 4..7 keep their low 4
     * bits in the nibbles of byte j + 4 and their top 2 bits in the spare top bits of bytes j - 4
     * (scale) and j (min).
     */
    static int scaleMin(MemorySegment data, long scales, int j) {
        int scale;
        int min;
        if (j < 4) {
            scale = Kernels.u8(data, scales + j) & 63;
            min = Kernels.u8(data, scales + j + 4) & 63;
        } else {
            int packed = Kernels.u8(data, scales + j + 4);
            scale = (packed & 0xF) | ((Kernels.u8(data, scales + j - 4) >>> 6) << 4);
            min = (packed >>> 4) | ((Kernels.u8(data, scales + j) >>> 6) << 4);
        }
        return scale | (min << 8);
    }

    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);

    /**
     * All eight 6-bit scales of the super-block whose scale bytes start at {@code scales}, scale
     * {@code j} in byte {@code j} of the result: the same unpacking as {@link #scaleMin}, done on
     * whole words (two loads instead of sixteen).
     */
    static long packedScales(MemorySegment data, long scales) {
        long low = data.get(LE_LONG, scales);
        int high = data.get(LE_INT, scales + 8);
        long first = low & 0x3F3F3F3FL;
        long second = (high & 0x0F0F0F0FL) | ((low & 0xC0C0C0C0L) >>> 2);
        return first | (second << 32);
    }

    /** All eight 6-bit mins, min {@code j} in byte {@code j}; see {@link #packedScales}. */
    static long packedMins(MemorySegment data, long scales) {
        long low = data.get(LE_LONG, scales);
        int high = data.get(LE_INT, scales + 8);
        long first = (low >>> 32) & 0x3F3F3F3FL;
        long second = ((high >>> 4) & 0x0F0F0F0FL) | (((low >>> 32) & 0xC0C0C0C0L) >>> 2);
        return first | (second << 32);
    }

    @Override
    float scalarDot(long rowOffset, float[] x, int xOffset) {
        float sum = 0f;
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            float d = Kernels.f16(data, block);
            float dmin = Kernels.f16(data, block + 2);
            for (int sub = 0; sub < 8; sub++) {
                int sm = scaleMin(data, block + SCALES, sub);
                float scale = d * (sm & 0xFF);
                float min = dmin * (sm >>> 8);
                long qs = block + QS + 32L * (sub / 2);
                int shift = 4 * (sub % 2);
                int xBase = xOffset + b * BLOCK + 32 * sub;
                for (int i = 0; i < 32; i++) {
                    int q = (Kernels.u8(data, qs + i) >>> shift) & 0xF;
                    sum += (scale * q - min) * x[xBase + i];
                }
            }
        }
        return sum;
    }

    /*
     * Float kernels. A sub-block's 32 weights take one of 16 values, scale * q - min, so each
     * sub-block builds that table once (a multiply and a subtract of a constant vector, rounded
     * exactly as dequantize rounds them) and looks its weights up with a lane permute indexed by
     * the nibbles widened to int lanes. Per pair of sub-blocks the 32 nibble bytes are loaded
     * once: low nibbles give the first sub-block, high nibbles (a shift) the second.
     */

    /** Int lanes as wide as {@link Kernels#F}: the nibbles, widened, index the tables. */
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;

    /** q = 0..15, one per lane: a sub-block's table is this times its scale minus its min. */
    private static final FloatVector LEVELS = FloatVector.fromArray(Kernels.F,
            new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, 0);

    @Override
    void dot4(long o0, long o1, long o2, long o3, float[] x, int xOffset, float[] out, int at, int valid) {
        dot4ByRows(o0, o1, o2, o3, x, xOffset, out, at, valid);
    }

    /** Where dot1 keeps a super-block's 8 scales times d and 8 mins times dmin: past the four accumulators. */
    private static final int SCALED = 64;
    private static final int MINS = 72;

    /**
     * The row at {@code o} times x, its accumulator stored to {@code acc[spill..]}; weights in
     * ascending order, 16 at a time, each looked up in its sub-block's table, so the sum is the
     * tiles' bit for bit. (Writing the four 64-weight pairs out with constant offsets, so that
     * C2 checks segment bounds once per block, measured only 3% faster than this loop.)
     */
    @Override
    void dot1(long o, float[] x, int xOffset, float[] acc, int spill) {
        FloatVector a = FloatVector.zero(F);
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = o + (long) b * BLOCK_BYTES;
            int xp = xOffset + b * BLOCK;
            scalesAndMins(block, acc, SCALED);
            for (int pair = 0; pair < 4; pair++) {
                long qs = block + QS + 32L * pair;
                int xq = xp + 64 * pair;
                IntVector low = LEVELS.mul(acc[SCALED + 2 * pair]).sub(acc[MINS + 2 * pair]).reinterpretAsInts();
                IntVector high = LEVELS.mul(acc[SCALED + 2 * pair + 1]).sub(acc[MINS + 2 * pair + 1]).reinterpretAsInts();
                IntVector p = (IntVector) ByteVector.fromMemorySegment(Q, data, qs, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                IntVector n = (IntVector) ByteVector.fromMemorySegment(Q, data, qs + 16, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                a = p.and(0xF).selectFrom(low).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, xq), a);
                a = n.and(0xF).selectFrom(low).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, xq + 16), a);
                a = p.lanewise(VectorOperators.LSHR, 4).selectFrom(high).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, xq + 32), a);
                a = n.lanewise(VectorOperators.LSHR, 4).selectFrom(high).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, xq + 48), a);
            }
        }
        a.intoArray(acc, spill);
    }

    /** For each output lane (8 scales, then 8 mins), the byte of the 12 scale bytes holding its low bits. */
    private static final VectorShuffle<Integer> LOW_BITS = VectorShuffle.fromValues(IntVector.SPECIES_512,
            0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 8, 9, 10, 11);
    /** The byte holding the two high bits of scales and mins 4-7 (lanes of the other entries: any). */
    private static final VectorShuffle<Integer> HIGH_BITS = VectorShuffle.fromValues(IntVector.SPECIES_512,
            0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7, 4, 5, 6, 7);
    private static final IntVector LOW_SHIFT = IntVector.fromArray(IntVector.SPECIES_512,
            new int[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4}, 0);
    private static final IntVector LOW_MASK = IntVector.fromArray(IntVector.SPECIES_512,
            new int[] {63, 63, 63, 63, 15, 15, 15, 15, 63, 63, 63, 63, 15, 15, 15, 15}, 0);
    private static final IntVector HIGH_MASK = IntVector.fromArray(IntVector.SPECIES_512,
            new int[] {0, 0, 0, 0, 0x30, 0x30, 0x30, 0x30, 0, 0, 0, 0, 0x30, 0x30, 0x30, 0x30}, 0);
    private static final VectorMask<Float> MIN_LANES = VectorMask.fromLong(FloatVector.SPECIES_512, 0xFF00L);

    /**
     * The eight sub-block scales (d * scale) of the super-block at {@code block} to {@code
     * into[at..]} and its eight mins (dmin * min) to {@code into[at + 8..]}, rounded as dequantize
     * rounds them. With vector operations: the 12 packed bytes widened to int lanes, each scale's
     * and min's six bits gathered by two lane permutes, variable shifts and masks, then converted
     * and multiplied by d or dmin. (Sixteen scalar unpack-convert-multiply-store sequences per
     * block, as before, cost the one-row kernel more than its arithmetic.) Reads the 4 quant bytes
     * after the scales too, and ignores them. Needs 16-lane vectors.
     */
    private void scalesAndMins(long block, float[] into, int at) {
        float d = Kernels.f16(data, block);
        float dmin = Kernels.f16(data, block + 2);
        IntVector c = (IntVector) ByteVector.fromMemorySegment(Q, data, block + SCALES, LE)
                .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
        IntVector six = c.rearrange(LOW_BITS).lanewise(VectorOperators.LSHR, LOW_SHIFT).and(LOW_MASK)
                .or(c.rearrange(HIGH_BITS).lanewise(VectorOperators.LSHR, 2).and(HIGH_MASK));
        FloatVector factor = FloatVector.broadcast(FloatVector.SPECIES_512, d).blend(dmin, MIN_LANES);
        ((FloatVector) six.convert(VectorOperators.I2F, 0)).mul(factor).intoArray(into, at);
    }

    @Override
    void decode(long rowOffset, float[] out, int outOffset) {
        // The spill area as scratch: the tiles fill it only after the whole panel is decoded.
        float[] scaled = Kernels.accumulators();
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            scalesAndMins(block, scaled, SCALED);
            for (int pair = 0; pair < 4; pair++) {
                IntVector lowTable = LEVELS.mul(scaled[SCALED + 2 * pair]).sub(scaled[MINS + 2 * pair]).reinterpretAsInts();
                IntVector highTable = LEVELS.mul(scaled[SCALED + 2 * pair + 1]).sub(scaled[MINS + 2 * pair + 1])
                        .reinterpretAsInts();
                int o = outOffset + b * BLOCK + 64 * pair;
                for (int i = 0; i < 32; i += 16) {
                    IntVector q = (IntVector) ByteVector.fromMemorySegment(Q, data, block + QS + 32L * pair + i, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                    q.and(0xF).selectFrom(lowTable).reinterpretAsFloats().intoArray(out, o + i);
                    q.lanewise(VectorOperators.LSHR, 4).selectFrom(highTable).reinterpretAsFloats().intoArray(out, o + 32 + i);
                }
            }
        }
    }

    @Override
    QuantizedActivations.Kind activationKind() {
        return QuantizedActivations.Kind.Q8_K;
    }

    /*
     * With activations x = xd * xq, a super-block contributes
     * xd * (d * sum_j sc_j * sum_i q_i xq_i - dmin * sum_j m_j * sum_i xq_i), sub-blocks j of 32,
     * and sum_i xq_i is the activations' precomputed 32-value sum: integers up to the last step.
     */
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
                int sm = scaleMin(data, block + SCALES, sub);
                long qs = block + QS + 32L * (sub / 2);
                int shift = 4 * (sub % 2);
                int dot = 0;
                for (int i = 0; i < 32; i++) {
                    dot += ((Kernels.u8(data, qs + i) >>> shift) & 0xF) * q[qAt + 32 * sub + i];
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
            long packedMins = packedMins(data, block + SCALES);
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

    /**
     * The sum of sc_j * q_i * xq_i over a super-block (exact; at most 256 * 15 * 127 * 63). It
     * returns an int, not a vector: a vector returned from a call that is not inlined is boxed.
     * Vector calls are written out rather than wrapped in helpers: every helper level counts
     * against C2's inlining depth, and past it the vector operations are left as calls.
     */
    private int superBlockDotQ(long block, short[] q, int qAt) {
        IntVector dots = IntVector.zero(Kernels.I8);
        long scales = packedScales(data, block + SCALES);
        for (int pair = 0; pair < 4; pair++) {
            long qs = block + QS + 32L * pair;
            int at = qAt + 64 * pair;
            // Widened to shorts before the nibbles are split: x86 has no byte shifts.
            ShortVector packed0 = (ShortVector) ByteVector.fromMemorySegment(Kernels.B16, data, qs, LE)
                    .castShape(Kernels.S16, 0);
            ShortVector packed1 = (ShortVector) ByteVector.fromMemorySegment(Kernels.B16, data, qs + 16, LE)
                    .castShape(Kernels.S16, 0);
            ShortVector low0 = packed0.and((short) 0xF);
            ShortVector low1 = packed1.and((short) 0xF);
            ShortVector high0 = packed0.lanewise(VectorOperators.LSHR, 4).and((short) 0xF);
            ShortVector high1 = packed1.lanewise(VectorOperators.LSHR, 4).and((short) 0xF);
            // Products are at most 15 * 127, so two add in 16 bits.
            IntVector low = low0.mul(ShortVector.fromArray(Kernels.S16, q, at))
                    .add(low1.mul(ShortVector.fromArray(Kernels.S16, q, at + 16))).reinterpretAsInts();
            IntVector high = high0.mul(ShortVector.fromArray(Kernels.S16, q, at + 32))
                    .add(high1.mul(ShortVector.fromArray(Kernels.S16, q, at + 48))).reinterpretAsInts();
            int scaleLow = (int) (scales >>> (16 * pair)) & 0xFF;
            int scaleHigh = (int) (scales >>> (16 * pair + 8)) & 0xFF;
            // Pair sums of the 16-bit lanes (see Kernels.pairSum), times the sub-block scales.
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
            float d = Kernels.f16(data, block);
            float dmin = Kernels.f16(data, block + 2);
            for (int sub = 0; sub < 8; sub++) {
                int sm = scaleMin(data, block + SCALES, sub);
                float scale = d * (sm & 0xFF);
                float min = dmin * (sm >>> 8);
                long qs = block + QS + 32L * (sub / 2);
                int shift = 4 * (sub % 2);
                int base = outOffset + b * BLOCK + 32 * sub;
                for (int i = 0; i < 32; i++) {
                    out[base + i] = scale * ((Kernels.u8(data, qs + i) >>> shift) & 0xF) - min;
                }
            }
        }
    }
}
