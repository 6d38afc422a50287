package dev.logprobs4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatModel;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatStream;
import dev.logprobs4j.LogprobsException;
import dev.logprobs4j.Message;
import dev.logprobs4j.gemini.GeminiChatModel;
import dev.logprobs4j.ollama.OllamaChatModel;
import dev.logprobs4j.openai.OpenAiChatModel;
import dev.logprobs4j.openai.OpenAiCompletionModel;
import dev.logprobs4j.tgi.TgiChatModel;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzz targets for the client side: arbitrary response bytes, read by each provider's public model
 * through its real transport, SSE / NDJSON readers and JSON parsers (a {@link CannedHttpClient}
 * answers instead of a network). The only exceptions allowed are the documented
 * {@link LogprobsException}s: transport failure, provider error status, malformed data, a stream cut
 * short. Anything else (a NullPointerException, an IndexOutOfBounds, an OutOfMemoryError from a
 * length the response chose) is a finding.
 *
 * <p>Input layout, so that committed seeds are a real response with two bytes in front: byte 0
 * picks the variant (bit 0: stream; bits 1-2: the API where a provider has several; bits 3-5: the
 * status, 200 mostly), byte 1 the size of the pieces the body arrives in (1..256 bytes), the rest is
 * the body.
 */
class ProviderResponseFuzzTest {

    private static final List<Message> MESSAGES = List.of(Message.system("Be brief."), Message.human("Say hi"));
    private static final ChatOptions OPTIONS = ChatOptions.builder().logprobs(true).topLogprobs(3).maxTokens(8).build();
    private static final int[] STATUSES = {200, 200, 200, 200, 200, 400, 429, 500};

    record Input(boolean stream, int api, int status, List<byte[]> pieces) {
        static Input of(byte[] data) {
            int mode = data.length > 0 ? data[0] & 0xFF : 0;
            int piece = data.length > 1 ? (data[1] & 0xFF) + 1 : 256;
            byte[] body = data.length > 2 ? Arrays.copyOfRange(data, 2, data.length) : new byte[0];
            int[] cuts = new int[body.length / piece + 1];
            Arrays.fill(cuts, piece);
            return new Input((mode & 1) != 0, (mode >> 1) & 3, STATUSES[(mode >> 3) & 7], CannedHttpClient.split(body, cuts));
        }

        CannedHttpClient client(String streamType, String wholeType) {
            return new CannedHttpClient(status, stream ? streamType : wholeType, pieces);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void openAi(byte[] data) {
        Input in = Input.of(data);
        ChatModel model = switch (in.api() % 2) {
            case 0 -> OpenAiChatModel.builder().model("gpt-4o-mini").apiKey("sk-fuzz").baseUrl("http://127.0.0.1:9/v1")
                    .httpClient(in.client("text/event-stream", "application/json")).maxRetries(0).build();
            default -> OpenAiCompletionModel.builder().model("gpt-3.5-turbo-instruct").apiKey("sk-fuzz")
                    .baseUrl("http://127.0.0.1:9/v1").echo((in.api() & 2) != 0)
                    .httpClient(in.client("text/event-stream", "application/json")).maxRetries(0).build();
        };
        exercise(model, in.stream());
    }

    @FuzzTest(maxDuration = "10m")
    void ollama(byte[] data) {
        Input in = Input.of(data);
        OllamaChatModel.Api api = in.api() % 2 == 0 ? OllamaChatModel.Api.CHAT : OllamaChatModel.Api.GENERATE;
        ChatModel model = OllamaChatModel.builder().model("llama3.2").baseUrl("http://127.0.0.1:9").api(api)
                .httpClient(in.client("application/x-ndjson", "application/json")).maxRetries(0).build();
        exercise(model, in.stream());
    }

    @FuzzTest(maxDuration = "10m")
    void gemini(byte[] data) {
        Input in = Input.of(data);
        ChatModel model = GeminiChatModel.builder().model("gemini-2.0-flash").apiKey("fuzz").baseUrl("http://127.0.0.1:9")
                .httpClient(in.client("text/event-stream", "application/json")).maxRetries(0).build();
        exercise(model, in.stream());
    }

    @FuzzTest(maxDuration = "10m")
    void tgi(byte[] data) {
        Input in = Input.of(data);
        ChatModel model = TgiChatModel.builder().baseUrl("http://127.0.0.1:9").promptLogprobs((in.api() & 1) != 0)
                .httpClient(in.client("text/event-stream", "application/json")).maxRetries(0).build();
        exercise(model, in.stream());
    }

    /** Reads the whole answer, touching every field a caller would. */
    static void exercise(ChatModel model, boolean stream) {
        try {
            if (stream) {
                try (ChatStream s = model.stream(MESSAGES, OPTIONS)) {
                    for (AIMessageChunk c : s) {
                        touch(c.content(), c.logprobs());
                    }
                }
            } else {
                AIMessage m = model.invoke(MESSAGES, OPTIONS);
                touch(m.content(), m.logprobs());
                touch(m.finishReason(), m.usage());
            }
        } catch (LogprobsException documented) {
            // transport failure, provider error, malformed data, a stream cut short: the contract
        }
    }

    private static void touch(Object a, Object b) {
        String.valueOf(a);
        String.valueOf(b);
    }
}
