package dev.logprobs4j.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseFixtureTest {

    private static List<String> events(byte[] stream) {
        String text = new String(stream, StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        for (String block : text.split("\n\n")) {
            assertThat(block).startsWith("data: ");
            out.add(block.substring(6));
        }
        assertThat(text).endsWith("data: [DONE]\n\n");
        return out;
    }

    @Test
    void streamHasRoleChunkOneChunkPerTokenFinishUsageAndDone() throws IOException {
        List<String> events = events(SseFixture.stream(50, 20));
        assertThat(events).hasSize(1 + 50 + 2 + 1);
        assertThat(events.get(0)).contains("\"role\":\"assistant\"").contains("\"logprobs\":{\"content\":[]");
        assertThat(events.get(51)).contains("\"finish_reason\":\"stop\"");
        assertThat(events.get(52)).contains("\"choices\":[]").contains("\"completion_tokens\":50");
        assertThat(events.get(53)).isEqualTo("[DONE]");
        for (String e : events.subList(0, 53)) {
            assertWellFormed(e);
        }
    }

    @Test
    void everyTokenChunkCarriesTwentyAlternativesInDescendingOrderHeadedByTheToken() throws IOException {
        List<String> events = events(SseFixture.stream(30, 20));
        for (int i = 0; i < 30; i++) {
            String e = events.get(1 + i);
            List<Double> logprobs = new ArrayList<>();
            List<String> tokens = new ArrayList<>();
            try (JsonParser p = new JsonFactory().createParser(e)) {
                boolean inTop = false;
                for (JsonToken t; (t = p.nextToken()) != null; ) {
                    if (t == JsonToken.FIELD_NAME && p.currentName().equals("top_logprobs")) {
                        inTop = true;
                    } else if (inTop && t == JsonToken.FIELD_NAME && p.currentName().equals("logprob")) {
                        p.nextToken();
                        logprobs.add(p.getDoubleValue());
                    } else if (inTop && t == JsonToken.FIELD_NAME && p.currentName().equals("token")) {
                        p.nextToken();
                        tokens.add(p.getText());
                    }
                }
            }
            assertThat(logprobs).hasSize(20);
            assertThat(tokens.get(0)).isEqualTo(SseFixture.token(i));
            for (int k = 1; k < 20; k++) {
                assertThat(logprobs.get(k)).isLessThan(logprobs.get(k - 1));
            }
        }
    }

    @Test
    void sameLengthGivesTheSameBytes() {
        assertThat(SseFixture.stream(40, 20)).isEqualTo(SseFixture.stream(40, 20));
    }

    private static void assertWellFormed(String json) throws IOException {
        try (JsonParser p = new JsonFactory().createParser(json)) {
            int depth = 0;
            for (JsonToken t; (t = p.nextToken()) != null; ) {
                if (t.isStructStart()) {
                    depth++;
                } else if (t.isStructEnd()) {
                    depth--;
                }
            }
            assertThat(depth).isZero();
        }
    }
}
