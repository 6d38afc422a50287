package dev.logprobs4j.cli.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
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
        String id = id(customId, lineNumber);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
        try (JsonGenerator json = mapper.createGenerator(bytes)) {
            json.writeStartObject();
            json.writeStringField("id", id);
            json.writeStringField("custom_id", customId);
            json.writeObjectFieldStart("response");
            json.writeNumberField("status_code", result.status());
            json.writeStringField("request_id", "req_" + id.substring("batch_req_".length()));
            json.writeFieldName("body");
            result.body().write(json);
            json.writeEndObject();
            json.writeNullField("error");
            json.writeEndObject();
        }
        append(bytes);
    }

    /** Appends the line for an input line that could not be read ({@code response} null, {@code error {code, message}}). */
    void invalid(String customId, int lineNumber, String message) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator json = mapper.createGenerator(bytes)) {
            json.writeStartObject();
            json.writeStringField("id", id(customId, lineNumber));
            json.writeStringField("custom_id", customId);
            json.writeNullField("response");
            json.writeObjectFieldStart("error");
            json.writeStringField("code", "invalid_request");
            json.writeStringField("message", message);
            json.writeEndObject();
            json.writeEndObject();
        }
        append(bytes);
    }

    private void append(ByteArrayOutputStream line) throws IOException {
        line.write('\n');
        ByteBuffer buf = ByteBuffer.wrap(line.toByteArray());
        synchronized (this) {
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
