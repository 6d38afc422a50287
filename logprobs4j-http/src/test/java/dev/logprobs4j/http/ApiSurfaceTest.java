package dev.logprobs4j.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.testkit.ApiSurface;
import org.junit.jupiter.api.Test;

class ApiSurfaceTest {

    @Test
    void theSkeletonExposesNoInternalType() {
        assertThat(ApiSurface.violations(HttpSettings.class)).isEmpty();
    }
}
