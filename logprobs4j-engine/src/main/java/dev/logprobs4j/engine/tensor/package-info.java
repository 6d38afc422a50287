/**
 * Weight matrices kept in their GGUF encoding and the products the forward pass needs.
 *
 * <ul>
 *   <li>{@link dev.logprobs4j.engine.tensor.WeightMatrix}: a row-major matrix read in place from a
 *       memory segment, with a dot product per row and row dequantisation.
 *   <li>{@link dev.logprobs4j.engine.tensor.WeightMatrices}: makes one from a tensor's type, shape
 *       and bytes (F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, IQ4_NL, Q2_K, Q3_K, Q4_K, Q5_K,
 *       Q6_K, IQ4_XS; every block type has register-decoding float kernels where {@code
 *       Kernels.F} has 16 lanes; with 8 lanes the types of issue 10 decode rows with their
 *       scalar twin before the shared micro-kernels, {@code Tiles.dot4Decoded}).
 *   <li>{@link dev.logprobs4j.engine.tensor.MatMul}: products of one matrix, or of several sharing
 *       their input (q|k|v, gate|up) in one hand-off, with a batch of activation rows, split
 *       across a shared spin-then-park pool ({@code RowPool}) by output rows.
 *   <li>{@code Tiles}: the float micro-kernels every type shares for batches of two or more
 *       rows, and the one summation order of all float products (batch invariance).
 *   <li>{@code QuantizedActivations}: llama.cpp's 8-bit activation blocks (Q8_0, Q8_K).
 * </ul>
 *
 * <p><b>Numerics.</b> The default ({@code MatMul.Activations.FLOAT}) multiplies float activations
 * with the weights decoded to float, for every type: an activation row gets bit-identical
 * results alone or in any batch, on any thread count. {@code MatMul.Activations.INT8} (system
 * property {@code logprobs4j.activations=int8}) quantises the activations to 8 bits once per
 * call, as llama.cpp does, for Q8_0, Q4_0, Q4_K and Q6_K weights, and multiplies blocks in
 * integer arithmetic with one float multiply per block: llama.cpp's arithmetic rather than the
 * exact product; it is also batch invariant. FLOAT is the default because it measured faster in
 * this package's kernels (see {@link dev.logprobs4j.engine.tensor.MatMul}).
 *
 * <p><b>Adding a weight type.</b> A new type is one final class extending {@code SegmentMatrix}
 * (or {@code QuantizedMatrix} if it has 8-bit-activation kernels), made in {@code
 * WeightMatrices.of}, permitted by the sealed base class, and added to the tests' {@code
 * SUPPORTED} set and {@code TestData.randomEncoding}. It implements:
 * <ul>
 *   <li>{@code dequantize}: the plain scalar decoding of a row; it defines the weight values.
 *   <li>{@code scalarDot}: the plain scalar dot product, the test oracle.
 *   <li>{@code decode}: the Vector API decoding of a row into a float array, bit for bit the
 *       values of {@code dequantize} (tested); the tiled products read it.
 *   <li>{@code dot4}: four rows times one activation row in the order of {@code Tiles}: one
 *       {@code Kernels.F} accumulator per row, {@code acc = fma(w, x, acc)} over the decoded
 *       weights in ascending column order, then {@code Kernels.sumLanes} (tested bit for bit
 *       against the tiled path). Write the vector code out in the method: a helper returning a
 *       vector that C2 does not inline (its node budget runs out in bodies with many segment
 *       reads) is boxed on every call; split into two-row bodies if four rows are too big.
 *   <li>{@code computeRows}: a copy of the loop every class has (one-row batches through {@code
 *       dot4}, larger ones through {@code decode} and {@code Tiles.multiply}), so that its call
 *       sites stay monomorphic.
 *   <li>For {@code QuantizedMatrix}: {@code activationKind}, {@code scalarDotQ}, {@code
 *       vectorDotQ} (integer block sums, one float multiply per block), {@code computeRowsQ},
 *       and optionally {@code vectorDotQ4} (four activation rows per pass over a weight row, in
 *       the order of {@code vectorDotQ}).
 * </ul>
 *
 * <p>Every dot product has a Vector API kernel and a plain scalar twin; the system property
 * {@code logprobs4j.kernels=scalar} selects the scalar twins. Both properties are read once, at
 * class initialisation.
 */
package dev.logprobs4j.engine.tensor;
