package dev.logprobs4j.local.template.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Python behaviours the bridges reproduce; each expected value is what CPython 3 documents
 * (and prints) for the same call.
 */
class PythonSemanticsTest {

  @Test
  void splitWithSeparatorKeepsEmptyPartsAndIsNotARegex() {
    assertThat(PyStr.split("a.b..c.", ".", -1)).containsExactly("a", "b", "", "c", "");
    assertThat(PyStr.split("a,b,c", ",", 1)).containsExactly("a", "b,c");
    assertThat(PyStr.split("x</think>y", "</think>", -1)).containsExactly("x", "y");
    assertThatThrownBy(() -> PyStr.split("a", "", -1)).hasMessageContaining("empty separator");
  }

  @Test
  void splitWithoutSeparatorSplitsOnWhitespaceRuns() {
    assertThat(PyStr.split("  a \t b\n c  ", null, -1)).containsExactly("a", "b", "c");
    assertThat(PyStr.split("  a b c ", null, 1)).containsExactly("a", "b c ");
    assertThat(PyStr.split("   ", null, -1)).isEmpty();
  }

  @Test
  void rsplitSplitsFromTheRight() {
    assertThat(PyStr.rsplit("a,b,c", ",", 1)).containsExactly("a,b", "c");
    assertThat(PyStr.rsplit(" a b c ", null, 1)).containsExactly(" a b", "c");
  }

  @Test
  void stripFamilyRemovesCharacterSetsNotPrefixes() {
    assertThat(PyStr.strip("\n\nx\n", "\n")).isEqualTo("x");
    assertThat(PyStr.lstrip("abcxcba", "ab")).isEqualTo("cxcba");
    assertThat(PyStr.rstrip("abcxcba", "ab")).isEqualTo("abcxc");
    assertThat(PyStr.strip(" \t x \u000b", null)).isEqualTo("x");
  }

  @Test
  void otherStringMethods() {
    assertThat(PyStr.startswith("hello", List.of("x", "he"))).isTrue();
    assertThat(PyStr.endswith("hello", "lo")).isTrue();
    assertThat(PyStr.replace("aaaa", "a", "b", 2)).isEqualTo("bbaa");
    assertThat(PyStr.replace("ab", "", "-", -1)).isEqualTo("-a-b-");
    assertThat(PyStr.count("aaaa", "aa")).isEqualTo(2);
    assertThat(PyStr.title("hello wORLD-x")).isEqualTo("Hello World-X");
    assertThat(PyStr.capitalize("hELLO")).isEqualTo("Hello");
    assertThat(PyStr.splitlines("a\r\nb\nc\r")).containsExactly("a", "b", "c");
    assertThat(PyStr.cased("ABC1", true)).isTrue();
    assertThat(PyStr.cased("123", true)).isFalse();
  }

  @Test
  void slicesFollowPythonBoundsAndSteps() {
    List<Integer> xs = List.of(0, 1, 2, 3, 4);
    assertThat(PythonMethodResolver.slice(xs, new Object[] {null, null, -1L})).isEqualTo(List.of(4, 3, 2, 1, 0));
    assertThat(PythonMethodResolver.slice(xs, new Object[] {1L, null, null})).isEqualTo(List.of(1, 2, 3, 4));
    assertThat(PythonMethodResolver.slice(xs, new Object[] {-2L, null, null})).isEqualTo(List.of(3, 4));
    assertThat(PythonMethodResolver.slice(xs, new Object[] {null, -1L, 2L})).isEqualTo(List.of(0, 2));
    assertThat(PythonMethodResolver.slice(xs, new Object[] {3L, 0L, -2L})).isEqualTo(List.of(3, 1));
    assertThat(PythonMethodResolver.slice(xs, new Object[] {10L, 20L, null})).isEqualTo(List.of());
    assertThat(PythonMethodResolver.slice("abcdef", new Object[] {null, null, 2L})).isEqualTo("ace");
    assertThatThrownBy(() -> PythonMethodResolver.slice(xs, new Object[] {null, null, 0L}))
        .hasMessageContaining("step cannot be zero");
  }

  @Test
  void jsonDumpsMatchesPythonLayoutAndEscapes() {
    assertThat(PyJson.dumps(List.of("é\"\\\n\u0001", true), -1, false)).isEqualTo("[\"é\\\"\\\\\\n\\u0001\", true]");
    assertThat(PyJson.dumps(java.util.Map.of("k", List.of()), 2, false)).isEqualTo("{\n  \"k\": []\n}");
    assertThat(PyJson.pyFloat(1e-5)).isEqualTo("1e-05");
    assertThat(PyJson.pyFloat(0.0001)).isEqualTo("0.0001");
    assertThat(PyJson.pyFloat(1e16)).isEqualTo("1e+16");
    assertThat(PyJson.pyFloat(123456789.0)).isEqualTo("123456789.0");
    assertThat(PyJson.pyFloat(-2.5)).isEqualTo("-2.5");
    assertThat(PyJson.pyFloat(1.0 / 3)).isEqualTo("0.3333333333333333");
  }

  @Test
  void strftimeMatchesPythonDirectives() {
    LocalDateTime t = LocalDateTime.of(2024, 7, 6, 15, 4, 5);
    assertThat(PyStrftime.format("%d %b %Y", t)).isEqualTo("06 Jul 2024");
    assertThat(PyStrftime.format("%-d %B %y, %A %a %H:%M:%S %I %p %j %%", t))
        .isEqualTo("6 July 24, Saturday Sat 15:04:05 03 PM 188 %");
    assertThat(PyStrftime.format("%Y-%m-%d %U %W %w", t)).isEqualTo("2024-07-06 26 27 6");
  }

  @Test
  void sourceBridgeRewritesSlicesAndKeywordArgumentsOnlyInsideTags() {
    assertThat(TemplateSource.bridge("a[::-1] {{ m[::-1][0] }}"))
        .isEqualTo("a[::-1] {{ m.lp4jSlice(none, none, -1)[0] }}");
    assertThat(TemplateSource.bridge("{% set ns = namespace(i=messages|length - 1, b=x) %}"))
        .isEqualTo("{% set ns = namespace(i=(messages|length - 1), b=(x)) %}");
    assertThat(TemplateSource.bridge("{{ '[1:2]' ~ x[1:] ~ y == (z) }}"))
        .isEqualTo("{{ '[1:2]' ~ x.lp4jSlice(1, none, none) ~ y == (z) }}");
    assertThat(TemplateSource.bridge("{% raw %}{{ x[1:] }}{% endraw %}{# y[1:] #}"))
        .isEqualTo("{% raw %}{{ x[1:] }}{% endraw %}{# y[1:] #}");
    assertThat(TemplateSource.bridge("{{ [1, 2][a:b] }}\r\n")).isEqualTo("{{ [1, 2].lp4jSlice(a, b, none) }}");
  }
}
