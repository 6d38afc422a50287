package dev.logprobs4j.bench;

import dev.logprobs4j.local.LocalChatModel;
import dev.logprobs4j.server.LogprobsServer;
import java.nio.file.Path;

/**
 * The server side of {@code bench soak}, in its own JVM so that its resident memory can be read
 * from {@code /proc}: serves a model with the default limits and prints {@code PORT n}; stops when
 * its standard input closes. Arguments: {@code <model> <threads>}.
 */
public final class SoakServer {
    private SoakServer() {}

    public static void main(String[] args) throws Exception {
        try (LocalChatModel local = LocalChatModel.builder().modelPath(Path.of(args[0])).threads(Integer.parseInt(args[1])).build();
             LogprobsServer server = LogprobsServer.builder().model(local).port(0).build().start()) {
            System.out.println("PORT " + server.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // runs until the parent closes our stdin (or dies)
            }
        }
        System.exit(0);
    }
}
