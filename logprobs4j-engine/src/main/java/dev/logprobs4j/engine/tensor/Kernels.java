package dev.logprobs4j.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Shared constants of the dot-product kernels: vector species, the scalar/vector switch and
 * little-endian value layouts. Stateless.
 */
final class Kernels {

    /** System property that selects the kernels: {@code scalar} forces the plain scalar twins. */
    static final String KERNELS_PROPERTY = "logprobs4j.kernels";

    /**
     * The float species of every vector kernel. The preferred species is the widest the CPU runs
     * natively (16 lanes with AVX-512, 8 with AVX2); quantised rows are memory-bound, so the
     * widest registers minimise instructions per streamed byte. Chosen once so that the JIT sees
     * a constant and every kernel steps by the same lane count.
     */
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    /** Byte species with as many lanes as {@link #F}: one byte per float lane before widening. */
    static final VectorSpecies<Byte> B = F.length() >= 8 ? speciesOf(byte.class, F.length() * 8) : null;

    /** Short species with as many lanes as {@link #F}, for F16/BF16 rows. */
    static final VectorSpecies<Short> S = F.length() >= 8 ? speciesOf(short.class, F.length() * 16) : null;

    /** Int species of the same shape as {@link #F}, for bit-level float construction. */
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;

    /**
     * Whether {@link WeightMatrix#dot} uses the vector kernels. The block kernels need at least 8
     * float lanes (a byte species has at least 64 bits), so 128-bit machines use the scalar twins.
     */
    static final boolean VECTOR = F.length() >= 8 && F.length() <= 16
            && !"scalar".equalsIgnoreCase(System.getProperty(KERNELS_PROPERTY, "vector"));

    /**
     * Whether the float kernels of block-quantised weights run: they decode 16 quants per vector
     * into 16 float lanes, so they need AVX-512-sized float vectors. Elsewhere those types use their
     * scalar twins with float activations (their 8-bit-activation kernels run at 256 bits).
     */
    static final boolean VECTOR16 = VECTOR && F.length() == 16;

    /**
     * System property that selects the activations of the {@link MatMul} overloads without a
     * {@link MatMul.Activations} argument: {@code int8} quantises them, anything else (the
     * default, {@code float}) keeps them float.
     */
    static final String ACTIVATIONS_PROPERTY = "logprobs4j.activations";

    /**
     * The activations of the {@link MatMul} overloads that do not name them: {@link
     * MatMul.Activations#FLOAT} unless the property says {@code int8}. Float is the default by
     * measurement (see {@link MatMul}): it was faster in these kernels, not only more exact.
     */
    static final MatMul.Activations DEFAULT_ACTIVATIONS =
            "int8".equalsIgnoreCase(System.getProperty(ACTIVATIONS_PROPERTY, "float"))
                    ? MatMul.Activations.INT8 : MatMul.Activations.FLOAT;

    /*
     * Species of the integer kernels, fixed at 256 bits: 16 weight bytes widen to 16 shorts, a
     * product of two shorts' worth of lanes pair-sums into 8 ints and converts to 8 floats. 256
     * bits is native on every AVX2 CPU; on AVX-512 CPUs wider registers would save instructions
     * only where they are not split in two anyway (AMD Zen 4 runs 512-bit operations as two
     * halves), and a 32-weight block splits evenly into 16-lane steps.
     */
    static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;

    /*
     * Species of the Q8_0 integer kernel, the widest the CPU prefers (at least 256 bits where
     * the vector kernels run): a whole 32-byte block widens to 32 shorts in one 512-bit register
     * on AVX-512, and the block then needs half the instructions of two 256-bit steps. Q8_0
     * rows are the ones decode streams most of, so the instruction count per byte matters most
     * there; measured on AMD Zen 4 it beat the 256-bit form even though Zen 4 splits 512-bit
     * operations in two.
     */
    static final VectorSpecies<Short> QS = ShortVector.SPECIES_PREFERRED;
    static final VectorSpecies<Byte> QB = speciesOf(byte.class, Math.max(64, QS.vectorBitSize() / 2));
    static final VectorSpecies<Integer> QI = IntVector.SPECIES_PREFERRED;
    static final VectorSpecies<Float> QF = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Short> S16 = ShortVector.SPECIES_256;
    static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256;
    static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;

    static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private Kernels() {}

    private static <E> VectorSpecies<E> speciesOf(Class<E> elementType, int bits) {
        return VectorSpecies.of(elementType, VectorShape.forBitSize(bits));
    }

    /** The IEEE half-precision value stored little-endian at {@code offset}. */
    static float f16(MemorySegment segment, long offset) {
        return Float.float16ToFloat(segment.get(LE_SHORT, offset));
    }

    /** The bfloat16 value stored little-endian at {@code offset}. */
    static float bf16(MemorySegment segment, long offset) {
        return Float.intBitsToFloat((segment.get(LE_SHORT, offset) & 0xFFFF) << 16);
    }

    /*
     * Fixed folds for sumLanes: lane i is added to lane i + half (mod the length), halving each
     * time, so lane 0 ends with a tree sum whose pairing is fixed. One shuffle constant per step,
     * written out: C2 intrinsifies a rearrange only with a constant shuffle.
     */
    private static final VectorSpecies<Float> F16 = FloatVector.SPECIES_512;
    private static final VectorSpecies<Float> F8S = FloatVector.SPECIES_256;
    private static final VectorShuffle<Float> FOLD16_8 = fold(F16, 8);
    private static final VectorShuffle<Float> FOLD16_4 = fold(F16, 4);
    private static final VectorShuffle<Float> FOLD16_2 = fold(F16, 2);
    private static final VectorShuffle<Float> FOLD16_1 = fold(F16, 1);
    private static final VectorShuffle<Float> FOLD8_4 = fold(F8S, 4);
    private static final VectorShuffle<Float> FOLD8_2 = fold(F8S, 2);
    private static final VectorShuffle<Float> FOLD8_1 = fold(F8S, 1);

    private static VectorShuffle<Float> fold(VectorSpecies<Float> species, int half) {
        return VectorShuffle.fromOp(species, i -> (i + half) % species.length());
    }

    /**
     * The lanes of {@code v} summed by halving folds (with 16 lanes: lanes 8 apart, then 4, 2,
     * 1), a fixed pairing. {@code reduceLanes(ADD)} leaves the order open and the JIT-compiled and
     * interpreted forms really differ, which would make a dot product change its last bits once
     * the kernel is compiled; the explicit folds fix it, in four shuffles and adds instead of
     * fifteen dependent lane extractions. Vectors of other lengths are summed in lane order.
     */
    static float sumLanes(FloatVector v) {
        int length = v.length();
        if (length == 16) {
            v = v.add(v.rearrange(FOLD16_8));
            v = v.add(v.rearrange(FOLD16_4));
            v = v.add(v.rearrange(FOLD16_2));
            return v.add(v.rearrange(FOLD16_1)).lane(0);
        }
        if (length == 8) {
            v = v.add(v.rearrange(FOLD8_4));
            v = v.add(v.rearrange(FOLD8_2));
            return v.add(v.rearrange(FOLD8_1)).lane(0);
        }
        float sum = 0f;
        for (int i = 0; i < length; i++) {
            sum += v.lane(i);
        }
        return sum;
    }

    private static final ThreadLocal<float[]> ACCUMULATORS = ThreadLocal.withInitial(() -> new float[4 * Tiles.TILE_ROWS * 16]);

    /**
     * This thread's spill area for a kernel's final accumulators (up to a tile's 4 x 5 vectors of up
     * to 16 lanes), read back by {@link #finish4} or the tiles' own finish.
     * Passing the vectors to a method the JIT did not inline (kernel bodies exhaust its node budget)
     * would box them; arrays are not boxed.
     */
    static float[] accumulators() {
        return ACCUMULATORS.get();
    }

    /** Stores the lane sums of the four accumulators spilled at 0, 16, 32, 48 (the first {@code valid}). */
    static void finish4(float[] acc, float[] out, int at, int valid) {
        store4(out, at, valid, sumLanesAt(acc, 0), sumLanesAt(acc, 16), sumLanesAt(acc, 32), sumLanesAt(acc, 48));
    }

    /**
     * {@link #sumLanes} of the {@link #F} vector stored at {@code acc[offset]}. Kernels call this
     * rather than sumLanes itself: finish4 gets inlined into the big kernel bodies, where a call
     * with a vector argument that C2 does not inline (they are out of node budget) boxes it,
     * while this call passes an array and an int.
     */
    static float sumLanesAt(float[] acc, int offset) {
        FloatVector v = FloatVector.fromArray(F, acc, offset);
        if (F.length() != 16) {
            return sumLanes(v);
        }
        // The folds of sumLanes for 16 lanes, written out so that nothing here is left uninlined.
        v = v.add(v.rearrange(FOLD16_8));
        v = v.add(v.rearrange(FOLD16_4));
        v = v.add(v.rearrange(FOLD16_2));
        return v.add(v.rearrange(FOLD16_1)).lane(0);
    }

    /** Signed byte at {@code offset}. */
    static int i8(MemorySegment segment, long offset) {
        return segment.get(ValueLayout.JAVA_BYTE, offset);
    }

    /** Unsigned byte at {@code offset}. */
    static int u8(MemorySegment segment, long offset) {
        return segment.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    /** {@link #F}.length() signed bytes at {@code offset}, widened to floats. */
    static FloatVector bytesToFloats(MemorySegment segment, long offset) {
        return (FloatVector) ByteVector.fromMemorySegment(B, segment, offset, LE).castShape(F, 0);
    }

    /** 16 signed bytes at {@code offset}, widened to short lanes. */
    static ShortVector bytesToShorts(MemorySegment segment, long offset) {
        return (ShortVector) ByteVector.fromMemorySegment(B16, segment, offset, LE).castShape(S16, 0);
    }

    /** Widens 16 signed byte lanes to short lanes. */
    static ShortVector toShorts(ByteVector bytes) {
        return (ShortVector) bytes.castShape(S16, 0);
    }

    /**
     * Sums adjacent pairs of short lanes into int lanes (what x86's {@code pmaddwd} does after a
     * multiply), exactly: each int lane holds two shorts, the low one sign-extended by a shift
     * pair and the high one by an arithmetic shift.
     */
    static IntVector pairSum(ShortVector v) {
        IntVector pairs = v.reinterpretAsInts();
        return pairs.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(pairs.lanewise(VectorOperators.ASHR, 16));
    }

    /** Int lanes converted to float lanes (exact below 2^24, which block sums stay under). */
    static FloatVector intsToFloats(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }

    /** Widens signed byte lanes to float lanes. */
    static FloatVector toFloats(ByteVector bytes) {
        return (FloatVector) bytes.castShape(F, 0);
    }

    /** {@link #F}.length() raw 16-bit values at {@code offset}, widened to int lanes (upper bits undefined). */
    static IntVector shortsToInts(MemorySegment segment, long offset) {
        return (IntVector) ShortVector.fromMemorySegment(S, segment, offset, LE).castShape(I, 0);
    }

    private static final FloatVector TWO_POW_112 = FloatVector.broadcast(F, 0x1p112f);

    /**
     * Exact IEEE half to float conversion of int lanes holding half bits in their low 16 bits.
     * Shifting exponent and mantissa into float position and scaling by 2^112 rebases the
     * exponent bias (15 to 127) and also maps half subnormals exactly; infinities and NaNs, whose
     * exponent is all ones, are patched separately.
     */
    static FloatVector halfToFloat(IntVector half) {
        IntVector magnitude = half.and(0x7FFF).lanewise(VectorOperators.LSHL, 13);
        IntVector sign = half.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        FloatVector scaled = magnitude.reinterpretAsFloats().mul(TWO_POW_112);
        IntVector bits = scaled.reinterpretAsInts();
        VectorMask<Integer> infOrNaN = magnitude.compare(VectorOperators.GE, 0x1F << 23);
        bits = bits.blend(magnitude.or(0x7F800000), infOrNaN);
        return bits.or(sign).reinterpretAsFloats();
    }

    /*
     * Nibbles and six-bit quants are split with byte masks only and widened with one B2F cast of
     * the masked bytes (a sign-extending load and a conversion). Shifts are avoided: x86 has no
     * byte-lane shifts, and both ways around that failed here. Widening to ints, shifting and
     * converting with I2F, and shifting the bytes viewed as shorts, each made C2 fall back to
     * Java code for the conversion (an allocation per vector) in some kernels. A high nibble is
     * instead read in place, as a multiple of 16, and scaled by 1/16 in float, which is exact.
     */

    /** The low nibbles (0..15) of {@link #F}.length() bytes at {@code offset}, as float lanes. */
    static FloatVector lowNibbles(MemorySegment segment, long offset) {
        return (FloatVector) ByteVector.fromMemorySegment(B, segment, offset, LE).and((byte) 0x0F).castShape(F, 0);
    }

    /**
     * The high nibbles minus 8 (-8..7) of {@link #F}.length() bytes at {@code offset}, as float
     * lanes: flipping the top bit of {@code b & 0xF0} makes it the signed byte {@code 16 * (nibble
     * - 8)}.
     */
    static FloatVector highNibblesMinus8(MemorySegment segment, long offset) {
        ByteVector bytes = ByteVector.fromMemorySegment(B, segment, offset, LE);
        return ((FloatVector) bytes.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0))
                .mul(0x1p-4f);
    }

    /**
     * Six-bit Q6_K quants minus 32 (-32..31) as float lanes: the low ({@code highNibble} false)
     * or high nibble of the bytes at {@code low}, joined with bit pair {@code pair} (0..3) of the
     * bytes at {@code high} as bits 4 and 5. All steps are exact in float.
     */
    static FloatVector sixBits(MemorySegment segment, long low, boolean highNibble, long high, int pair) {
        FloatVector nibble = highNibble ? highNibblesMinus8(segment, low).add(8f) : lowNibbles(segment, low);
        ByteVector bits = ByteVector.fromMemorySegment(B, segment, high, LE).and((byte) (3 << (2 * pair)));
        FloatVector top; // 16 * the bit pair
        if (pair < 3) {
            top = ((FloatVector) bits.castShape(F, 0)).mul((float) (16 >> (2 * pair)));
        } else {
            // Bits 6-7: flip the sign bit to read (pair value - 2) * 64 as a signed byte.
            top = ((FloatVector) bits.lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).add(128f).mul(0.25f);
        }
        return nibble.add(top).sub(32f);
    }

    /** Stores up to four results: {@code out[at + i] = s_i} for {@code i < valid}. */
    static void store4(float[] out, int at, int valid, float s0, float s1, float s2, float s3) {
        out[at] = s0;
        if (valid > 1) {
            out[at + 1] = s1;
        }
        if (valid > 2) {
            out[at + 2] = s2;
        }
        if (valid > 3) {
            out[at + 3] = s3;
        }
    }
}
