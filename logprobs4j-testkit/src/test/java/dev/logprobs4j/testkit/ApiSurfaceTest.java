package dev.logprobs4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.testkit.leaky.Leaky;
import org.junit.jupiter.api.Test;

class ApiSurfaceTest {

    @Test
    void reportsEveryWayAPublicClassLeaksAnInternalType() {
        assertThat(ApiSurface.violations(Leaky.class)).containsExactly(
                "dev.logprobs4j.testkit.leaky.Leaky extends dev.logprobs4j.testkit.leaky.internal.Base",
                "dev.logprobs4j.testkit.leaky.Leaky inherits public setting(...) from dev.logprobs4j.testkit.leaky.internal.Base",
                "dev.logprobs4j.testkit.leaky.Leaky.<init>(...) takes dev.logprobs4j.testkit.leaky.internal.Base",
                "dev.logprobs4j.testkit.leaky.Leaky.bases has type dev.logprobs4j.testkit.leaky.internal.Base",
                "dev.logprobs4j.testkit.leaky.Leaky.many(...) returns dev.logprobs4j.testkit.leaky.internal.Base");
    }

    @Test
    void coreExposesNoInternalType() {
        assertThat(ApiSurface.violations(AIMessage.class)).isEmpty();
    }
}
