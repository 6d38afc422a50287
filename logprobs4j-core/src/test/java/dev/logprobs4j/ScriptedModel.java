package dev.logprobs4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/** A model whose answers are scripted chunks; records every request that reaches the "provider". */
final class ScriptedModel extends AbstractChatModel {

    final List<ChatRequest> requests;
    private final Capabilities capabilities;
    private final Supplier<List<Object>> script; // AIMessageChunk or RuntimeException to throw
    final List<Boolean> closed;

    ScriptedModel(Capabilities capabilities, Supplier<List<Object>> script) {
        this(ChatOptions.NONE, capabilities, script, Collections.synchronizedList(new ArrayList<>()),
                Collections.synchronizedList(new ArrayList<>()));
    }

    private ScriptedModel(ChatOptions bound, Capabilities capabilities, Supplier<List<Object>> script,
                          List<ChatRequest> requests, List<Boolean> closed) {
        super(bound);
        this.capabilities = capabilities;
        this.script = script;
        this.requests = requests;
        this.closed = closed;
    }

    @Override
    public String modelName() {
        return "scripted";
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    protected ChatModel withBoundOptions(ChatOptions options) {
        return new ScriptedModel(options, capabilities, script, requests, closed);
    }

    @Override
    protected AIMessage doInvoke(ChatRequest request) {
        requests.add(request);
        AIMessageChunk full = AIMessageChunk.empty();
        for (Object o : script.get()) {
            if (o instanceof RuntimeException e) {
                throw e;
            }
            full = full.add((AIMessageChunk) o);
        }
        return full.toMessage();
    }

    @Override
    protected ChunkSource doStream(ChatRequest request) {
        requests.add(request);
        List<Object> items = script.get();
        return new ChunkSource() {
            int next;

            @Override
            public AIMessageChunk next() {
                if (next == items.size()) {
                    return null;
                }
                Object o = items.get(next++);
                if (o instanceof RuntimeException e) {
                    throw e;
                }
                return (AIMessageChunk) o;
            }

            @Override
            public void close() {
                closed.add(true);
            }
        };
    }
}
