package dev.logprobs4j.engine;

import dev.logprobs4j.gguf.GgmlType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Seeded synthetic models in the shapes of popular small models at reduced depth (2 layers, 6 for Gemma 3; the
 * 512-token stories260K vocabulary), written with llama.cpp's per-tensor type layouts
 * ({@link LlamaCppLayout}): Qwen2.5-0.5B and Gemma-3-1B have hidden widths that are not a
 * multiple of 256 (llama.cpp's fallbacks to Q5_0, Q5_1 and Q8_0), Phi-3.5-mini has fused qkv and
 * gate|up weights (its own promotion of {@code attn_qkv}).
 */
final class MixedLayouts {

    private MixedLayouts() {}

    /** Qwen2.5-0.5B: hidden 896 (not a multiple of 256), 14 heads of 64, 2 KV heads, FFN 4864, tied embeddings. */
    static final SyntheticModel QWEN25_05B = new SyntheticModel("qwen2", GgmlType.F32, 896, 2, 14, 2, 64, 4864, false, true, 25);

    /** Llama-3.2-1B: hidden 2048, 32 heads of 64, 8 KV heads, FFN 8192, Llama 3 rope factors, tied embeddings. */
    static final SyntheticModel LLAMA32_1B = new SyntheticModel("llama", GgmlType.F32, 2048, 2, 32, 8, 64, 8192, true, true, 32);

    /**
     * Gemma-3-1B: hidden 1152, 4 heads of 256, 1 KV head, FFN 6912, tied embeddings; 6 layers, so
     * that the last is a global one (five sliding-window layers, then one global): llama.cpp b4916
     * crashes while loading a gemma3 file without a global layer.
     */
    static final SyntheticModel GEMMA3_1B = new SyntheticModel("gemma3", GgmlType.F32, 1152, 6, 4, 1, 256, 6912, false, true, 38);

    /** Phi-3.5-mini: hidden 3072, 32 heads of 96 (all rotated), 32 KV heads, FFN 8192, fused qkv and gate|up, own output. */
    static final SyntheticModel PHI35_MINI = new SyntheticModel("phi3", GgmlType.F32, 3072, 2, 32, 32, 96, 8192, false, false, 39, 96, 4096);

    record Spec(String shapeName, SyntheticModel shape, String fileType) {
        LlamaCppLayout layout() {
            return LlamaCppLayout.of(fileType, shape);
        }

        String fileName() {
            return shapeName + "-" + shape.layers() + "L-" + fileType + ".gguf";
        }

        /** Writes the file (once per build: an existing file with this name is reused). */
        Path write(Path dir) {
            Path out = dir.resolve(fileName());
            if (!Files.isRegularFile(out)) {
                LlamaCppLayout layout = layout();
                Path tmp = dir.resolve(fileName() + ".tmp");
                shape.write(tmp, (name, rows, cols) -> layout.typeOf(name, cols));
                try {
                    Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return out;
        }

        @Override
        public String toString() {
            return fileName();
        }
    }

    static List<Spec> all() {
        return List.of(new Spec("qwen2.5-0.5b", QWEN25_05B, "Q4_K_M"), new Spec("qwen2.5-0.5b", QWEN25_05B, "Q5_K_M"),
                new Spec("llama-3.2-1b", LLAMA32_1B, "Q4_K_M"), new Spec("llama-3.2-1b", LLAMA32_1B, "Q5_K_M"),
                new Spec("gemma-3-1b", GEMMA3_1B, "Q4_K_M"), new Spec("gemma-3-1b", GEMMA3_1B, "Q5_K_M"),
                new Spec("phi-3.5-mini", PHI35_MINI, "Q4_K_M"), new Spec("phi-3.5-mini", PHI35_MINI, "Q5_K_M"));
    }
}
