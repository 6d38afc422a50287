package dev.logprobs4j.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Newline-delimited JSON as raw lines. */
class LineReaderTest {

    private static List<String> lines(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        LineReader reader = new LineReader(new ByteArrayInputStream(bytes));
        List<String> out = new ArrayList<>();
        for (byte[] line; (line = reader.readLine()) != null; ) {
            out.add(new String(line, StandardCharsets.UTF_8));
        }
        assertThat(reader.offset()).as("all input consumed").isEqualTo(bytes.length);
        return out;
    }

    @Test
    void linesEndInLfOrCrlfAndKeepTheirBytes() throws IOException {
        assertThat(lines("{\"a\":1}\n{\"b\":\"caf\u00e9\"}\r\n\n")).containsExactly("{\"a\":1}", "{\"b\":\"caf\u00e9\"}", "");
    }

    @Test
    void lastLineWithoutNewlineIsReturned() throws IOException {
        assertThat(lines("{\"a\":1}\n{\"done\":true}")).containsExactly("{\"a\":1}", "{\"done\":true}");
    }

    @Test
    void lineLongerThanTheLimitIsRefused() {
        byte[] big = new byte[LineReader.MAX_LINE + 1];
        java.util.Arrays.fill(big, (byte) 'x');
        LineReader reader = new LineReader(new ByteArrayInputStream(big));
        org.assertj.core.api.Assertions.assertThatThrownBy(reader::readLine).isInstanceOf(IOException.class)
                .hasMessageContaining("longer than " + LineReader.MAX_LINE + " bytes");
    }
}
