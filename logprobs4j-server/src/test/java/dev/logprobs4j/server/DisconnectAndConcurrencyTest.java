package dev.logprobs4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.Message;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** A client that leaves stops its generation; concurrent clients each get their own whole answer. */
class DisconnectAndConcurrencyTest {

    /** Far more tokens than socket buffers can hold, so only a stopped generation ends early. */
    static final int ENDLESS = 200_000;

    @Test
    void clientThatDisconnectsMidStreamStopsItsGeneration() throws Exception {
        ScriptedModel model = new ScriptedModel(ENDLESS);
        try (LogprobsServer server = LogprobsServer.builder().model(model).port(0).build().start()) {
            String body = "{\"model\":\"" + ScriptedModel.NAME + "\",\"stream\":true,\"logprobs\":true,\"top_logprobs\":5,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"go on forever\"}]}";
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                int events = 0;
                String line;
                while (events < 5 && (line = in.readLine()) != null) {
                    if (line.contains("data: {")) {
                        events++;
                    }
                }
                assertThat(events).isEqualTo(5);
            } // the client hangs up here, long before the answer's end
            ErrorResponsesTest.await(() -> model.closedEarly.get() == 1);
            ErrorResponsesTest.await(() -> server.stats().active() == 0);
            assertThat(server.stats().generationsCancelled()).isEqualTo(1);
            assertThat(server.stats().generationsCompleted()).isZero();
            long generated = model.tokensGenerated.get();
            assertThat(generated).isLessThan(ENDLESS);
            Thread.sleep(200);
            assertThat(model.tokensGenerated.get()).as("no token after the stop").isEqualTo(generated);
        }
    }

    @Test
    void concurrentClientsEachGetTheirOwnWholeAnswer() throws Exception {
        ScriptedModel model = new ScriptedModel(30);
        int clients = 24;
        try (LogprobsServer server = LogprobsServer.builder().model(model).port(0).maxConcurrent(4).queueCapacity(clients).build().start();
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Http http = new Http(server, null);
            List<Future<String[]>> answers = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int seed = i;
                boolean stream = i % 2 == 0;
                answers.add(pool.submit(() -> {
                    String body = "{\"model\":\"" + ScriptedModel.NAME + "\",\"temperature\":1,\"seed\":" + seed
                            + ",\"logprobs\":true,\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"story " + seed + "\"}]}";
                    Http.Reply r = http.post("/v1/chat/completions", body);
                    assertThat(r.status()).isEqualTo(200);
                    if (!stream) {
                        JsonNode c = r.json().at("/choices/0");
                        return new String[] {c.at("/message/content").asText(), c.at("/logprobs/content").toString()};
                    }
                    StringBuilder text = new StringBuilder();
                    List<JsonNode> lps = new ArrayList<>();
                    for (JsonNode chunk : r.chunks()) {
                        text.append(chunk.at("/choices/0/delta/content").asText(""));
                        chunk.at("/choices/0/logprobs/content").forEach(lps::add);
                    }
                    return new String[] {text.toString(), lps.toString()};
                }));
            }
            for (int i = 0; i < clients; i++) {
                AIMessageChunk expected = model.chat(List.of(Message.human("story " + i)),
                        ChatOptions.builder().temperature(1).seed(i).logprobs(true).build()).aggregate();
                String[] got = answers.get(i).get();
                assertThat(got[0]).as("client " + i).isEqualTo(expected.content());
                assertThat(Http.JSON.readTree(got[1]).size()).isEqualTo(expected.logprobs().size());
                for (int t = 0; t < expected.logprobs().size(); t++) {
                    assertThat(Http.JSON.readTree(got[1]).get(t).get("logprob").asDouble())
                            .isEqualTo(expected.logprobs().content().get(t).logprob());
                }
            }
            assertThat(server.stats().generationsCompleted()).isEqualTo(clients);
        }
    }
}
