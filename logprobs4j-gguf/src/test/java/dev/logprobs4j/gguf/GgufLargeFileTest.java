package dev.logprobs4j.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sparse file above 2 GiB: offsets and the mapping must not be limited to int. */
class GgufLargeFileTest {
    @TempDir
    Path tmp;

    @Test
    void tensorBeyondTwoGibIsMappedAndReadable() throws Exception {
        // Two tensors: a 2.5 GiB one that stays a hole in the sparse file, then a small one after it.
        long bigElems = 640L * 1024 * 1024; // 640 Mi F32 = 2.5 GiB
        Path p = tmp.resolve("big.gguf");
        // Construct a v3 header for [pad (bigElems F32), tail (4 F32)] directly.
        java.io.ByteArrayOutputStream hdr = new java.io.ByteArrayOutputStream();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(GgufParser.MAGIC).putInt(3).putLong(2).putLong(0);
        b.putLong(3).put("pad".getBytes()).putInt(1).putLong(bigElems).putInt(0).putLong(0);
        b.putLong(4).put("tail".getBytes()).putInt(1).putLong(4).putInt(0).putLong(bigElems * 4);
        hdr.write(b.array(), 0, b.position());
        long dataOffset = (b.position() + 31) / 32 * 32;
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.write(hdr.toByteArray());
            long tailAt = dataOffset + bigElems * 4;
            raf.setLength(tailAt + 16);
            raf.seek(tailAt);
            java.nio.ByteBuffer t = java.nio.ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            t.putFloat(1).putFloat(2).putFloat(3).putFloat(42);
            raf.write(t.array());
        }
        try (GgufFile f = GgufFile.open(p)) {
            assertThat(f.fileSize()).isGreaterThan(1L << 31);
            GgufTensorInfo tail = f.tensor("tail");
            assertThat(f.dataOffset() + tail.offset()).isGreaterThan(1L << 31);
            assertThat(f.data(tail).get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 12)).isEqualTo(42f);
            assertThat(f.data(f.tensor("pad")).byteSize()).isEqualTo(bigElems * 4);
        }
    }
}
