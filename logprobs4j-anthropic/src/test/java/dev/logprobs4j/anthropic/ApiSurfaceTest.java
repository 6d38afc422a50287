package dev.logprobs4j.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.testkit.ApiSurface;
import org.junit.jupiter.api.Test;

class ApiSurfaceTest {

    @Test
    void noPublicTypeExtendsOrExposesAnInternalOne() {
        assertThat(ApiSurface.violations(AnthropicChatModel.class)).isEmpty();
    }
}
