package dev.logprobs4j.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.Message;
import dev.logprobs4j.ResponseInfo;
import dev.logprobs4j.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;

/**
 * Any logprobs4j {@link dev.logprobs4j.ChatModel} (OpenAI and compatible servers, Ollama, Gemini,
 * the in-process engine, ...) as a LangChain4j {@link ChatModel} and {@link StreamingChatModel}.
 * Immutable and thread-safe.
 *
 * <p>Every {@link ChatResponse} carries a {@link LogprobsChatResponseMetadata}: the logprobs as
 * {@code OpenAiChatResponseMetadata.logProbs()} shapes them and as logprobs4j's typed value.
 * Streaming hands each piece of text to the handler as a {@link LogprobsPartialResponse} with its
 * tokens' logprobs, and the complete response carries the same logprobs {@code chat} returns.
 * {@snippet :
 * LogprobsChatModel model = LogprobsChatModel.builder(LocalChatModel.load(path))
 *         .defaultRequestParameters(LogprobsChatRequestParameters.builder().logprobs(true).topLogprobs(3).build())
 *         .build();
 * ChatResponse response = model.chat(ChatRequest.builder().messages(UserMessage.from("Once upon a time")).build());
 * List<LogProb> tokens = LogprobsChatResponseMetadata.from(response).logProbs();
 * }
 *
 * <p>Request parameters map to logprobs4j options: {@code temperature}, {@code topP},
 * {@code maxOutputTokens}, {@code stopSequences}, and from {@link LogprobsChatRequestParameters}
 * {@code logprobs}, {@code topLogprobs} and {@code seed}; {@code topK}, {@code frequencyPenalty}
 * and {@code presencePenalty} are sent as the provider fields {@code top_k},
 * {@code frequency_penalty} and {@code presence_penalty}. Unset ones leave the wrapped model's
 * bound options in force. Tools and JSON response formats are not supported.
 */
public final class LogprobsChatModel implements ChatModel, StreamingChatModel {

    private final dev.logprobs4j.ChatModel model;
    private final LogprobsChatRequestParameters defaults;
    private final List<ChatModelListener> listeners;

    private LogprobsChatModel(Builder b) {
        this.model = b.model;
        this.defaults = LogprobsChatRequestParameters.builder().modelName(model.modelName())
                .overrideWith(b.defaults).build();
        this.listeners = List.copyOf(b.listeners);
    }

    /** {@code model} with no default request parameters beyond its bound options. */
    public static LogprobsChatModel of(dev.logprobs4j.ChatModel model) {
        return builder(model).build();
    }

    /** A builder around {@code model}. */
    public static Builder builder(dev.logprobs4j.ChatModel model) {
        return new Builder(model);
    }

    /** The logprobs4j model this adapter calls. */
    public dev.logprobs4j.ChatModel model() {
        return model;
    }

    @Override
    public LogprobsChatRequestParameters defaultRequestParameters() {
        return defaults;
    }

    @Override
    public List<ChatModelListener> listeners() {
        return listeners;
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    @Override
    public Set<dev.langchain4j.model.chat.Capability> supportedCapabilities() {
        return Set.of();
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        return response(model.invoke(messages(request.messages()), options(request.parameters())));
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        List<Message> messages = messages(request.messages());
        ChatOptions options = options(request.parameters());
        model.streamAsync(messages, options).subscribe(new Relay(handler));
    }

    /** Hands chunks to a LangChain4j handler: one partial response per piece of text, then the whole. */
    private final class Relay implements Flow.Subscriber<AIMessageChunk>, StreamingHandle {
        private final StreamingChatResponseHandler handler;
        private volatile Flow.Subscription subscription;
        private volatile boolean cancelled;
        private AIMessageChunk full = AIMessageChunk.empty();

        Relay(StreamingChatResponseHandler handler) {
            this.handler = handler;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(AIMessageChunk chunk) {
            full = full.add(chunk);
            Logprobs logprobs = chunk.hasLogprobs() ? chunk.logprobs() : null;
            // The first chunk of an OpenAI-style stream is empty ("" and []): nothing to hand on.
            if (cancelled || chunk.content().isEmpty() && (logprobs == null || logprobs.size() == 0)) {
                return;
            }
            handler.onPartialResponse(new LogprobsPartialResponse(chunk.content(), logprobs), new PartialResponseContext(this));
        }

        @Override
        public void onError(Throwable error) {
            if (!cancelled) {
                handler.onError(error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
            }
        }

        @Override
        public void onComplete() {
            if (!cancelled) {
                handler.onCompleteResponse(response(full.toMessage()));
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }
    }

    private ChatResponse response(AIMessage message) {
        ResponseInfo info = message.info();
        Usage usage = message.usage();
        LogprobsChatResponseMetadata metadata = LogprobsChatResponseMetadata.builder()
                .id(info.id())
                .modelName(info.model() != null ? info.model() : model.modelName())
                .tokenUsage(usage == null ? null : new TokenUsage(Math.toIntExact(usage.promptTokens()),
                        Math.toIntExact(usage.completionTokens()), Math.toIntExact(usage.totalTokens())))
                .finishReason(finishReason(message.finishReason()))
                .systemFingerprint(info.systemFingerprint())
                .logprobs(message.hasLogprobs() ? message.logprobs() : null)
                .build();
        return ChatResponse.builder().aiMessage(AiMessage.from(message.content())).metadata(metadata).build();
    }

    private static FinishReason finishReason(String wire) {
        if (wire == null) {
            return null;
        }
        switch (wire) {
            case "stop": return FinishReason.STOP;
            case "length": return FinishReason.LENGTH;
            case "tool_calls": case "function_call": return FinishReason.TOOL_EXECUTION;
            case "content_filter": return FinishReason.CONTENT_FILTER;
            default: return FinishReason.OTHER;
        }
    }

    private static List<Message> messages(List<ChatMessage> messages) {
        List<Message> out = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            if (m instanceof SystemMessage s) {
                out.add(Message.system(s.text()));
            } else if (m instanceof UserMessage u && u.hasSingleText()) {
                out.add(Message.human(u.singleText()));
            } else if (m instanceof AiMessage a && !a.hasToolExecutionRequests()) {
                out.add(Message.ai(a.text() == null ? "" : a.text()));
            } else {
                throw new UnsupportedFeatureException("logprobs4j models take text messages only (system, user, AI), not "
                        + m.type() + (m instanceof UserMessage ? " with images or other non-text content" : "")
                        + (m instanceof AiMessage ? " with tool calls" : ""));
            }
        }
        return out;
    }

    private ChatOptions options(ChatRequestParameters p) {
        if (p == null) {
            return ChatOptions.NONE;
        }
        if (p.modelName() != null && !p.modelName().equals(model.modelName())) {
            throw new IllegalArgumentException("modelName '" + p.modelName() + "' is not the wrapped model '"
                    + model.modelName() + "': build another logprobs4j model for it");
        }
        if (p.toolSpecifications() != null && !p.toolSpecifications().isEmpty()) {
            throw new UnsupportedFeatureException("tools are not supported by logprobs4j models");
        }
        if (p.responseFormat() != null && p.responseFormat().type() == ResponseFormatType.JSON) {
            throw new UnsupportedFeatureException("JSON response formats are not supported by logprobs4j models");
        }
        ChatOptions.Builder o = ChatOptions.builder();
        if (p.temperature() != null) {
            o.temperature(p.temperature());
        }
        if (p.topP() != null) {
            o.topP(p.topP());
        }
        if (p.maxOutputTokens() != null) {
            o.maxTokens(p.maxOutputTokens());
        }
        if (p.stopSequences() != null && !p.stopSequences().isEmpty()) {
            o.stop(p.stopSequences());
        }
        if (p.topK() != null) {
            o.extra("top_k", p.topK());
        }
        if (p.frequencyPenalty() != null) {
            o.extra("frequency_penalty", p.frequencyPenalty());
        }
        if (p.presencePenalty() != null) {
            o.extra("presence_penalty", p.presencePenalty());
        }
        if (p instanceof LogprobsChatRequestParameters l) {
            if (l.logprobs() != null) {
                o.logprobs(l.logprobs());
            }
            if (l.topLogprobs() != null) {
                o.topLogprobs(l.topLogprobs());
            }
            if (l.seed() != null) {
                o.seed(l.seed());
            }
        }
        return o.build();
    }

    /** Builds a {@link LogprobsChatModel}; not thread-safe. */
    public static final class Builder {
        private final dev.logprobs4j.ChatModel model;
        private ChatRequestParameters defaults = LogprobsChatRequestParameters.builder().build();
        private final List<ChatModelListener> listeners = new ArrayList<>();

        private Builder(dev.logprobs4j.ChatModel model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        /** Parameters every request starts from. Default: none (the wrapped model's bound options). */
        public Builder defaultRequestParameters(ChatRequestParameters parameters) {
            this.defaults = Objects.requireNonNull(parameters, "parameters");
            return this;
        }

        /** LangChain4j listeners told of every request, response and error. Default: none. */
        public Builder listeners(List<ChatModelListener> listeners) {
            this.listeners.addAll(listeners);
            return this;
        }

        /** The adapter. */
        public LogprobsChatModel build() {
            return new LogprobsChatModel(this);
        }
    }
}
