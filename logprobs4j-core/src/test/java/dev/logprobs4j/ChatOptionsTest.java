package dev.logprobs4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatOptionsTest {

    @Test
    void outOfRangeValuesNameTheOptionAndTheRule() {
        assertThatThrownBy(() -> ChatOptions.builder().topLogprobs(21).build()).hasMessage("topLogprobs must be within [0, 20], was 21");
        assertThatThrownBy(() -> ChatOptions.builder().temperature(-1).build()).hasMessageContaining("temperature must be");
        assertThatThrownBy(() -> ChatOptions.builder().topP(0).build()).hasMessageContaining("topP must be within (0, 1]");
        assertThatThrownBy(() -> ChatOptions.builder().maxTokens(0).build()).hasMessageContaining("maxTokens must be >= 1");
        assertThatThrownBy(() -> ChatOptions.builder().n(0).build()).hasMessageContaining("n must be >= 1");
        assertThatThrownBy(() -> ChatOptions.builder().stop("").build()).hasMessageContaining("stop sequences");
    }

    @Test
    void typedOptionsCannotBeSmuggledThroughExtra() {
        assertThatThrownBy(() -> ChatOptions.builder().extra("top_logprobs", 3).build())
                .hasMessage("extra option 'top_logprobs' has a typed setter: use ChatOptions.builder().topLogprobs(...) instead");
    }

    @Test
    void mergeLaysSetOptionsOverAndMergesExtraByKey() {
        ChatOptions base = ChatOptions.builder().logprobs(true).topLogprobs(3).stop("x").extra("a", 1).extra("b", 2).build();
        ChatOptions over = ChatOptions.builder().topLogprobs(5).extra("b", 3).build();
        ChatOptions merged = base.merge(over);
        assertThat(merged.logprobs()).isTrue();
        assertThat(merged.topLogprobs()).isEqualTo(5);
        assertThat(merged.stop()).isEqualTo(List.of("x"));
        assertThat(merged.extra()).isEqualTo(Map.of("a", 1, "b", 3));
        assertThat(base.topLogprobs()).isEqualTo(3);
        assertThat(base.toBuilder().build()).isEqualTo(base);
    }
}
