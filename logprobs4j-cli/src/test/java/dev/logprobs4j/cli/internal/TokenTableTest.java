package dev.logprobs4j.cli.internal;

import static dev.logprobs4j.cli.internal.Fixtures.token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.Logprobs;
import dev.logprobs4j.TokenLogprob;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenTableTest {

    static String stripAnsi(String s) {
        return s.replaceAll("\033\\[[0-9;]*m", "");
    }

    @Test
    void oneHeaderAndOneLinePerTokenWithVisibleWhitespace() {
        String table = TokenTable.render(Fixtures.fourLevels(), AnsiColors.NONE, 0);
        List<String> lines = table.lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).startsWith("#  token").contains("logprob", "prob", "top alternatives");
        assertThat(lines.get(2)).startsWith("1  ·world");
        assertThat(lines.get(4)).startsWith("3  ⏎");
    }

    @Test
    void logprobProbabilityAndAlternativesAreShownPerToken() {
        String line = TokenTable.render(Fixtures.fourLevels(), AnsiColors.NONE, 0).lines().toList().get(1);
        // ln(0.95) = -0.0513 (4 decimals); 95.0%; alternatives "tok p%" in order.
        assertThat(line).contains("-0.0513", "95.0%", "Hello 95.0%  Hi 3.0%");
    }

    @Test
    void columnsLineUpWithColourCodesAndWideCharacters() {
        Logprobs lp = Logprobs.of(List.of(token("日本", 0.5), token(" a", 0.99), token("verylongtokenthatkeepsgoingon", 0.01)));
        for (AnsiColors colors : List.of(AnsiColors.NONE, AnsiColors.of(AnsiColors.Mode.ANSI256))) {
            List<String> lines = stripAnsi(TokenTable.render(lp, colors, 0)).lines().toList();
            String header = lines.get(0);
            int probEnd = TokenText.displayWidth(header.substring(0, header.indexOf("  prob") + "  prob".length()));
            for (String l : lines.subList(1, lines.size())) {
                // every probability cell ends in the column where the header's "prob" ends
                assertThat(TokenText.displayWidth(l.substring(0, l.indexOf('%') + 1))).as(l).isEqualTo(probEnd);
            }
        }
    }

    @Test
    void colouredTableIsThePlainTableWithEscapes() {
        Logprobs lp = Fixtures.fourLevels();
        String coloured = TokenTable.render(lp, AnsiColors.of(AnsiColors.Mode.ANSI256), 0);
        assertThat(coloured).contains("\033[38;5;35mHello\033[0m", "\033[38;5;196m⏎\033[0m");
        assertThat(stripAnsi(coloured)).isEqualTo(TokenTable.render(lp, AnsiColors.NONE, 0));
    }

    @Test
    void longTokensAreCutWithAnEllipsis() {
        Logprobs lp = Logprobs.of(List.of(token("x".repeat(40), 0.5)));
        String line = TokenTable.render(lp, AnsiColors.NONE, 0).lines().toList().get(1);
        assertThat(line).contains("x".repeat(TokenTable.MAX_TOKEN_WIDTH - 1) + "…").doesNotContain("x".repeat(TokenTable.MAX_TOKEN_WIDTH));
    }

    @Test
    void indexesStartAtTheGivenFirstIndex() {
        List<String> lines = TokenTable.render(Fixtures.fourLevels(), AnsiColors.NONE, 9).lines().toList();
        assertThat(lines.get(1)).startsWith(" 9  Hello");
        assertThat(lines.get(4)).startsWith("12  ⏎");
    }

    @Test
    void withoutAlternativesThereIsNoAlternativesColumn() {
        Logprobs lp = Logprobs.of(List.of(new TokenLogprob("a", null, -0.5)));
        assertThat(TokenTable.render(lp, AnsiColors.NONE, 0)).doesNotContain("top alternatives");
    }

    @Test
    void openAisVeryUnlikelyMarkerShowsAsNotAvailable() {
        Logprobs lp = Logprobs.of(List.of(new TokenLogprob("a", null, -9999.0)));
        assertThat(TokenTable.render(lp, AnsiColors.NONE, 0)).contains("n/a");
    }
}
