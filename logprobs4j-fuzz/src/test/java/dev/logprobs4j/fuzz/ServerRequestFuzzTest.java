package dev.logprobs4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.logprobs4j.Message;
import dev.logprobs4j.server.internal.ApiException;
import dev.logprobs4j.server.internal.ChatCompletionRequest;
import dev.logprobs4j.server.internal.CompletionRequest;
import dev.logprobs4j.server.internal.JsonBody;
import java.util.Arrays;

/**
 * Fuzz target for the server's request parsing: arbitrary bytes as the body of
 * {@code POST /v1/chat/completions} or {@code /v1/completions}, through the same strict JSON reading
 * (UTF-8, one value, no lone surrogates) and field checks the server runs. The only exception
 * allowed is the server's 4xx {@link ApiException}, which it answers as OpenAI error JSON; anything
 * else would be a 500. An accepted request never carries an unpaired surrogate into the model.
 *
 * <p>Input layout: byte 0 picks the route (even: chat, odd: completions), the rest is the body, so a
 * committed seed is a real request body with one byte in front.
 */
class ServerRequestFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void requestBody(byte[] data) {
        boolean chat = data.length == 0 || (data[0] & 1) == 0;
        byte[] body = data.length > 1 ? Arrays.copyOfRange(data, 1, data.length) : new byte[0];
        try {
            JsonNode json = JsonBody.parse(body, body.length);
            if (chat) {
                ChatCompletionRequest r = ChatCompletionRequest.parse(json);
                assertThat(r.messages()).isNotEmpty();
                for (Message m : r.messages()) {
                    assertWellFormed(m.content());
                }
                assertWellFormed(r.model());

            } else {
                CompletionRequest r = CompletionRequest.parse(json);
                r.prompts().forEach(ServerRequestFuzzTest::assertWellFormed);
                assertThat(r.logprobs()).isBetween(-1, 20);

            }
        } catch (ApiException refused) {
            assertThat(refused.status()).as(refused.getMessage()).isBetween(400, 499);
            assertThat(refused.getMessage()).isNotBlank();
        }
    }

    private static void assertWellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else {
                assertThat(Character.isSurrogate(c)).as("unpaired surrogate at %d", i).isFalse();
            }
        }
    }
}
