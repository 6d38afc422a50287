package dev.logprobs4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logprobs4j.internal.MergeDicts;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One test per rule of LangChain's merge_dicts / merge_lists. */
class MergeDictsTest {

    @Test
    void missingOrNullLeftTakesTheRight() {
        Map<String, Object> left = new HashMap<>();
        left.put("a", null);
        assertThat(MergeDicts.merge(left, Map.of("a", "x", "b", 1))).containsEntry("a", "x").containsEntry("b", 1);
    }

    @Test
    void nullRightKeepsTheLeft() {
        Map<String, Object> right = new HashMap<>();
        right.put("a", null);
        assertThat(MergeDicts.merge(Map.of("a", "x"), right)).containsEntry("a", "x");
    }

    @Test
    void stringsConcatenateButEqualIdsStay() {
        assertThat(MergeDicts.merge(Map.of("text", "ab", "id", "r1"), Map.of("text", "cd", "id", "r1")))
                .containsEntry("text", "abcd").containsEntry("id", "r1");
    }

    @Test
    void mapsMergeRecursively() {
        assertThat(MergeDicts.merge(Map.of("m", Map.of("x", "a")), Map.of("m", Map.of("x", "b", "y", 1))))
                .containsEntry("m", Map.of("x", "ab", "y", 1));
    }

    @Test
    void listsAppendAndIndexedElementsMerge() {
        Map<String, Object> l = Map.of("l", List.of(Map.of("index", 0, "text", "a"), "plain"));
        Map<String, Object> r = Map.of("l", List.of(Map.of("index", 0, "text", "b", "type", "t"), Map.of("index", 1, "text", "c")));
        assertThat(MergeDicts.merge(l, r).get("l")).isEqualTo(List.of(
                Map.of("index", 0, "text", "ab"), "plain", Map.of("index", 1, "text", "c")));
    }

    @Test
    void equalValuesStayAndIntegersAdd() {
        assertThat(MergeDicts.merge(Map.of("f", 1.5, "n", 2), Map.of("f", 1.5, "n", 3)))
                .containsEntry("f", 1.5).containsEntry("n", 5L);
    }

    @Test
    void conflictingTypesAreNamed() {
        assertThatThrownBy(() -> MergeDicts.merge(Map.of("k", "s"), Map.of("k", 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'k'").hasMessageContaining("String");
        assertThatThrownBy(() -> MergeDicts.merge(Map.of("k", 1.0), Map.of("k", 2.0)))
                .hasMessageContaining("no merge rule");
    }
}
