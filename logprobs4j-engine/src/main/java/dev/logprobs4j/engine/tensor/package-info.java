/**
 * Weight matrices kept in their GGUF encoding and the products the forward pass needs.
 *
 * <ul>
 *   <li>{@link dev.logprobs4j.engine.tensor.WeightMatrix}: a row-major matrix read in place from a
 *       memory segment, with a dot product per row and row dequantisation.
 *   <li>{@link dev.logprobs4j.engine.tensor.WeightMatrices}: makes one from a tensor's type, shape
 *       and bytes (F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, IQ4_NL, Q2_K, Q3_K, Q4_K, Q5_K,
 *       Q6_K, IQ4_XS).
 *   <li>{@link dev.logprobs4j.engine.tensor.MatMul}: matrix-vector and matrix-matrix products,
 *       split across a shared thread pool by output rows.
 * </ul>
 *
 * <p>With {@code MatMul.Activations.INT8}, products with block-quantised weights quantise the
 * activations to 8 bits once per call, as llama.cpp does (32-value blocks with a half-precision
 * scale for the 32-weight types, 256-value blocks with a float scale and 32-value sums for the
 * K-quants and IQ4_XS), and multiply blocks in integer arithmetic with one float
 * multiply per block: llama.cpp's arithmetic rather than the exact product. {@code FLOAT}, the
 * default of the overloads that do not name it (system property {@code
 * logprobs4j.activations=int8} changes that default), keeps float activations, as {@link
 * dev.logprobs4j.engine.tensor.WeightMatrix#dot} always does.
 *
 * <p>Every dot product has a Vector API kernel and a plain scalar twin; the system property
 * {@code logprobs4j.kernels=scalar} selects the scalar twins. Both properties are read once, at
 * class initialisation.
 */
package dev.logprobs4j.engine.tensor;
