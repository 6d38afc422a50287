package dev.logprobs4j.springai.autoconfigure;

import dev.logprobs4j.local.LocalChatModel;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Spring Boot auto-configuration of the in-process engine from {@code logprobs4j.local.*}: active
 * when {@code logprobs4j-local} is on the class path and {@code logprobs4j.local.model-path} is set.
 * Compiled for Java 25 like the engine; never loaded otherwise.
 */
@AutoConfiguration
@ConditionalOnClass(name = "dev.logprobs4j.local.LocalChatModel")
@ConditionalOnProperty(prefix = "logprobs4j.local", name = "model-path")
@EnableConfigurationProperties(Logprobs4jProperties.class)
public class LocalEngineAutoConfiguration {

    /** The engine with the bound options; the context closes it (unmapping the file) on shutdown. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(dev.logprobs4j.ChatModel.class)
    public LocalChatModel logprobs4jModel(Logprobs4jProperties properties) {
        Logprobs4jProperties.Local p = properties.local();
        LocalChatModel.Builder b = LocalChatModel.builder().modelPath(p.modelPath()).options(properties.boundOptions());
        if (p.threads() != null) {
            b.threads(p.threads());
        }
        if (p.contextLength() != null) {
            b.contextLength(p.contextLength());
        }
        return b.build();
    }
}
