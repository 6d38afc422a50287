/**
 * Weight matrices kept in their GGUF encoding and the products the forward pass needs.
 *
 * <ul>
 *   <li>{@link dev.logprobs4j.engine.tensor.WeightMatrix}: a row-major matrix read in place from a
 *       memory segment, with a dot product per row and row dequantisation.
 *   <li>{@link dev.logprobs4j.engine.tensor.WeightMatrices}: makes one from a tensor's type, shape
 *       and bytes (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K).
 *   <li>{@link dev.logprobs4j.engine.tensor.MatMul}: matrix-vector and matrix-matrix products,
 *       split across a shared thread pool by output rows.
 * </ul>
 *
 * <p>Every dot product has a Vector API kernel and a plain scalar twin; the system property
 * {@code logprobs4j.kernels=scalar} selects the scalar twins (read once, at class
 * initialisation). Activations are never quantised.
 */
package dev.logprobs4j.engine.tensor;
