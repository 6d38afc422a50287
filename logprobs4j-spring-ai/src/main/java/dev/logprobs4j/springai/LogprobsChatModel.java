package dev.logprobs4j.springai;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.Message;
import dev.logprobs4j.ResponseInfo;
import dev.logprobs4j.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;

/**
 * Any logprobs4j {@link dev.logprobs4j.ChatModel} (OpenAI and compatible servers, Ollama, Gemini,
 * the in-process engine, ...) as a Spring AI {@link ChatModel} (and so a {@code StreamingChatModel});
 * {@code ChatClient} works on top of it. Immutable and thread-safe.
 *
 * <p>Each {@link Generation}'s metadata is a {@link LogprobsGenerationMetadata}: the key
 * {@code "logprobs"} holds the tokens in OpenAI's shape, as Spring AI 1.x's OpenAI model gave them,
 * and {@link LogprobsGenerationMetadata#logprobs()} the same data typed. A streamed response carries
 * the logprobs of its own tokens; joined in order they equal what {@link #call(Prompt)} returns.
 * {@snippet :
 * LogprobsChatModel chatModel = new LogprobsChatModel(OpenAiChatModel.builder().model("gpt-4o-mini").build(),
 *         LogprobsChatOptions.builder().logprobs(true).topLogprobs(3).build());
 * ChatResponse response = ChatClient.create(chatModel).prompt("how are you today").call().chatResponse();
 * Map<String, Object> logprobs = response.getResult().getMetadata().get("logprobs");
 * }
 *
 * <p>Options map to logprobs4j options: {@code temperature}, {@code topP}, {@code maxTokens},
 * {@code stopSequences}, and from {@link LogprobsChatOptions} {@code logprobs}, {@code topLogprobs}
 * and {@code seed}; {@code topK}, {@code frequencyPenalty} and {@code presencePenalty} are sent as
 * the provider fields {@code top_k}, {@code frequency_penalty} and {@code presence_penalty}.
 * Unset ones leave the wrapped model's bound options in force. Tools and media are not supported.
 */
public final class LogprobsChatModel implements ChatModel {

    private final dev.logprobs4j.ChatModel model;
    private final LogprobsChatOptions defaults;

    /** {@code model} with no default options beyond its bound ones. */
    public LogprobsChatModel(dev.logprobs4j.ChatModel model) {
        this(model, LogprobsChatOptions.builder().build());
    }

    /** {@code model} with {@code defaults} under every prompt's options. */
    public LogprobsChatModel(dev.logprobs4j.ChatModel model, LogprobsChatOptions defaults) {
        this.model = Objects.requireNonNull(model, "model");
        this.defaults = Objects.requireNonNull(defaults, "defaults");
    }

    /** The logprobs4j model this adapter calls. */
    public dev.logprobs4j.ChatModel model() {
        return model;
    }

    @Override
    public LogprobsChatOptions getOptions() {
        return defaults;
    }

    @Override
    public ChatResponse call(Prompt prompt) {
        AIMessage message = model.invoke(messages(prompt), options(prompt.getOptions()));
        Logprobs logprobs = message.hasLogprobs() ? message.logprobs() : null;
        @SuppressWarnings("unchecked")
        Map<String, Object> shaped = (Map<String, Object>) message.responseMetadata().get("logprobs");
        return response(message.content(), message.finishReason(), logprobs, shaped, message.info());
    }

    @Override
    public Flux<ChatResponse> stream(Prompt prompt) {
        List<Message> messages = messages(prompt);
        dev.logprobs4j.ChatOptions options = options(prompt.getOptions());
        return Flux.defer(() -> JdkFlowAdapter.flowPublisherToFlux(model.streamAsync(messages, options)))
                // The first chunk of an OpenAI-style stream is empty ("" and []): nothing to hand on.
                .filter(chunk -> !chunk.content().isEmpty() || chunk.logprobs().size() > 0
                        || chunk.finishReason() != null || chunk.usage() != null)
                .map(this::response);
    }

    private ChatResponse response(AIMessageChunk chunk) {
        @SuppressWarnings("unchecked")
        Map<String, Object> shaped = (Map<String, Object>) chunk.responseMetadata().get("logprobs");
        return response(chunk.content(), chunk.finishReason(), chunk.hasLogprobs() ? chunk.logprobs() : null, shaped,
                chunk.info());
    }

    private ChatResponse response(String text, String finishReason, Logprobs logprobs, Map<String, Object> shaped,
                                  ResponseInfo info) {
        Generation generation = new Generation(new AssistantMessage(text),
                new LogprobsGenerationMetadata(finishReason, logprobs, shaped));
        ChatResponseMetadata.Builder metadata = ChatResponseMetadata.builder()
                .model(info.model() != null ? info.model() : model.modelName());
        if (info.id() != null) {
            metadata.id(info.id());
        }
        Usage usage = info.usage();
        if (usage != null) {
            metadata.usage(new DefaultUsage(Math.toIntExact(usage.promptTokens()), Math.toIntExact(usage.completionTokens()),
                    Math.toIntExact(usage.totalTokens())));
        }
        if (info.systemFingerprint() != null) {
            metadata.keyValue("system_fingerprint", info.systemFingerprint());
        }
        return new ChatResponse(List.of(generation), metadata.build());
    }

    private static List<Message> messages(Prompt prompt) {
        List<Message> out = new ArrayList<>();
        for (org.springframework.ai.chat.messages.Message m : prompt.getInstructions()) {
            String text = m.getText() == null ? "" : m.getText();
            if (m instanceof SystemMessage) {
                out.add(Message.system(text));
            } else if (m instanceof UserMessage u && u.getMedia().isEmpty()) {
                out.add(Message.human(text));
            } else if (m instanceof AssistantMessage a && !a.hasToolCalls()) {
                out.add(Message.ai(text));
            } else {
                throw new IllegalArgumentException("logprobs4j models take text messages only (system, user, assistant), not "
                        + m.getMessageType().getValue() + (m instanceof UserMessage ? " with media" : "")
                        + (m instanceof AssistantMessage ? " with tool calls" : ""));
            }
        }
        return out;
    }

    private dev.logprobs4j.ChatOptions options(ChatOptions requested) {
        ChatOptions p = requested == null ? defaults : defaults.mutate().combineWith(requested.mutate()).build();
        if (p.getModel() != null && !p.getModel().equals(model.modelName())) {
            throw new IllegalArgumentException("model '" + p.getModel() + "' is not the wrapped model '" + model.modelName()
                    + "': build another logprobs4j model for it");
        }
        if (requested instanceof ToolCallingChatOptions t && t.getToolCallbacks() != null && !t.getToolCallbacks().isEmpty()) {
            throw new IllegalArgumentException("tools are not supported by logprobs4j models");
        }
        dev.logprobs4j.ChatOptions.Builder o = dev.logprobs4j.ChatOptions.builder();
        if (p.getTemperature() != null) {
            o.temperature(p.getTemperature());
        }
        if (p.getTopP() != null) {
            o.topP(p.getTopP());
        }
        if (p.getMaxTokens() != null) {
            o.maxTokens(p.getMaxTokens());
        }
        if (p.getStopSequences() != null && !p.getStopSequences().isEmpty()) {
            o.stop(p.getStopSequences());
        }
        if (p.getTopK() != null) {
            o.extra("top_k", p.getTopK());
        }
        if (p.getFrequencyPenalty() != null) {
            o.extra("frequency_penalty", p.getFrequencyPenalty());
        }
        if (p.getPresencePenalty() != null) {
            o.extra("presence_penalty", p.getPresencePenalty());
        }
        if (p instanceof LogprobsChatOptions l) {
            if (l.getLogprobs() != null) {
                o.logprobs(l.getLogprobs());
            }
            if (l.getTopLogprobs() != null) {
                o.topLogprobs(l.getTopLogprobs());
            }
            if (l.getSeed() != null) {
                o.seed(l.getSeed());
            }
        }
        return o.build();
    }
}
