package dev.logprobs4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ChatModelTest {

    private static final Capabilities FULL = new Capabilities(true, 20, true, false);

    private static List<Object> threeTokens() {
        return List.of(AIMessageChunk.of("", Logprobs.EMPTY),
                AIMessageChunk.of("a", Logprobs.of(List.of(new TokenLogprob("a", null, -1)))),
                AIMessageChunk.of("b", Logprobs.of(List.of(new TokenLogprob("b", null, -2)))));
    }

    @Test
    void bindReturnsANewModelAndLeavesTheOriginalUntouched() {
        ScriptedModel base = new ScriptedModel(FULL, ChatModelTest::threeTokens);
        ChatModel bound = base.bind(ChatOptions.builder().logprobs(true).topLogprobs(3).build());
        assertThat(base.boundOptions()).isEqualTo(ChatOptions.NONE);
        assertThat(bound.boundOptions().topLogprobs()).isEqualTo(3);
        ChatModel twice = bound.bind(ChatOptions.builder().temperature(0).build());
        assertThat(twice.boundOptions().topLogprobs()).isEqualTo(3);
        assertThat(twice.boundOptions().temperature()).isEqualTo(0.0);
        assertThat(bound.boundOptions().temperature()).isNull();
    }

    @Test
    void perCallOptionsOverrideBoundOnesForThatCallOnly() {
        ScriptedModel base = new ScriptedModel(FULL, ChatModelTest::threeTokens);
        ChatModel bound = base.bind(ChatOptions.builder().logprobs(true).topLogprobs(3).temperature(1).build());
        bound.invoke(List.of(Message.human("hi")), ChatOptions.builder().topLogprobs(5).build());
        bound.invoke(Message.human("hi"));
        assertThat(base.requests.get(0).options().topLogprobs()).isEqualTo(5);
        assertThat(base.requests.get(0).options().temperature()).isEqualTo(1.0);
        assertThat(base.requests.get(1).options().topLogprobs()).isEqualTo(3);
    }

    @Test
    void logprobsFromAModelWithoutThemFailBeforeAnyCall() {
        ScriptedModel none = new ScriptedModel(Capabilities.NONE, ChatModelTest::threeTokens);
        ChatModel bound = none.bind(ChatOptions.builder().logprobs(true).build());
        assertThatThrownBy(() -> bound.invoke("hi")).isInstanceOf(UnsupportedCapabilityException.class)
                .hasMessageContaining("scripted does not return logprobs");
        assertThatThrownBy(() -> bound.stream("hi")).isInstanceOf(UnsupportedCapabilityException.class);
        assertThat(none.requests).isEmpty();
    }

    @Test
    void tooManyTopLogprobsAndStreamingWithoutStreamingLogprobsFailEarly() {
        ScriptedModel five = new ScriptedModel(new Capabilities(true, 5, false, false), ChatModelTest::threeTokens);
        assertThatThrownBy(() -> five.invoke(List.of(Message.human("x")), ChatOptions.builder().logprobs(true).topLogprobs(6).build()))
                .isInstanceOf(UnsupportedCapabilityException.class).hasMessageContaining("at most 5");
        assertThatThrownBy(() -> five.stream(List.of(Message.human("x")), ChatOptions.builder().logprobs(true).build()))
                .isInstanceOf(UnsupportedCapabilityException.class).hasMessageContaining("invoke(...) instead");
        assertThat(five.requests).isEmpty();
    }

    @Test
    void topLogprobsWithoutLogprobsIsNamed() {
        ScriptedModel m = new ScriptedModel(FULL, ChatModelTest::threeTokens);
        assertThatThrownBy(() -> m.invoke(List.of(Message.human("x")), ChatOptions.builder().topLogprobs(2).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("topLogprobs(2) needs logprobs(true) as well");
    }

    @Test
    void streamingAndInvokeGiveEqualLogprobs() {
        ScriptedModel m = new ScriptedModel(FULL, ChatModelTest::threeTokens);
        AIMessageChunk full = null;
        for (AIMessageChunk c : m.stream("hi")) {
            full = full == null ? c : full.add(c);
        }
        assertThat(full.logprobs()).isEqualTo(m.invoke("hi").logprobs());
        assertThat(m.closed).containsExactly(true);
    }

    @Test
    void aFailingStreamCarriesWhatHadArrived() {
        ScriptedModel m = new ScriptedModel(FULL, () -> {
            List<Object> items = new ArrayList<>(threeTokens());
            items.add(new IncompleteStreamException("connection closed before [DONE]", null, 0, null));
            return items;
        });
        List<AIMessageChunk> seen = new ArrayList<>();
        assertThatThrownBy(() -> m.stream("hi").forEach(seen::add))
                .isInstanceOfSatisfying(IncompleteStreamException.class, e -> {
                    assertThat(e.chunksReceived()).isEqualTo(3);
                    assertThat(e.partial().content()).isEqualTo("ab");
                    assertThat(e.partial().logprobs().size()).isEqualTo(2);
                    assertThat(e).hasMessage("connection closed before [DONE]");
                });
        assertThat(seen).hasSize(3);
        assertThat(m.closed).containsExactly(true);
    }

    @Test
    void malformedDataInAStreamCarriesItsLocationAndWhatHadArrived() {
        ScriptedModel m = new ScriptedModel(FULL, () -> List.of(threeTokens().get(1),
                new MalformedResponseException("expected a number", "$.choices[0].logprobs.content[0].logprob", null)));
        assertThatThrownBy(() -> m.stream("hi").aggregate())
                .isInstanceOfSatisfying(MalformedResponseException.class, e -> {
                    assertThat(e).hasMessage("expected a number at $.choices[0].logprobs.content[0].logprob");
                    assertThat(e.partial().content()).isEqualTo("a");
                    assertThat(e.chunksReceived()).isEqualTo(1);
                });
    }

    @Test
    void anErrorEventMidStreamCarriesWhatHadArrived() {
        ScriptedModel m = new ScriptedModel(FULL, () -> List.of(threeTokens().get(0), threeTokens().get(1),
                new ProviderException(0, "server_error", null, null, "overloaded", "{}")));
        assertThatThrownBy(() -> m.stream("hi").aggregate())
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e).hasMessage("provider answered HTTP 0 (server_error): overloaded");
                    assertThat(e.partial().content()).isEqualTo("a");
                    assertThat(e.chunksReceived()).isEqualTo(2);
                });
    }

    @Test
    void closingAnUnreadStreamReleasesItAndAStreamIsSingleUse() {
        ScriptedModel m = new ScriptedModel(FULL, ChatModelTest::threeTokens);
        ChatStream s = m.stream("hi");
        s.iterator().next();
        s.close();
        s.close();
        assertThat(m.closed).containsExactly(true);
        assertThatThrownBy(s::iterator).isInstanceOf(IllegalStateException.class).hasMessageContaining("only once");
        try (var stream = m.stream("hi").stream()) {
            assertThat(stream.map(AIMessageChunk::content).toList()).containsExactly("", "a", "b");
        }
    }

    @Test
    void invokeAsyncCompletesAndFailsLikeInvoke() {
        ScriptedModel m = new ScriptedModel(FULL, ChatModelTest::threeTokens);
        assertThat(m.invokeAsync(Message.human("hi")).join().content()).isEqualTo("ab");
        ScriptedModel failing = new ScriptedModel(FULL, () -> List.of(new TransportException("refused", false, null)));
        assertThatThrownBy(() -> failing.invokeAsync(Message.human("hi")).join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(TransportException.class);
    }

    @Test
    void publisherFollowsDemandAndEndsOnce() throws Exception {
        ScriptedModel m = new ScriptedModel(FULL, ChatModelTest::threeTokens);
        List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        m.streamAsync(Message.human("hi")).subscribe(new Flow.Subscriber<>() {
            Flow.Subscription s;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                this.s = s;
                s.request(1);
            }

            @Override
            public void onNext(AIMessageChunk item) {
                events.add("next:" + item.content());
                s.request(1);
            }

            @Override
            public void onError(Throwable t) {
                events.add("error");
                done.countDown();
            }

            @Override
            public void onComplete() {
                events.add("complete");
                done.countDown();
            }
        });
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(events).containsExactly("next:", "next:a", "next:b", "complete");
    }

    @Test
    void cancellingThePublisherClosesTheStream() throws Exception {
        ScriptedModel m = new ScriptedModel(FULL, ChatModelTest::threeTokens);
        CountDownLatch first = new CountDownLatch(1);
        m.streamAsync(Message.human("hi")).subscribe(new Flow.Subscriber<>() {
            Flow.Subscription s;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                this.s = s;
                s.request(1);
            }

            @Override
            public void onNext(AIMessageChunk item) {
                s.cancel();
                first.countDown();
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onComplete() {
            }
        });
        assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 100 && m.closed.isEmpty(); i++) {
            Thread.sleep(20);
        }
        assertThat(m.closed).containsExactly(true);
    }
}
