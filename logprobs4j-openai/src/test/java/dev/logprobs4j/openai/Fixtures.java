package dev.logprobs4j.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the fixture files of src/test/resources/fixtures/openai, and reads them independently with databind. */
final class Fixtures {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Fixtures() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/openai/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    /** A JSON fixture as a databind tree: the independent reading our parser is compared with. */
    static JsonNode tree(String name) {
        return parse(text(name));
    }

    static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The data of each {@code data:} line of an SSE fixture that is JSON, as trees (a naive reader, for tests). */
    static List<JsonNode> events(String name) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : text(name).split("\n")) {
            if (line.startsWith("data: {")) {
                out.add(parse(line.substring(6)));
            }
        }
        return out;
    }
}
