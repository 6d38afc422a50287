package dev.logprobs4j.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenTextTest {

    @Test
    void whitespaceAndControlCharactersBecomeVisible() {
        assertThat(TokenText.visible(" the")).isEqualTo("·the");
        assertThat(TokenText.visible("a\nb")).isEqualTo("a⏎b");
        assertThat(TokenText.visible("\t\r")).isEqualTo("⇥␍");
        assertThat(TokenText.visible("\u0007")).isEqualTo("\\x07");
        assertThat(TokenText.visible("")).isEqualTo("∅");
    }

    @Test
    void loneSurrogatesAreEscapedButPairsKept() {
        assertThat(TokenText.visible("\uD83D")).isEqualTo("\\uD83D");
        assertThat(TokenText.visible("😀")).isEqualTo("😀");
    }

    @Test
    void wideCharactersTakeTwoColumnsAndCombiningMarksNone() {
        assertThat(TokenText.displayWidth("abc")).isEqualTo(3);
        assertThat(TokenText.displayWidth("日本")).isEqualTo(4);
        assertThat(TokenText.displayWidth("e\u0301")).isEqualTo(1);
        assertThat(TokenText.displayWidth("😀")).isEqualTo(2);
    }

    @Test
    void truncateCutsByColumnsAndEndsWithEllipsis() {
        assertThat(TokenText.truncate("abcdef", 6)).isEqualTo("abcdef");
        assertThat(TokenText.truncate("abcdefg", 6)).isEqualTo("abcde…");
        assertThat(TokenText.truncate("日本語の", 5)).isEqualTo("日本…");
    }

    @Test
    void padsByDisplayWidth() {
        assertThat(TokenText.padRight("日", 4)).isEqualTo("日  ");
        assertThat(TokenText.padLeft("1", 3)).isEqualTo("  1");
    }

    @Test
    void htmlEscapesMarkupQuotesAndAmpersands() {
        assertThat(TokenText.html("<script>alert('x')</script>")).isEqualTo("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
        assertThat(TokenText.html("a&b \"q\"")).isEqualTo("a&amp;b &quot;q&quot;");
        assertThat(TokenText.html("\uD800x\u0000")).isEqualTo("\uFFFDx\uFFFD");
    }
}
