package dev.logprobs4j.engine;

import dev.logprobs4j.gguf.GgmlType;

/**
 * The tensor types llama.cpp's {@code llama-quantize} (without an importance matrix) gives each
 * 2-D weight for a file type, re-stated from the rules of its {@code llama_tensor_get_type}: the
 * file type's base type, promotions of the output, {@code attn_v}, {@code ffn_down} and fused
 * {@code attn_qkv} weights, and the fallbacks for rows whose width is not a multiple of the
 * chosen type's block (Q4_K to Q5_0, Q5_K to Q5_1, Q6_K to Q8_0, Q2_K/Q3_K/IQ4_XS to IQ4_NL, then
 * F16). Shape-agnostic: it reads only tensor names, row widths and the layer count, so new
 * architectures need only their shape. Norms, biases and other 1-D tensors stay F32 (the writer
 * never asks). Immutable.
 *
 * @param fileType Q4_K_M, Q5_K_M, Q3_K_M or IQ4_XS, as llama-quantize names them
 * @param layers the model's block count
 * @param hasOutput whether the file has its own {@code output.weight}; without one, {@code
 *     token_embd.weight} is both and gets the output's type
 * @param gqa query heads per key/value head (llama.cpp's {@code n_gqa})
 */
record LlamaCppLayout(String fileType, int layers, boolean hasOutput, int gqa) {

    LlamaCppLayout {
        if (!java.util.Set.of("Q4_K_M", "Q5_K_M", "Q3_K_M", "IQ4_XS").contains(fileType)) {
            throw new IllegalArgumentException("file type " + fileType + " is not modelled");
        }
    }

    static LlamaCppLayout of(String fileType, SyntheticModel shape) {
        return new LlamaCppLayout(fileType, shape.layers(), !shape.tied(), shape.heads() / shape.kvHeads());
    }

    /** The base type of the file type, used where no rule applies. */
    GgmlType base() {
        return switch (fileType) {
            case "Q4_K_M" -> GgmlType.Q4_K;
            case "Q5_K_M" -> GgmlType.Q5_K;
            case "Q3_K_M" -> GgmlType.Q3_K;
            default -> GgmlType.IQ4_XS;
        };
    }

    /**
     * llama.cpp's {@code use_more_bits}: the first and last eighth of the layers and every third
     * one in between get more bits.
     */
    static boolean useMoreBits(int layer, int layers) {
        return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
    }

    /** The type of weight {@code name} whose rows are {@code cols} wide. */
    GgmlType typeOf(String name, int cols) {
        return fallback(chosen(name), cols);
    }

    private GgmlType chosen(String name) {
        GgmlType base = base();
        int layer = name.startsWith("blk.") ? Integer.parseInt(name.substring(4, name.indexOf('.', 4))) : -1;
        if (name.equals("output.weight") || (!hasOutput && name.equals("token_embd.weight"))) {
            // (llama.cpp picks Q8_0 here directly for widths that are not a multiple of 256: the
            // same result as Q6_K's fallback below.)
            return base == GgmlType.Q8_0 ? base : GgmlType.Q6_K;
        }
        if (name.equals("token_embd.weight")) {
            return base;
        }
        if (name.endsWith("attn_v.weight")) {
            return switch (fileType) {
                case "Q3_K_M" -> layer < 2 ? GgmlType.Q5_K : GgmlType.Q4_K;
                case "IQ4_XS" -> gqa >= 4 ? GgmlType.Q5_K : base;
                default -> useMoreBits(layer, layers) ? GgmlType.Q6_K : base;
            };
        }
        if (name.endsWith("ffn_down.weight")) {
            return switch (fileType) {
                case "Q3_K_M" -> layer < layers / 16 ? GgmlType.Q5_K : GgmlType.Q4_K;
                case "IQ4_XS" -> layer < layers / 8 ? GgmlType.Q5_K : base;
                default -> useMoreBits(layer, layers) ? GgmlType.Q6_K : base;
            };
        }
        if (name.endsWith("attn_output.weight")) {
            return fileType.equals("Q3_K_M") ? GgmlType.Q4_K : base;
        }
        if (name.endsWith("attn_qkv.weight")) {
            return switch (fileType) {
                case "Q3_K_M" -> GgmlType.Q4_K;
                case "Q4_K_M" -> GgmlType.Q5_K;
                case "Q5_K_M" -> GgmlType.Q6_K;
                default -> base;
            };
        }
        return base;
    }

    /** Rows must hold whole blocks: llama.cpp falls back to a 32-block type, then to F16. */
    private GgmlType fallback(GgmlType type, int cols) {
        if (cols % type.blockSize() == 0) {
            return type;
        }
        GgmlType next = switch (type) {
            case Q2_K, Q3_K, IQ4_XS -> GgmlType.IQ4_NL;
            case Q4_K -> GgmlType.Q5_0;
            case Q5_K -> GgmlType.Q5_1;
            case Q6_K -> GgmlType.Q8_0;
            default -> throw new IllegalArgumentException("no fallback for " + type);
        };
        return cols % next.blockSize() == 0 ? next : GgmlType.F16;
    }
}
