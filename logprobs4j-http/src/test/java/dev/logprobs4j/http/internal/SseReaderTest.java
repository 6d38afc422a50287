package dev.logprobs4j.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.logprobs4j.IncompleteStreamException;
import dev.logprobs4j.MalformedResponseException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per rule of the WHATWG event-stream parsing algorithm that chat completions depend on. */
class SseReaderTest {

    private static List<SseReader.Event> readAll(byte[] bytes, int pieceSize) throws IOException {
        InputStream in = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, pieceSize)); // arbitrary network splits
            }
        };
        SseReader reader = new SseReader(in);
        List<SseReader.Event> events = new ArrayList<>();
        for (SseReader.Event e; (e = reader.next()) != null; ) {
            events.add(e);
        }
        assertThat(reader.offset()).as("all input consumed").isEqualTo(bytes.length);
        return events;
    }

    private static List<String> data(String stream) throws IOException {
        List<String> out = new ArrayList<>();
        for (int piece : new int[] {1, 2, 3, 8192}) {
            List<String> got = new ArrayList<>();
            readAll(stream.getBytes(StandardCharsets.UTF_8), piece).forEach(e -> got.add(e.data()));
            if (piece == 1) {
                out = got;
            } else {
                assertThat(got).as("same events whatever the read sizes").isEqualTo(out);
            }
        }
        return out;
    }

    @Test
    void lfCrlfAndCrAllEndLines() throws IOException {
        assertThat(data("data: a\n\ndata: b\r\n\r\ndata: c\r\rdata: d\n\r\n")).containsExactly("a", "b", "c", "d");
    }

    @Test
    void multipleDataLinesJoinWithNewlines() throws IOException {
        assertThat(data("data: {\"a\":\ndata: 1}\n\n")).containsExactly("{\"a\":\n1}");
    }

    @Test
    void dataLinesLongerThanTheReadBufferJoinWholly() throws IOException {
        String a = "a".repeat(40_000);
        String b = "b".repeat(20_000);
        assertThat(data("data: " + a + "\ndata:" + b + "\n\ndata: " + b + "\n\n")).containsExactly(a + "\n" + b, b);
    }

    @Test
    void commentsAreIgnored() throws IOException {
        assertThat(data(": keep-alive\n\n:\ndata: x\n: inside\n\n")).containsExactly("x");
    }

    @Test
    void onlyOneSpaceAfterTheColonIsDropped() throws IOException {
        assertThat(data("data:x\n\ndata:  y\n\ndata\n\n")).containsExactly("x", " y", "");
    }

    @Test
    void eventFieldNamesTheEventAndIdAndRetryAreAccepted() throws IOException {
        List<SseReader.Event> events = readAll("event: error\nid: 7\nretry: 100\ndata: {}\n\ndata: next\n\n".getBytes(StandardCharsets.UTF_8), 5);
        assertThat(events).hasSize(2);
        assertThat(events.get(0).type()).isEqualTo("error");
        assertThat(events.get(0).data()).isEqualTo("{}");
        assertThat(events.get(1).type()).isNull();
    }

    @Test
    void eventCutOffByTheEndIsNotDispatched() throws IOException {
        assertThat(data("data: whole\n\ndata: cut")).containsExactly("whole");
        assertThat(data("data: whole\n\ndata: cut\n")).containsExactly("whole");
    }

    @Test
    void byteOrderMarkIsSkipped() throws IOException {
        assertThat(data("\uFEFFdata: x\n\n")).containsExactly("x");
    }

    @Test
    void multiByteUtf8SplitAcrossReadsDecodes() throws IOException {
        assertThat(data("data: caf\u00e9 \u2764\n\n")).containsExactly("caf\u00e9 \u2764");
    }

    @Test
    void unknownFieldIsRejectedWithItsByteOffset() {
        byte[] bytes = "data: a\n\n{\"id\":1}\n\n".getBytes(StandardCharsets.UTF_8);
        MalformedResponseException e = catchThrowableOfType(MalformedResponseException.class, () -> readAll(bytes, 4));
        assertThat(e.location()).isEqualTo("byte 9 of the stream");
        assertThat(e.getMessage()).contains("found '{\"id\":1}'");
    }

    @Test
    void readerWithoutErrorFieldRejectsErrorLines() throws IOException {
        byte[] bytes = "data: a\n\nerror: {\"code\":500}\n\n".getBytes(StandardCharsets.UTF_8);
        SseReader reader = SseReader.withoutErrorField(new ByteArrayInputStream(bytes));
        assertThat(reader.next().data()).isEqualTo("a");
        MalformedResponseException e = catchThrowableOfType(MalformedResponseException.class, reader::next);
        assertThat(e.location()).isEqualTo("byte 9 of the stream");
        assertThat(e.getMessage()).isEqualTo("the stream is not a server-sent event stream: expected a line starting with"
                + " 'data:', 'event:', 'id:', 'retry:' or ':', found 'error: {\"code\":500}' at byte 9 of the stream");
    }

    @Test
    void invalidUtf8IsRejectedWhenTheDataIsDecoded() throws IOException {
        byte[] bytes = {'d', 'a', 't', 'a', ':', ' ', (byte) 0xC3, '\n', '\n'};
        SseReader.Event event = readAll(bytes, 100).get(0);
        assertThat(event.dataBytes()).containsExactly((byte) 0xC3);
        MalformedResponseException e = catchThrowableOfType(MalformedResponseException.class, event::data);
        assertThat(e.getMessage()).isEqualTo("the stream is not valid UTF-8 at the event at byte 0 of the stream");
    }

    @Test
    void errorFieldIsKeptAndDispatchesAnEventWithoutData() throws IOException {
        List<SseReader.Event> events = readAll(("data: {\"a\":1}\n\n"
                + "error: {\"code\":500,\"message\":\"context shift is disabled\"}\n\n").getBytes(StandardCharsets.UTF_8), 3);
        assertThat(events).hasSize(2);
        assertThat(events.get(0).error()).isNull();
        assertThat(events.get(1).data()).isNull();
        assertThat(events.get(1).error()).isEqualTo("{\"code\":500,\"message\":\"context shift is disabled\"}");
        assertThat(events.get(1).offset()).isEqualTo(15); // after "data: {"a":1}\n\n"
    }

    @Test
    void brokenConnectionBecomesIncompleteStreamWithTheOffset() throws IOException {
        byte[] head = "data: a\n\nda".getBytes(StandardCharsets.UTF_8);
        InputStream in = new InputStream() {
            private int i;

            @Override
            public int read() throws IOException {
                if (i < head.length) {
                    return head[i++];
                }
                throw new IOException("connection reset");
            }
        };
        SseReader reader = new SseReader(in);
        assertThat(reader.nextOrIncomplete().data()).isEqualTo("a");
        assertThatThrownBy(reader::nextOrIncomplete).isInstanceOf(IncompleteStreamException.class)
                .hasMessage("the stream broke at byte 11: java.io.IOException: connection reset");
    }

    @Test
    void closeClosesTheUnderlyingStream() {
        boolean[] closed = {false};
        SseReader reader = new SseReader(new ByteArrayInputStream(new byte[0]) {
            @Override
            public void close() {
                closed[0] = true;
            }
        });
        reader.close();
        assertThat(closed[0]).isTrue();
    }

    @Test
    void wordAtATimeLineEndFindsTheSameEndAsAByteLoop() {
        // Bytes next to CR/LF (0x09, 0x0B, 0x0C, 0x0E, 0x01), high bytes and zeros are where the
        // word trick could go wrong; every length and start offset is checked against a plain loop.
        byte[] alphabet = {'a', '\n', '\r', 0x09, 0x0B, 0x0C, 0x0E, 0x01, 0x00, (byte) 0x8A, (byte) 0x8D, (byte) 0xFF, '{'};
        java.util.Random random = new java.util.Random(7);
        for (int trial = 0; trial < 2_000; trial++) {
            byte[] b = new byte[random.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                b[i] = random.nextInt(4) == 0 ? alphabet[random.nextInt(alphabet.length)] : (byte) ('a' + random.nextInt(26));
            }
            for (int from = 0; from <= b.length; from++) {
                int expected = from;
                while (expected < b.length && b[expected] != '\n' && b[expected] != '\r') {
                    expected++;
                }
                assertThat(SseReader.lineEnd(b, from, b.length)).as("trial %d from %d", trial, from).isEqualTo(expected);
            }
        }
    }
}
