package dev.logprobs4j.cli.internal;

import dev.logprobs4j.ChatRequest;
import java.util.List;

/** Scripted backends for tests outside this package. */
public final class TestBackends {

    private static Fixtures.ScriptedBackend last;

    private TestBackends() {
    }

    /** A backend answering with the four tokens of {@link Fixtures#fourLevels()}. */
    public static Backend fourLevels() {
        last = new Fixtures.ScriptedBackend(Fixtures.fourLevels().content());
        return last;
    }

    /** The last request the last backend received. */
    public static ChatRequest lastRequest() {
        List<ChatRequest> requests = last.model.requests;
        return requests.get(requests.size() - 1);
    }
}
