package dev.logprobs4j.springai.autoconfigure;

import dev.logprobs4j.openai.OpenAiChatModel;
import dev.logprobs4j.springai.LogprobsChatModel;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring Boot auto-configuration: a Spring AI {@link org.springframework.ai.chat.model.ChatModel}
 * ({@link LogprobsChatModel}) over the logprobs4j model that the {@code logprobs4j.*} properties
 * describe (see {@link Logprobs4jProperties}), or over a {@link dev.logprobs4j.ChatModel} bean of
 * your own. The in-process engine is configured by {@link LocalEngineAutoConfiguration}, first.
 */
@AutoConfiguration(afterName = "dev.logprobs4j.springai.autoconfigure.LocalEngineAutoConfiguration")
@EnableConfigurationProperties(Logprobs4jProperties.class)
public class Logprobs4jAutoConfiguration {

    /** The Spring AI chat model over the logprobs4j model. */
    @Bean
    @ConditionalOnBean(dev.logprobs4j.ChatModel.class)
    @ConditionalOnMissingBean(org.springframework.ai.chat.model.ChatModel.class)
    public LogprobsChatModel logprobs4jSpringAiChatModel(dev.logprobs4j.ChatModel model) {
        return new LogprobsChatModel(model);
    }

    /** An OpenAI-compatible model from {@code logprobs4j.openai.*}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(OpenAiChatModel.class)
    @ConditionalOnProperty(prefix = "logprobs4j.openai", name = "model")
    static class OpenAi {

        @Bean
        @ConditionalOnMissingBean(dev.logprobs4j.ChatModel.class)
        dev.logprobs4j.ChatModel logprobs4jModel(Logprobs4jProperties properties) {
            Logprobs4jProperties.OpenAi p = properties.openai();
            OpenAiChatModel.Builder b = OpenAiChatModel.builder().model(p.model());
            if (p.baseUrl() != null) {
                b.baseUrl(p.baseUrl());
            }
            if (p.apiKey() != null) {
                b.apiKey(p.apiKey());
            }
            return b.build().bind(properties.boundOptions());
        }
    }
}
