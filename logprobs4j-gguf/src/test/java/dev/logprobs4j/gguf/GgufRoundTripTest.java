package dev.logprobs4j.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufRoundTripTest {
    @TempDir
    Path tmp;

    private GgufWriter everyType() {
        return new GgufWriter()
                .putUint8("u8", 200)
                .putInt8("i8", (byte) -100)
                .putUint16("u16", 60000)
                .putInt16("i16", (short) -30000)
                .putUint32("u32", 4_000_000_000L)
                .putInt32("i32", -2_000_000_000)
                .putUint64("u64", -1L)
                .putInt64("i64", Long.MIN_VALUE)
                .putFloat32("f32", 1.5f)
                .putFloat64("f64", Math.PI)
                .putBool("yes", true)
                .putBool("no", false)
                .putString("s", "héllo ▁world 🙂")
                .putString("empty", "")
                .putStringArray("tokens", "<unk>", "<s>", "</s>", "▁a")
                .putInt32Array("types", 2, 3, 3, 1)
                .putFloat32Array("scores", -1f, 0f, Float.NaN, 1e30f)
                .putArray("a.u8", GgufArray.ofUint8((byte) 255, (byte) 0))
                .putArray("a.i8", GgufArray.ofInt8((byte) -1, (byte) 7))
                .putArray("a.u16", GgufArray.ofUint16((short) 65535))
                .putArray("a.i16", GgufArray.ofInt16((short) -5))
                .putArray("a.u32", GgufArray.ofUint32(-1, 5))
                .putArray("a.u64", GgufArray.ofUint64(1L << 40))
                .putArray("a.i64", GgufArray.ofInt64(-3L))
                .putArray("a.f64", GgufArray.ofFloat64(0.25, -2))
                .putArray("a.bool", GgufArray.ofBool(true, false, true))
                .putArray("a.empty", GgufArray.ofString())
                .putArray("a.nested", GgufArray.ofArrays(GgufArray.ofInt32(1, 2), GgufArray.ofString("x"),
                        GgufArray.ofArrays(GgufArray.ofFloat32(3f))));
    }

    @Test
    void everyMetadataTypeSurvivesWriteAndRead() {
        Path p = tmp.resolve("m.gguf");
        everyType().write(p);
        try (GgufFile f = GgufFile.open(p)) {
            GgufMetadata m = f.metadata();
            assertThat(f.version()).isEqualTo(3);
            assertThat(f.alignment()).isEqualTo(32);
            assertThat(List.copyOf(m.keys())).startsWith("u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64");
            assertThat(m.get("u8")).isEqualTo((short) 200);
            assertThat(m.type("u8")).isEqualTo(GgufValueType.UINT8);
            assertThat(m.getInt("u8")).isEqualTo(200);
            assertThat(m.get("i8")).isEqualTo((byte) -100);
            assertThat(m.getInt("u16")).isEqualTo(60000);
            assertThat(m.getInt("i16")).isEqualTo(-30000);
            assertThat(m.getLong("u32")).isEqualTo(4_000_000_000L);
            assertThat(m.getInt("i32")).isEqualTo(-2_000_000_000);
            assertThat(m.get("u64")).isEqualTo(-1L);
            assertThat(m.type("u64")).isEqualTo(GgufValueType.UINT64);
            assertThat(m.getLong("i64")).isEqualTo(Long.MIN_VALUE);
            assertThat(m.getFloat("f32")).isEqualTo(1.5f);
            assertThat(m.getDouble("f64")).isEqualTo(Math.PI);
            assertThat(m.getFloat("f64")).isEqualTo((float) Math.PI);
            assertThat(m.getBoolean("yes")).isTrue();
            assertThat(m.getBoolean("no")).isFalse();
            assertThat(m.getString("s")).isEqualTo("héllo ▁world 🙂");
            assertThat(m.getString("empty")).isEmpty();
            assertThat(m.getStringArray("tokens")).containsExactly("<unk>", "<s>", "</s>", "▁a");
            assertThat(m.getIntArray("types")).containsExactly(2, 3, 3, 1);
            assertThat(m.getFloatArray("scores")).containsExactly(-1f, 0f, Float.NaN, 1e30f);
            assertThat(m.getIntArray("a.u8")).containsExactly(255, 0);
            assertThat(m.getIntArray("a.i8")).containsExactly(-1, 7);
            assertThat(m.getIntArray("a.u16")).containsExactly(65535);
            assertThat(m.getIntArray("a.i16")).containsExactly(-5);
            assertThat(m.getArray("a.u32").toLongArray()).containsExactly(4294967295L, 5L);
            assertThat(m.getArray("a.u64").toLongArray()).containsExactly(1L << 40);
            assertThat(m.getIntArray("a.i64")).containsExactly(-3);
            assertThat(m.getFloatArray("a.f64")).containsExactly(0.25f, -2f);
            assertThat(m.getArray("a.bool").get(2)).isEqualTo(true);
            assertThat(m.getStringArray("a.empty")).isEmpty();
            GgufArray nested = m.getArray("a.nested");
            assertThat(nested.elementType()).isEqualTo(GgufValueType.ARRAY);
            assertThat(nested.toArrayArray()[0].toIntArray()).containsExactly(1, 2);
            assertThat(nested.toArrayArray()[1].toStringArray()).containsExactly("x");
            assertThat(nested.toArrayArray()[2].toArrayArray()[0].toFloatArray()).containsExactly(3f);
            // Rewriting what was read gives identical metadata: nothing was lost or retyped.
            Path p2 = tmp.resolve("m2.gguf");
            new GgufWriter().putAll(m).write(p2);
            try (GgufFile g = GgufFile.open(p2)) {
                assertThat(g.metadata()).isEqualTo(m);
            }
        }
    }

    @Test
    void typedGettersNameKeyAndActualTypeOnMismatch() {
        Path p = tmp.resolve("m.gguf");
        everyType().write(p);
        try (GgufFile f = GgufFile.open(p)) {
            GgufMetadata m = f.metadata();
            assertThatThrownBy(() -> m.getInt("s")).isInstanceOf(GgufFormatException.class)
                    .hasMessageContaining("m.gguf").hasMessageContaining("'s'").hasMessageContaining("STRING");
            assertThatThrownBy(() -> m.getInt("u32")).hasMessageContaining("'u32'").hasMessageContaining("UINT32 4000000000")
                    .hasMessageContaining("int");
            assertThatThrownBy(() -> m.getLong("u64")).hasMessageContaining("18446744073709551615");
            assertThatThrownBy(() -> m.getString("f32")).hasMessageContaining("FLOAT32 1.5");
            assertThatThrownBy(() -> m.getFloat("i32")).hasMessageContaining("INT32");
            assertThatThrownBy(() -> m.getStringArray("types")).hasMessageContaining("array of 4 INT32");
            assertThatThrownBy(() -> m.getIntArray("a.u32")).hasMessageContaining("'a.u32'");
            assertThatThrownBy(() -> m.getBoolean("nope")).isInstanceOf(GgufFormatException.class)
                    .hasMessageContaining("'nope' is missing");
            assertThat(m.findString("nope")).isEmpty();
            assertThat(m.findInt("nope")).isEmpty();
            assertThat(m.findInt("i16")).hasValue(-30000);
        }
    }

    @Test
    void arrayGettersReturnCopies() {
        Path p = tmp.resolve("m.gguf");
        everyType().write(p);
        try (GgufFile f = GgufFile.open(p)) {
            f.metadata().getIntArray("types")[0] = 99;
            f.metadata().getFloatArray("scores")[0] = 99;
            f.metadata().getStringArray("tokens")[0] = "changed";
            assertThat(f.metadata().getIntArray("types")[0]).isEqualTo(2);
            assertThat(f.metadata().getFloatArray("scores")[0]).isEqualTo(-1f);
            assertThat(f.metadata().getStringArray("tokens")[0]).isEqualTo("<unk>");
        }
    }

    @Test
    void tensorsRoundTripAlignedWithTheirBytes() {
        Path p = tmp.resolve("t.gguf");
        byte[] q8 = new byte[GgmlType.Q8_0.blockBytes() * 2];
        for (int i = 0; i < q8.length; i++) {
            q8[i] = (byte) (i * 7);
        }
        new GgufWriter().alignment(64)
                .addTensor("a", new long[] {3}, new float[] {1f, -2f, 3.5f})
                .addTensor("b", new long[] {32, 2}, GgmlType.Q8_0, q8)
                .addTensor("c", new long[] {2, 1, 1, 2}, new float[] {4, 5, 6, 7})
                .write(p);
        try (GgufFile f = GgufFile.open(p)) {
            assertThat(f.alignment()).isEqualTo(64);
            assertThat(f.metadata().getInt("general.alignment")).isEqualTo(64);
            assertThat(f.dataOffset() % 64).isZero();
            assertThat(f.tensors()).extracting(GgufTensorInfo::name).containsExactly("a", "b", "c");
            for (GgufTensorInfo t : f.tensors()) {
                assertThat(t.offset() % 64).isZero();
            }
            GgufTensorInfo a = f.tensor("a");
            assertThat(a.shape()).containsExactly(3);
            assertThat(a.type()).isEqualTo(GgmlType.F32);
            assertThat(f.data(a).get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8)).isEqualTo(3.5f);
            GgufTensorInfo b = f.tensor("b");
            assertThat(b.byteSize()).isEqualTo(68);
            assertThat(f.data(b).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(q8);
            assertThat(f.tensor("c").shape()).containsExactly(2, 1, 1, 2);
            assertThat(f.findTensor("zzz")).isEmpty();
            assertThatThrownBy(() -> f.tensor("zzz")).isInstanceOf(GgufFormatException.class)
                    .hasMessageContaining("'zzz' not found").hasMessageContaining("a, b, c");
        }
    }

    @Test
    void writerRejectsDataOfTheWrongSize() {
        assertThatThrownBy(() -> new GgufWriter().addTensor("w", new long[] {32, 2}, GgmlType.Q8_0, new byte[67]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("68 bytes").hasMessageContaining("'w'");
        assertThatThrownBy(() -> new GgufWriter().addTensor("w", new long[] {33}, GgmlType.Q4_0, new byte[18]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("block size 32");
    }

    @Test
    void closedFileRefusesDataAccess() {
        Path p = tmp.resolve("t.gguf");
        new GgufWriter().addTensor("a", new long[] {1}, new float[] {1f}).write(p);
        GgufFile f = GgufFile.open(p);
        var seg = f.data(f.tensor("a"));
        f.close();
        f.close();
        assertThatThrownBy(() -> seg.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void tensorInfoCopiesShapeAndComparesByValue() {
        long[] shape = {32, 4};
        GgufTensorInfo t = GgufTensorInfo.of("x", shape, GgmlType.Q8_0, 0);
        shape[0] = 64;
        assertThat(t.shape()).containsExactly(32, 4);
        t.shape()[1] = 9;
        assertThat(t.dim(1)).isEqualTo(4);
        assertThat(t.dim(3)).isEqualTo(1);
        assertThat(t).isEqualTo(GgufTensorInfo.of("x", new long[] {32, 4}, GgmlType.Q8_0, 0))
                .hasSameHashCodeAs(GgufTensorInfo.of("x", new long[] {32, 4}, GgmlType.Q8_0, 0));
        assertThat(t.byteSize()).isEqualTo(4 * 34);
        assertThatThrownBy(() -> new GgufTensorInfo("x", new long[] {32}, GgmlType.Q8_0, 0, 33))
                .hasMessageContaining("byteSize of 'x' must be 34");
    }
}
