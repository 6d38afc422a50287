package dev.logprobs4j.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corrupt and truncated files must fail with GgufFormatException naming file and offset, nothing else. */
class GgufCorruptionTest {
    @TempDir
    Path tmp;

    private byte[] validFile() throws IOException {
        Path p = tmp.resolve("valid.gguf");
        new GgufWriter()
                .putString("general.architecture", "llama")
                .putUint32("llama.block_count", 1)
                .putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .putStringArray("tokenizer.ggml.tokens", "a", "bb", "ccc")
                .putFloat32Array("tokenizer.ggml.scores", 1, 2, 3)
                .putArray("nested", GgufArray.ofArrays(GgufArray.ofInt16((short) 1), GgufArray.ofBool(true)))
                .putBool("flag", true)
                .addTensor("blk.0.attn_q.weight", new long[] {4, 2}, new float[8])
                .addTensor("blk.0.q8", new long[] {32}, GgmlType.Q8_0, new byte[34])
                .write(p);
        return Files.readAllBytes(p);
    }

    /** Opens {@code bytes} and returns null if valid, else the GgufFormatException; any other throwable fails the test. */
    private GgufFormatException open(byte[] bytes, String what) throws IOException {
        Path p = tmp.resolve("corrupt.gguf");
        Files.write(p, bytes);
        try (GgufFile f = GgufFile.open(p)) {
            // A file that parses must still be fully readable.
            for (GgufTensorInfo t : f.tensors()) {
                f.data(t).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            }
            for (String k : f.metadata().keys()) {
                String.valueOf(f.metadata().get(k));
            }
            return null;
        } catch (GgufFormatException e) {
            assertThat(e.getMessage()).as(what).startsWith("corrupt.gguf: ");
            assertThat(e.path()).isEqualTo(p);
            if (e.offset() >= 0) {
                assertThat(e.getMessage()).contains("byte " + e.offset() + ": ");
                assertThat(e.offset()).isLessThanOrEqualTo(bytes.length);
            }
            return e;
        } catch (Throwable t) {
            fail(what + ": expected GgufFormatException, got " + t, t);
            return null;
        }
    }

    @Test
    void everyTruncationBeforeTheEndOfTensorDataFails() throws IOException {
        byte[] valid = validFile();
        long lastEnd;
        Path p = tmp.resolve("v.gguf");
        Files.write(p, valid);
        try (GgufFile f = GgufFile.open(p)) {
            lastEnd = f.tensors().stream().mapToLong(t -> f.dataOffset() + t.offset() + t.byteSize()).max().orElseThrow();
        }
        for (int len = 0; len < lastEnd; len++) {
            GgufFormatException e = open(Arrays.copyOf(valid, len), "truncated to " + len);
            assertThat(e).as("truncated to %d bytes must fail", len).isNotNull();
            assertThat(e.getMessage()).containsAnyOf("truncated", "remain", "beyond the end", "magic");
        }
        assertThat(open(Arrays.copyOf(valid, (int) lastEnd), "exact")).isNull();
    }

    @Test
    void flippedBytesInTheHeaderFailCleanlyOrStillParse() throws IOException {
        byte[] valid = validFile();
        int headerEnd;
        Path p = tmp.resolve("v.gguf");
        Files.write(p, valid);
        try (GgufFile f = GgufFile.open(p)) {
            headerEnd = (int) f.dataOffset();
        }
        int failures = 0;
        for (int i = 0; i < headerEnd; i++) {
            for (int v : new int[] {0x00, 0xFF, 0x80, 0x7F, valid[i] ^ 0x01}) {
                byte[] b = valid.clone();
                b[i] = (byte) v;
                if (open(b, "byte " + i + " = " + v) != null) {
                    failures++;
                }
            }
        }
        SplittableRandom r = new SplittableRandom(42);
        for (int n = 0; n < 2000; n++) {
            byte[] b = valid.clone();
            for (int k = 0; k < 4; k++) {
                b[r.nextInt(headerEnd)] = (byte) r.nextInt(256);
            }
            if (open(b, "random corruption " + n) != null) {
                failures++;
            }
        }
        assertThat(failures).as("most corruptions are detected").isGreaterThan(headerEnd);
    }

    private static ByteBuffer header(int version, long tensors, long kvs) {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(GgufParser.MAGIC).putInt(version).putLong(tensors).putLong(kvs);
        return b;
    }

    /** The bytes put so far plus 64 zero bytes, so that count checks see a plausible remainder. */
    private static byte[] bytes(ByteBuffer b) {
        return Arrays.copyOf(b.array(), b.position() + 64);
    }

    private static void key(ByteBuffer b, String k) {
        b.putLong(k.length()).put(k.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void hugeCountsAndLengthsAreRejectedBeforeAllocation() throws IOException {
        assertThat(open(bytes(header(3, 0, Long.MAX_VALUE)), "kv count").getMessage())
                .contains("byte 16: ").contains("metadata entries");
        assertThat(open(bytes(header(3, -1L, 0)), "tensor count").getMessage()).contains("byte 8: ").contains("tensors");

        ByteBuffer b = header(3, 0, 1);
        b.putLong(Long.MAX_VALUE - 3);
        assertThat(open(bytes(b), "key length").getMessage()).contains("byte 24: ").contains("string of 9223372036854775804 bytes");

        b = header(3, 0, 1);
        key(b, "k");
        b.putInt(GgufValueType.ARRAY.id()).putInt(GgufValueType.STRING.id()).putLong(1L << 40);
        assertThat(open(bytes(b), "array count").getMessage()).contains("1099511627776").contains("elements of metadata key 'k'");

        b = header(3, 0, 1);
        key(b, "k");
        b.putInt(GgufValueType.ARRAY.id()).putInt(GgufValueType.STRING.id()).putLong(1).putLong(1L << 50);
        assertThat(open(bytes(b), "string in array").getMessage()).contains("string of 1125899906842624 bytes");

        b = header(3, 0, 1);
        key(b, "k");
        b.putInt(77);
        assertThat(open(bytes(b), "value type").getMessage()).contains("value type id 77");

        b = header(3, 0, 1);
        key(b, "k");
        b.putInt(GgufValueType.ARRAY.id());
        for (int i = 0; i < 100; i++) {
            b.putInt(GgufValueType.ARRAY.id()).putLong(1); // element type ARRAY, one element
        }
        assertThat(open(bytes(b), "deep nesting").getMessage()).contains("nests arrays deeper");
    }

    @Test
    void badTensorInfoIsReportedWithTensorName() throws IOException {
        ByteBuffer b = header(3, 1, 0);
        key(b, "blk.0.attn_q.weight");
        b.putInt(2).putLong(4).putLong(4).putInt(99).putLong(0);
        b.put(new byte[64]);
        GgufFormatException e = open(bytes(b), "type id");
        assertThat(e.getMessage()).contains("tensor 'blk.0.attn_q.weight' has type id 99, which is not a GGML type (known: F32=0")
                .contains("byte " + (24 + 8 + 19 + 4 + 16));

        b = header(3, 1, 0);
        key(b, "t");
        b.putInt(2).putLong(1L << 40).putLong(1L << 40).putInt(0).putLong(0);
        assertThat(open(bytes(b), "overflow").getMessage()).contains("overflows");

        b = header(3, 1, 0);
        key(b, "t");
        b.putInt(1).putLong(1L << 20).putInt(0).putLong(0);
        b.put(new byte[64]);
        assertThat(open(bytes(b), "beyond").getMessage()).contains("tensor 't'").contains("beyond the end of the file");

        b = header(3, 1, 0);
        key(b, "t");
        b.putInt(7).putLong(1);
        assertThat(open(bytes(b), "rank").getMessage()).contains("7 dimensions");

        b = header(3, 1, 0);
        key(b, "t");
        b.putInt(1).putLong(4).putInt(0).putLong(3);
        b.put(new byte[64]);
        assertThat(open(bytes(b), "misaligned").getMessage()).contains("not a multiple of the alignment 32");
    }

    @Test
    void versionOneAndUnknownVersionsAndBadMagicAreRejected() throws IOException {
        assertThat(open(bytes(header(1, 0, 0)), "v1").getMessage()).contains("byte 4: ").contains("version 1 is not supported");
        assertThat(open(bytes(header(4, 0, 0)), "v4").getMessage()).contains("version 4 is not supported");
        assertThat(open(bytes(header(2, 0, 0)), "v2")).isNull();
        assertThat(open("GGML and more bytes here".getBytes(), "magic").getMessage()).contains("byte 0: not a GGUF file");
        assertThat(open(new byte[0], "empty").getMessage()).contains("truncated");
    }

    @Test
    void alignmentMustBeAPowerOfTwo() throws IOException {
        ByteBuffer b = header(3, 0, 1);
        key(b, "general.alignment");
        b.putInt(GgufValueType.UINT32.id()).putInt(48);
        assertThat(open(bytes(b), "alignment").getMessage()).contains("general.alignment").contains("power of two");
    }

    @Test
    void missingFileIsAnUncheckedIoError() {
        assertThatThrownBy(() -> GgufFile.open(tmp.resolve("nope.gguf"))).isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("nope.gguf");
    }
}
