package dev.logprobs4j.cli.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine;

/** Reading the user's text and checking output paths, with errors naming the file or byte: stateless. */
final class Inputs {

    private Inputs() {
    }

    /** {@code bytes} as UTF-8; invalid bytes fail naming {@code what} and the byte offset instead of turning into U+FFFD. */
    static String utf8(byte[] bytes, String what) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8, bytes.length * 2L + 16));
        CoderResult r = decoder.decode(in, out, true);
        if (r.isError()) {
            throw new CliException(what + " is not valid UTF-8: byte 0x" + String.format("%02X", bytes[in.position()] & 0xFF)
                    + " at offset " + in.position() + " (convert it, e.g. with iconv -t UTF-8)");
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    /** Standard input as UTF-8 text. */
    static String stdin(InputStream in) throws IOException {
        return utf8(in.readAllBytes(), "standard input");
    }

    /** A text file as UTF-8, with errors that name the path. */
    static String file(String name) {
        Path p = Path.of(name).toAbsolutePath().normalize();
        if (Files.isDirectory(p)) {
            throw new CliException(p + " is a directory: give the text file to score");
        }
        try {
            return utf8(Files.readAllBytes(p), p.toString());
        } catch (NoSuchFileException e) {
            throw new CliException("no such file: " + p);
        } catch (AccessDeniedException e) {
            throw new CliException("cannot read " + p + ": permission denied");
        } catch (IOException e) {
            throw new CliException("cannot read " + p + ": " + e.getMessage());
        }
    }

    /**
     * Checks before any work that a report can be written to {@code file}: its folder exists and is
     * writable, and it is not itself a folder. The folder is not created, so a typo fails at once.
     */
    static void checkWritable(CommandLine cmd, Path file) {
        if (file == null) {
            return;
        }
        Path p = file.toAbsolutePath().normalize();
        Path parent = p.getParent();
        if (Files.isDirectory(p)) {
            throw new CommandLine.ParameterException(cmd, "--html " + file + " is a directory: give a file name such as report.html");
        }
        if (parent == null || !Files.isDirectory(parent)) {
            throw new CommandLine.ParameterException(cmd, "--html " + file + ": the folder " + parent + " does not exist");
        }
        if (!Files.isWritable(parent) || Files.exists(p) && !Files.isWritable(p)) {
            throw new CommandLine.ParameterException(cmd, "--html " + file + ": cannot write there (permission denied)");
        }
    }

    /** {@code --NAME N} must be >= 1: a usage error (exit 2), not a failure. */
    static void atLeastOne(CommandLine cmd, String option, Integer value) {
        if (value != null && value < 1) {
            throw new CommandLine.ParameterException(cmd, option + " must be >= 1, was " + value);
        }
    }
}
