package dev.logprobs4j.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.Choice;
import dev.logprobs4j.IncompleteStreamException;
import java.io.ByteArrayInputStream;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The first chunk, batches of chunks in order, and the body released at the end or on failure. */
class QueuedChunkSourceTest {

    private static AIMessageChunk text(String s) {
        return AIMessageChunk.of(List.of(new Choice(0, s, null, null, null)), null, null);
    }

    /** A body that remembers being closed. */
    private static final class Body extends ByteArrayInputStream {
        boolean closed;

        Body() {
            super(new byte[0]);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void firstChunkThenEachBatchInOrderThenEndClosesTheBody() {
        Body body = new Body();
        List<List<String>> batches = List.of(List.of("a", "b"), List.of(), List.of("c"));
        QueuedChunkSource source = new QueuedChunkSource(body, text("")) {
            private int i;

            @Override
            protected boolean readMore(Deque<AIMessageChunk> out) {
                if (i == batches.size()) {
                    return false;
                }
                batches.get(i++).forEach(s -> out.add(text(s)));
                return true;
            }
        };

        StringBuilder seen = new StringBuilder();
        for (AIMessageChunk c; (c = source.next()) != null; ) {
            seen.append('[').append(c.content()).append(']');
        }
        assertThat(seen).hasToString("[][a][b][c]");
        assertThat(body.closed).isTrue();
        assertThat(source.next()).isNull();
    }

    @Test
    void failureClosesTheBodyAndPropagates() {
        Body body = new Body();
        QueuedChunkSource source = new QueuedChunkSource(body, text("")) {
            @Override
            protected boolean readMore(Deque<AIMessageChunk> out) {
                throw new IncompleteStreamException("cut", null, 0, null);
            }
        };

        assertThat(source.next().content()).isEmpty();
        assertThatThrownBy(source::next).isInstanceOf(IncompleteStreamException.class).hasMessage("cut");
        assertThat(body.closed).isTrue();
    }
}
