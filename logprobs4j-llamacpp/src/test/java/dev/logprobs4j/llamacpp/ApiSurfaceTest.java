package dev.logprobs4j.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.testkit.ApiSurface;
import org.junit.jupiter.api.Test;

class ApiSurfaceTest {

    @Test
    void noPublicTypeExtendsOrExposesAnInternalOne() {
        assertThat(ApiSurface.violations(LlamaCppCompletionModel.class)).isEmpty();
    }
}
