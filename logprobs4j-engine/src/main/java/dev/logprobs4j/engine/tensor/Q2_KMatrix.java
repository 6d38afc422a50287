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
 * A Q2_K weight matrix. A super-block of 256 weights is 84 bytes: 16 bytes each holding a 4-bit
 * scale (low) and 4-bit min (high) of one 16-weight group, 64 bytes of 2-bit quants, and
 * half-precision {@code d} and {@code dmin}. Each half of 128 weights uses 32 quant bytes: for
 * {@code l} in 0..31, weights {@code l, l+32, l+64, l+96} take bit pairs 0-1, 2-3, 4-5, 6-7 of
 * byte {@code l}; a weight is {@code d * sc * q - dmin * m}. Immutable and thread-safe.
 */
final class Q2_KMatrix extends QuantizedMatrix {

    private static final int BLOCK = 256;
    private static final int BLOCK_BYTES = BLOCK / 16 + BLOCK / 4 + 2 + 2;
    private static final int QS = 16;
    private static final int D = 80;
    private static final int DMIN = 82;

    Q2_KMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q2_K;
    }

    /** The 2-bit quant of weight {@code k} (0..255) of the super-block at {@code block}. */
    private int quant(long block, int k) {
        return (Kernels.u8(data, block + QS + 32L * (k / 128) + k % 32) >>> (2 * (k % 128 / 32))) & 3;
    }

    private float weight(long rowOffset, int i) {
        long block = rowOffset + (long) (i / BLOCK) * BLOCK_BYTES;
        int k = i % BLOCK;
        int sc = Kernels.u8(data, block + k / 16);
        return Kernels.f16(data, block + D) * (sc & 0xF) * quant(block, k) - Kernels.f16(data, block + DMIN) * (sc >>> 4);
    }

    @Override
    float scalarDot(long rowOffset, float[] x, int xOffset) {
        float sum = 0f;
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            float d = Kernels.f16(data, block + D);
            float dmin = Kernels.f16(data, block + DMIN);
            int xBase = xOffset + b * BLOCK;
            for (int g = 0; g < 16; g++) {
                int sc = Kernels.u8(data, block + g);
                float scale = d * (sc & 0xF);
                float min = dmin * (sc >>> 4);
                for (int i = 16 * g; i < 16 * g + 16; i++) {
                    sum += (scale * quant(block, i) - min) * x[xBase + i];
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
        float dmin = Kernels.f16(data, block + DMIN);
        for (int half = 0; half < 2; half++) {
            long qs = block + QS + 32L * half;
            for (int l = 0; l < 32; l += lanes) {
                ByteVector packed = ByteVector.fromMemorySegment(B, data, qs + l, LE);
                // lanes <= 16, so each step stays inside one 16-weight group of each quarter.
                for (int quarter = 0; quarter < 4; quarter += 2) {
                    int g0 = 8 * half + 2 * quarter + l / 16;
                    int sc0 = Kernels.u8(data, block + g0);
                    int sc1 = Kernels.u8(data, block + g0 + 2);
                    FloatVector w0 = Kernels.toFloats(packed.lanewise(VectorOperators.LSHR, 2 * quarter).and((byte) 3))
                            .fma(FloatVector.broadcast(F, d * (sc0 & 0xF)), FloatVector.broadcast(F, -dmin * (sc0 >>> 4)));
                    FloatVector w1 = Kernels.toFloats(packed.lanewise(VectorOperators.LSHR, 2 * quarter + 2).and((byte) 3))
                            .fma(FloatVector.broadcast(F, d * (sc1 & 0xF)), FloatVector.broadcast(F, -dmin * (sc1 >>> 4)));
                    int xBase = xBase0 + 128 * half + 32 * quarter + l;
                    acc0 = w0.fma(FloatVector.fromArray(F, x, xBase), acc0);
                    acc1 = w1.fma(FloatVector.fromArray(F, x, xBase + 32), acc1);
                }
            }
        }
        return Kernels.sumLanes(acc0.add(acc1));
    }

    @Override
    QuantizedActivations.Kind activationKind() {
        return QuantizedActivations.Kind.Q8_K;
    }

    /*
     * With x = xd * xq a super-block contributes xd * (d * sum_g sc_g * sum_i q_i xq_i - dmin *
     * sum_g m_g * sum_i xq_i) over 16-weight groups g. llama.cpp's Q8_K keeps 16-value quant sums
     * for the second term; these activations keep 32-value ones, so the kernel sums the quants
     * itself (exact either way).
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
            for (int g = 0; g < 16; g++) {
                int sc = Kernels.u8(data, block + g);
                int dot = 0;
                int xs = 0;
                for (int i = 16 * g; i < 16 * g + 16; i++) {
                    dot += quant(block, i) * q[qAt + i];
                    xs += q[qAt + i];
                }
                dots += (sc & 0xF) * dot;
                mins += (sc >>> 4) * xs;
            }
            float xd = a.d[aRow * blocks + b];
            sum += xd * (Kernels.f16(data, block + D) * dots) - xd * (Kernels.f16(data, block + DMIN) * mins);
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
            long both = superBlockDotQ(block, a.q, qAt);
            int dots = (int) both;
            int mins = (int) (both >> 32);
            // The same float steps as the scalar twin: integer sums are exact, so both agree bit for bit.
            float xd = a.d[aRow * blocks + b];
            sum += xd * (Kernels.f16(data, block + D) * dots) - xd * (Kernels.f16(data, block + DMIN) * mins);
        }
        return sum;
    }

    /**
     * Both integer sums of a super-block, the scaled quant products in the low and the min-weighted
     * activation sums in the high 32 bits (returned as a long so that no vector crosses a call).
     */
    private long superBlockDotQ(long block, short[] q, int qAt) {
        IntVector dots = IntVector.zero(Kernels.I8);
        IntVector mins = IntVector.zero(Kernels.I8);
        for (int half = 0; half < 2; half++) {
            long qs = block + QS + 32L * half;
            for (int l = 0; l < 32; l += 16) {
                ShortVector packed = (ShortVector) ByteVector.fromMemorySegment(Kernels.B16, data, qs + l, LE)
                        .castShape(Kernels.S16, 0);
                for (int quarter = 0; quarter < 4; quarter++) {
                    int g = 8 * half + 2 * quarter + l / 16;
                    int sc = Kernels.u8(data, block + g);
                    ShortVector xq = ShortVector.fromArray(Kernels.S16, q, qAt + 128 * half + 32 * quarter + l);
                    IntVector p = packed.lanewise(VectorOperators.LSHR, 2 * quarter).and((short) 3).mul(xq).reinterpretAsInts();
                    IntVector s = xq.reinterpretAsInts();
                    dots = dots.add(p.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                            .add(p.lanewise(VectorOperators.ASHR, 16)).mul(sc & 0xF));
                    mins = mins.add(s.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                            .add(s.lanewise(VectorOperators.ASHR, 16)).mul(sc >>> 4));
                }
            }
        }
        return (dots.reduceLanes(VectorOperators.ADD) & 0xFFFFFFFFL) | (long) mins.reduceLanes(VectorOperators.ADD) << 32;
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
     * kernels), two rows per body. Each 16 quant bytes hold four groups of 16 weights, one per bit
     * pair; pair s is shifted down within 16-bit lanes (x86 has no byte shifts; the mask keeps
     * each byte's own bits) and widened. q * (d * sc) - dmin * m then rounds as dequantize does.
     */

    @Override
    void decode(long rowOffset, float[] out, int outOffset) {
        if (!Kernels.VECTOR16) {
            dequantize(rowOffset, out, outOffset);
            return;
        }
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            float d = Kernels.f16(data, block + D);
            float dmin = Kernels.f16(data, block + DMIN);
            for (int g = 0; g < 16; g++) {
                // Group g: half g / 8, bit pair g % 8 / 2, bytes 16 * (g % 2) onwards of that half.
                int sc = Kernels.u8(data, block + g);
                ShortVector packed = ByteVector.fromMemorySegment(Kernels.B16, data, block + QS + 32L * (g / 8) + 16 * (g % 2), LE)
                        .reinterpretAsShorts();
                ((FloatVector) packed.lanewise(VectorOperators.LSHR, 2 * (g % 8 / 2)).reinterpretAsBytes().and((byte) 3)
                        .castShape(F, 0)).mul(d * (sc & 0xF)).sub(dmin * (sc >>> 4)).intoArray(out, outOffset + b * BLOCK + 16 * g);
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
            float d0 = Kernels.f16(data, o0 + k + D);
            float dm0 = Kernels.f16(data, o0 + k + DMIN);
            float d1 = Kernels.f16(data, o1 + k + D);
            float dm1 = Kernels.f16(data, o1 + k + DMIN);
            for (int g = 0; g < 16; g++) {
                long qs = k + QS + 32L * (g / 8) + 16 * (g % 2);
                int shift = 2 * (g % 8 / 2);
                FloatVector xg = FloatVector.fromArray(F, x, xOffset + b * BLOCK + 16 * g);
                int s0 = Kernels.u8(data, o0 + k + g);
                a0 = ((FloatVector) ByteVector.fromMemorySegment(Kernels.B16, data, o0 + qs, LE).reinterpretAsShorts()
                        .lanewise(VectorOperators.LSHR, shift).reinterpretAsBytes().and((byte) 3).castShape(F, 0))
                        .mul(d0 * (s0 & 0xF)).sub(dm0 * (s0 >>> 4)).fma(xg, a0);
                int s1 = Kernels.u8(data, o1 + k + g);
                a1 = ((FloatVector) ByteVector.fromMemorySegment(Kernels.B16, data, o1 + qs, LE).reinterpretAsShorts()
                        .lanewise(VectorOperators.LSHR, shift).reinterpretAsBytes().and((byte) 3).castShape(F, 0))
                        .mul(d1 * (s1 & 0xF)).sub(dm1 * (s1 >>> 4)).fma(xg, a1);
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
