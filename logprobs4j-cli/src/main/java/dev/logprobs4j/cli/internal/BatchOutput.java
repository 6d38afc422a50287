package dev.logprobs4j.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * The output JSONL of a batch run, appended one whole line per write so that a killed run loses at
 * most the line being written; reopening it drops a torn last line and reports which lines are
 * done. Thread-safe.
 */
final class BatchOutput implements AutoCloseable {

    private final ObjectMapper mapper;
    private final FileChannel channel;
    private final Set<String> done;

    private BatchOutput(ObjectMapper mapper, FileChannel channel, Set<String> done) {
        this.mapper = mapper;
        this.channel = channel;
        this.done = done;
    }

    /**
     * Opens {@code file} for appending, creating it when missing. The {@code custom_id}s and
     * {@code id}s of its complete lines are {@link #done}.
     */
    static BatchOutput open(ObjectMapper mapper, Path file) throws IOException {
        Set<String> done = new HashSet<>();
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            byte[] bytes = Files.readAllBytes(file);
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] != '\n') {
                end--; // a line torn by a kill: it is run again
            }
            channel.truncate(end);
            int start = 0;
            for (int i = 0; i < end; i++) {
                if (bytes[i] == '\n') {
                    String line = new String(bytes, start, i - start, StandardCharsets.UTF_8);
                    start = i + 1;
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode node;
                    try {
                        node = mapper.readTree(line);
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new CliException(file + " has a line that is not JSON (" + e.getOriginalMessage()
                                + "): it is not an output file of logprobs4j batch; name another --output");
                    }
                    if (node.path("custom_id").isTextual()) {
                        done.add("custom_id:" + node.get("custom_id").asText());
                    }
                    if (node.path("id").isTextual()) {
                        done.add("id:" + node.get("id").asText());
                    }
                }
            }
            channel.position(end);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new BatchOutput(mapper, channel, done);
    }

    /** Whether a line with this {@code custom_id} (or, for one without, this line number) is in the file already. */
    boolean done(String customId, int lineNumber) {
        return customId != null ? done.contains("custom_id:" + customId) : done.contains("id:" + id(null, lineNumber));
    }

    /** How many lines the file had when it was opened. */
    int doneLines() {
        return (int) done.stream().filter(s -> s.startsWith("id:")).count();
    }

    /**
     * The output line's {@code id}: derived from the {@code custom_id} (or the line number when the
     * line had none) so that a rerun writes the same file.
     */
    static String id(String customId, int lineNumber) {
        if (customId == null) {
            return "batch_req_line_" + lineNumber;
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(customId.getBytes(StandardCharsets.UTF_8));
            return "batch_req_" + HexFormat.of().formatHex(h, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Appends the line for a request that got an HTTP answer (OpenAI's {@code response} shape). */
    void response(String customId, int lineNumber, BatchResult result) throws IOException {
        ObjectNode line = mapper.createObjectNode();
        String id = id(customId, lineNumber);
        line.put("id", id);
        line.put("custom_id", customId);
        ObjectNode response = line.putObject("response");
        response.put("status_code", result.status());
        response.put("request_id", "req_" + id.substring("batch_req_".length()));
        response.set("body", result.body());
        line.putNull("error");
        append(line);
    }

    /** Appends the line for an input line that could not be read ({@code response} null, {@code error {code, message}}). */
    void invalid(String customId, int lineNumber, String message) throws IOException {
        ObjectNode line = mapper.createObjectNode();
        line.put("id", id(customId, lineNumber));
        line.put("custom_id", customId);
        line.putNull("response");
        ObjectNode error = line.putObject("error");
        error.put("code", "invalid_request");
        error.put("message", message);
        append(line);
    }

    private void append(ObjectNode line) throws IOException {
        byte[] bytes = (mapper.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
