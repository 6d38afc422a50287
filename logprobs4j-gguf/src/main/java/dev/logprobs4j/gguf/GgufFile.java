package dev.logprobs4j.gguf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An open GGUF file: its header, metadata and tensor directory, with the whole file memory-mapped.
 *
 * <p>Immutable after {@link #open} and thread-safe. The mapping belongs to a shared arena, so files
 * larger than 2 GiB work and segments returned by {@link #data} can be read from any thread until
 * {@link #close()}; afterwards they throw {@link IllegalStateException}. GGUF versions 2 and 3
 * are supported.
 */
public final class GgufFile implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final MemorySegment mapping;
    private final int version;
    private final int alignment;
    private final long dataOffset;
    private final GgufMetadata metadata;
    private final List<GgufTensorInfo> tensors;
    private final Map<String, GgufTensorInfo> byName;

    private GgufFile(Path path, Arena arena, MemorySegment mapping, GgufParser.Header header) {
        this.path = path;
        this.arena = arena;
        this.mapping = mapping;
        this.version = header.version();
        this.alignment = header.alignment();
        this.dataOffset = header.dataOffset();
        this.metadata = header.metadata();
        this.tensors = List.copyOf(header.tensors());
        Map<String, GgufTensorInfo> m = new HashMap<>();
        for (GgufTensorInfo t : tensors) {
            m.put(t.name(), t);
        }
        this.byName = Map.copyOf(m);
    }

    /**
     * Opens and maps {@code path} and parses its header.
     *
     * @throws GgufFormatException if the file is not valid GGUF v2/v3
     * @throws UncheckedIOException if the file cannot be read
     */
    public static GgufFile open(Path path) {
        Objects.requireNonNull(path, "path");
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment mapping = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            GgufParser.Header header = new GgufParser(path, mapping).parse();
            return new GgufFile(path, arena, mapping, header);
        } catch (IOException e) {
            arena.close();
            throw new UncheckedIOException("cannot read GGUF file " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** The file this was opened from. */
    public Path path() {
        return path;
    }

    /** The GGUF format version (2 or 3). */
    public int version() {
        return version;
    }

    /** Alignment of tensor data in bytes ({@code general.alignment}, default 32). */
    public int alignment() {
        return alignment;
    }

    /** Absolute byte offset of the data section in the file. */
    public long dataOffset() {
        return dataOffset;
    }

    /** Size of the file in bytes. */
    public long fileSize() {
        return mapping.byteSize();
    }

    /** The metadata. */
    public GgufMetadata metadata() {
        return metadata;
    }

    /** The tensors in file order. */
    public List<GgufTensorInfo> tensors() {
        return tensors;
    }

    /**
     * The tensor called {@code name}.
     *
     * @throws GgufFormatException naming the missing tensor and a few present ones
     */
    public GgufTensorInfo tensor(String name) {
        GgufTensorInfo t = byName.get(name);
        if (t == null) {
            String some = tensors.stream().limit(6).map(GgufTensorInfo::name).collect(Collectors.joining(", "));
            throw new GgufFormatException(path, -1, "tensor '" + name + "' not found; the file has " + tensors.size()
                    + " tensors" + (tensors.isEmpty() ? "" : ", e.g. " + some + (tensors.size() > 6 ? ", ..." : "")));
        }
        return t;
    }

    /** The tensor called {@code name}, if present. */
    public Optional<GgufTensorInfo> findTensor(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The bytes of {@code tensor}: a read-only slice of the mapping, valid until {@link #close()}. */
    public MemorySegment data(GgufTensorInfo tensor) {
        GgufTensorInfo own = byName.get(tensor.name());
        if (!tensor.equals(own)) {
            throw new IllegalArgumentException("tensor " + tensor + " does not belong to " + path);
        }
        return mapping.asSlice(dataOffset + tensor.offset(), tensor.byteSize());
    }

    /** Unmaps the file; segments obtained from {@link #data} become inaccessible. Idempotent. */
    @Override
    public synchronized void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "GgufFile[" + path + ", v" + version + ", " + metadata.size() + " keys, " + tensors.size() + " tensors]";
    }
}
