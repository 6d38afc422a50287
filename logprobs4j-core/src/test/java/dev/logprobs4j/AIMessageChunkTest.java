package dev.logprobs4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AIMessageChunkTest {

    private static TokenLogprob token(String text, double logprob) {
        return new TokenLogprob(text, text.getBytes(StandardCharsets.UTF_8), logprob, List.of());
    }

    private static AIMessageChunk chunk(String text, double logprob) {
        return AIMessageChunk.of(text, Logprobs.of(List.of(token(text, logprob))));
    }

    @Test
    void firstStreamedChunkCarriesEmptyLogprobsAndListsGrowByOne() {
        List<AIMessageChunk> stream = List.of(AIMessageChunk.of("", Logprobs.EMPTY),
                chunk("I", -0.1), chunk("'m", -0.2), chunk(" fine", -0.3), chunk(".", -0.4));
        AIMessageChunk full = null;
        List<Integer> sizes = new ArrayList<>();
        List<String> printed = new ArrayList<>();
        for (AIMessageChunk c : stream) {
            full = full == null ? c : full.add(c);
            @SuppressWarnings("unchecked")
            Map<String, Object> logprobs = (Map<String, Object>) full.responseMetadata().get("logprobs");
            sizes.add(((List<?>) logprobs.get("content")).size());
            printed.add(Json.write(logprobs.get("content")));
        }
        assertThat(sizes).containsExactly(0, 1, 2, 3, 4);
        assertThat(printed.get(0)).isEqualTo("[]");
        assertThat(printed.get(1)).isEqualTo("[{\"token\": \"I\", \"bytes\": [73], \"logprob\": -0.1, \"top_logprobs\": []}]");
        assertThat(full.content()).isEqualTo("I'm fine.");
    }

    @Test
    void addIsAssociativeAndLeavesOperandsUnchanged() {
        AIMessageChunk a = chunk("a", -1);
        AIMessageChunk b = chunk("b", -2);
        AIMessageChunk c = chunk("c", -3);
        AIMessageChunk ab = a.add(b);
        AIMessageChunk left = ab.add(c);
        AIMessageChunk right = a.add(b.add(c));
        assertThat(left).isEqualTo(right);
        // ab was extended in place by left; a second extension of ab must not see c.
        AIMessageChunk abd = ab.add(chunk("d", -4));
        assertThat(abd.content()).isEqualTo("abd");
        assertThat(abd.logprobs().content()).extracting(TokenLogprob::token).containsExactly("a", "b", "d");
        assertThat(left.content()).isEqualTo("abc");
        assertThat(left.logprobs().content()).extracting(TokenLogprob::token).containsExactly("a", "b", "c");
        assertThat(ab.content()).isEqualTo("ab");
        assertThat(a.content()).isEqualTo("a");
    }

    @Test
    void choicesMergePerIndexWhenNIsTwo() {
        AIMessageChunk first = AIMessageChunk.of(List.of(
                new Choice(0, "x", null, Logprobs.EMPTY, null), new Choice(1, "y", null, Logprobs.EMPTY, null)), null, null);
        AIMessageChunk onlyOne = AIMessageChunk.of(List.of(
                new Choice(1, "Y", null, Logprobs.of(List.of(token("Y", -0.5))), "stop")), null, null);
        AIMessageChunk onlyZero = AIMessageChunk.of(List.of(
                new Choice(0, "X", null, Logprobs.of(List.of(token("X", -0.25))), "length")), null, null);
        AIMessageChunk full = first.add(onlyOne).add(onlyZero);
        assertThat(full.choices()).extracting(Choice::index, Choice::content, Choice::finishReason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0, "xX", "length"),
                        org.assertj.core.groups.Tuple.tuple(1, "yY", "stop"));
        assertThat(full.choices().get(1).logprobs().content()).extracting(TokenLogprob::token).containsExactly("Y");
    }

    @Test
    void refusalTextAndRefusalLogprobsConcatenate() {
        AIMessageChunk a = AIMessageChunk.of(List.of(new Choice(0, "", "I can", new Logprobs(List.of(), List.of(token("I", -0.1))), null)), null, null);
        AIMessageChunk b = AIMessageChunk.of(List.of(new Choice(0, "", "'t.", new Logprobs(List.of(), List.of(token(" can", -0.2))), "stop")), null, null);
        AIMessageChunk full = a.add(b);
        assertThat(full.choices().get(0).refusal()).isEqualTo("I can't.");
        assertThat(full.logprobs().refusal()).extracting(TokenLogprob::token).containsExactly("I", " can");
        @SuppressWarnings("unchecked")
        Map<String, Object> lp = (Map<String, Object>) full.responseMetadata().get("logprobs");
        assertThat(lp).containsKeys("content", "refusal");
    }

    @Test
    void usageOnlyChunkAddsUsageWithoutChoices() {
        AIMessageChunk text = AIMessageChunk.of(List.of(new Choice(0, "hi", null, null, "stop")),
                new ResponseInfo("chatcmpl-1", "m", "fp", null, Map.of()), null);
        AIMessageChunk usage = AIMessageChunk.of(List.of(), new ResponseInfo("chatcmpl-1", "m", "fp", new Usage(3, 1, 4), Map.of()), null);
        AIMessageChunk full = text.add(usage);
        assertThat(full.usage()).isEqualTo(new Usage(3, 1, 4));
        assertThat(full.info().id()).isEqualTo("chatcmpl-1");
        assertThat(full.responseMetadata()).containsEntry("model_name", "m").containsEntry("finish_reason", "stop")
                .containsEntry("token_usage", Map.of("completion_tokens", 1L, "prompt_tokens", 3L, "total_tokens", 4L));
        assertThat(full.toMessage().content()).isEqualTo("hi");
        assertThatThrownBy(() -> usage.toMessage()).isInstanceOf(IllegalStateException.class).hasMessageContaining("no choice");
    }

    @Test
    void usageBreakdownsSitInsideTokenUsageLikeLangChain() {
        AIMessage msg = AIMessage.of("x", null, "stop", new ResponseInfo(null, null, null, new Usage(1, 2, 3),
                Map.of("prompt_tokens_details", Map.of("cached_tokens", 0), "service_tier", "default")));
        assertThat(msg.responseMetadata()).doesNotContainKey("prompt_tokens_details").containsEntry("service_tier", "default");
        @SuppressWarnings("unchecked")
        Map<String, Object> usage = (Map<String, Object>) msg.responseMetadata().get("token_usage");
        assertThat(usage).containsEntry("prompt_tokens_details", Map.of("cached_tokens", 0)).containsEntry("total_tokens", 3L);
    }

    @Test
    void extraMetadataMergesLikeLangChain() {
        AIMessageChunk a = AIMessageChunk.of(List.of(), new ResponseInfo(null, null, null, null,
                Map.of("service_tier", "def", "count", 2)), null);
        AIMessageChunk b = AIMessageChunk.of(List.of(), new ResponseInfo(null, null, null, null,
                Map.of("service_tier", "ault", "count", 3)), null);
        assertThat(a.add(b).info().extra()).containsEntry("service_tier", "default").containsEntry("count", 5L);
    }

    @Test
    void oneHundredThousandSingleTokenChunksAddUpInOrder() {
        AIMessageChunk full = AIMessageChunk.of("", Logprobs.EMPTY);
        for (int i = 0; i < 100_000; i++) {
            full = full.add(chunk(i % 2 == 0 ? "a" : "b", -i / 1e6));
        }
        assertThat(full.logprobs().size()).isEqualTo(100_000);
        assertThat(full.content()).hasSize(100_000).startsWith("abab");
        assertThat(full.logprobs().content().get(99_999).logprob()).isEqualTo(-99_999 / 1e6);
    }

    @Test
    void chunksFromManyThreadsExtendingOneChunkStayIndependent() throws Exception {
        AIMessageChunk base = chunk("base", -1);
        List<Thread> threads = new ArrayList<>();
        List<AIMessageChunk> results = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 8; t++) {
            String s = "t" + t;
            Thread thread = new Thread(() -> {
                AIMessageChunk c = base;
                for (int i = 0; i < 1000; i++) {
                    c = c.add(chunk(s, -0.5));
                }
                results.add(c);
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        for (AIMessageChunk r : results) {
            List<TokenLogprob> tokens = r.logprobs().content();
            assertThat(tokens).hasSize(1001);
            String own = tokens.get(1).token();
            assertThat(tokens.subList(1, 1001)).allMatch(tk -> tk.token().equals(own));
        }
    }

    @Test
    void rawEventsKeptAsUtf8ReadBackAsTheSameTextAndCompareEqual() {
        String event = "{\"choices\":[{\"delta\":{\"content\":\"café\"}}]}";
        List<Choice> deltas = List.of(new Choice(0, "café", null, null, null));
        AIMessageChunk asBytes = AIMessageChunk.ofUtf8(deltas, null, event.getBytes(StandardCharsets.UTF_8));
        AIMessageChunk asText = AIMessageChunk.of(deltas, null, event);

        assertThat(asBytes.rawEvents()).containsExactly(event);
        assertThat(asBytes).isEqualTo(asText).hasSameHashCodeAs(asText);
        assertThat(asText.add(asBytes).rawEvents()).containsExactly(event, event);
        assertThat(asBytes.responseMetadata().get("raw")).isEqualTo(List.of(event));
    }
}
