package dev.logprobs4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.engine.LoadOptions;
import dev.logprobs4j.engine.Model;
import dev.logprobs4j.engine.ModelConfig;
import dev.logprobs4j.engine.Session;
import dev.logprobs4j.gguf.GgufArray;
import dev.logprobs4j.gguf.GgufFile;
import dev.logprobs4j.gguf.GgufFormatException;
import dev.logprobs4j.gguf.GgufMetadata;
import dev.logprobs4j.gguf.GgufTensorInfo;
import dev.logprobs4j.gguf.GgufValueType;
import dev.logprobs4j.tokenizer.TokenText;
import dev.logprobs4j.tokenizer.Tokenizer;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * What the fuzz targets do with a file that opened: read every metadata value through every
 * getter, every tensor's bytes, every token; load and run a model one step. Each read either
 * works or throws what its Javadoc documents, and the results agree with each other.
 */
final class Probes {
    private Probes() {}

    private static final int MAX_ELEMENTS = 4096;
    private static final long MAX_TENSOR_BYTES = 1 << 20;
    private static final String[] TEXTS = {"Once upon a time", "", " ", "héllo\n\twörld ▁ 😀", "<s></s><unk>",
        "<|endoftext|><think>", "\u0000\uFFFF", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};

    /** Reads everything {@code file} offers. */
    static void touch(GgufFile file) {
        GgufMetadata m = file.metadata();
        assertThat(m.keys()).hasSize(m.size());
        for (String key : m.keys()) {
            GgufValueType t = m.type(key);
            Object v = m.get(key);
            assertThat(t).as(key).isNotNull();
            assertThat(v).as(key).isNotNull();
            // Exactly the getter for the stored type works; the others throw GgufFormatException.
            assertThat(works(() -> m.findString(key))).as(key).isEqualTo(t == GgufValueType.STRING);
            assertThat(works(() -> m.findBoolean(key))).as(key).isEqualTo(t == GgufValueType.BOOL);
            assertThat(works(() -> m.findArray(key))).as(key).isEqualTo(t == GgufValueType.ARRAY);
            assertThat(works(() -> m.findDouble(key)))
                    .as(key).isEqualTo(t == GgufValueType.FLOAT32 || t == GgufValueType.FLOAT64);
            boolean isLong = works(() -> m.findLong(key));
            assertThat(!isLong || t.isInteger()).as(key).isTrue();
            works(() -> m.findInt(key));
            works(() -> m.findStringArray(key));
            works(() -> m.findIntArray(key));
            works(() -> m.findFloatArray(key));
            if (v instanceof GgufArray a) {
                touch(a);
            }
        }
        assertThat(file.toString()).isNotEmpty();
        long checksum = 0;
        for (GgufTensorInfo t : file.tensors()) {
            assertThat(file.tensor(t.name())).isEqualTo(t);
            assertThat(file.findTensor(t.name())).contains(t);
            assertThat(file.dataOffset() + t.offset() + t.byteSize()).as(t.name()).isLessThanOrEqualTo(file.fileSize());
            MemorySegment data = file.data(t);
            assertThat(data.byteSize()).isEqualTo(t.byteSize());
            long n = Math.min(data.byteSize(), MAX_TENSOR_BYTES);
            for (long i = 0; i < n; i++) {
                checksum += data.get(ValueLayout.JAVA_BYTE, i);
            }
            if (data.byteSize() > 0) {
                checksum += data.get(ValueLayout.JAVA_BYTE, data.byteSize() - 1);
            }
            assertThat(t.elementCount()).isGreaterThanOrEqualTo(0);
            assertThat(t.toString()).contains(t.name());
        }
        assertThat(checksum).isNotNull();
    }

    private static void touch(GgufArray a) {
        int n = Math.min(a.size(), MAX_ELEMENTS);
        for (int i = 0; i < n; i++) {
            Object e = a.get(i);
            if (e instanceof GgufArray nested) {
                touch(nested);
            }
        }
        assertThat(a.toString()).isNotEmpty();
        GgufValueType t = a.elementType();
        if (t.isInteger()) {
            assertThat(a.toLongArray()).hasSize(a.size());
            try {
                assertThat(a.toIntArray()).hasSize(a.size());
            } catch (IllegalStateException documentedWhenAValueDoesNotFit) {
                assertThat(t).isNotEqualTo(GgufValueType.INT32);
            }
        } else if (t == GgufValueType.FLOAT32 || t == GgufValueType.FLOAT64) {
            assertThat(a.toFloatArray()).hasSize(a.size());
        } else if (t == GgufValueType.STRING) {
            assertThat(a.toStringArray()).hasSize(a.size());
        } else if (t == GgufValueType.ARRAY) {
            assertThat(a.toArrayArray()).hasSize(a.size());
        }
    }

    /** Whether {@code read} returned; a GgufFormatException (the documented failure) gives false. */
    private static boolean works(Supplier<?> read) {
        try {
            read.get();
            return true;
        } catch (GgufFormatException documented) {
            return false;
        }
    }

    /**
     * Uses every token of a tokenizer built from possibly corrupt metadata: encoding may throw
     * only the documented IllegalArgumentException (a SentencePiece vocabulary that cannot express
     * a character); everything else must work.
     */
    static void touch(Tokenizer tok) {
        int n = tok.vocabularySize();
        assertThat(n).isPositive();
        int[] all = new int[n];
        for (int id = 0; id < n; id++) {
            all[id] = id;
            byte[] b = tok.tokenBytes(id);
            assertThat(TokenText.display(b)).isNotNull();
            assertThat(tok.tokenDisplay(id)).isNotNull();
            assertThat(tok.piece(id)).isNotNull();
            assertThat(tok.id(tok.piece(id))).isPresent();
            tok.isControl(id);
            tok.isEndOfGeneration(id);
        }
        assertThat(tok.decode(all)).isNotNull();
        for (int id : tok.endOfGenerationIds()) {
            assertThat(id).isBetween(0, n - 1);
        }
        for (String text : TEXTS) {
            for (boolean special : new boolean[] {false, true}) {
                int[] ids;
                try {
                    ids = tok.encode(text, tok.bosId() >= 0, special);
                } catch (IllegalArgumentException documentedForSentencePieceWithoutFallback) {
                    continue;
                }
                for (int id : ids) {
                    assertThat(id).isBetween(0, n - 1);
                }
                assertThat(tok.decode(ids)).isNotNull();
            }
        }
    }

    /** Loads {@code path} as a model and runs one token through it. */
    static void loadAndRun(Path path) {
        try (Model model = Model.load(path, LoadOptions.builder().threads(1).build())) {
            ModelConfig c = model.config();
            assertThat(c.vocabularySize()).isPositive();
            Session s = model.newSession(4);
            float[] logits = s.prefill(new int[] {0, c.vocabularySize() - 1});
            assertThat(logits).hasSize(c.vocabularySize());
            assertThat(s.decode(1 % c.vocabularySize())).hasSize(c.vocabularySize());
        }
    }
}
