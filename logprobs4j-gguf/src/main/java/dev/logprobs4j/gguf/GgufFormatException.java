package dev.logprobs4j.gguf;

import java.nio.file.Path;

/**
 * Error raised when a GGUF file is malformed, truncated or uses an unsupported feature.
 *
 * <p>The message names the file and the byte offset at which the problem was found, e.g.
 * {@code "stories.gguf: byte 1234: tensor 'blk.0.attn_q.weight' has type id 99, ..."}.
 * Immutable.
 */
public final class GgufFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path path;
    private final long offset;

    /**
     * Creates an exception about {@code path} at byte {@code offset}.
     *
     * @param path the file, or {@code null} if unknown
     * @param offset the byte offset in the file, or -1 if not tied to one position
     * @param detail what is wrong, without the file name or offset
     */
    public GgufFormatException(Path path, long offset, String detail) {
        super(format(path, offset, detail));
        this.path = path;
        this.offset = offset;
    }

    /** The file that was being read, or {@code null} if unknown. */
    public Path path() {
        return path;
    }

    /** The byte offset in the file where the problem was found, or -1 if not tied to one. */
    public long offset() {
        return offset;
    }

    private static String format(Path path, long offset, String detail) {
        String file = path == null ? "<gguf>" : String.valueOf(path.getFileName());
        return offset >= 0 ? file + ": byte " + offset + ": " + detail : file + ": " + detail;
    }
}
