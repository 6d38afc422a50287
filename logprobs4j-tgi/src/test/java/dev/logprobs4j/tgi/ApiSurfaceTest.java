package dev.logprobs4j.tgi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.testkit.ApiSurface;
import org.junit.jupiter.api.Test;

class ApiSurfaceTest {

    @Test
    void noPublicTypeExtendsOrExposesAnInternalOne() {
        assertThat(ApiSurface.violations(TgiChatModel.class)).isEmpty();
    }
}
