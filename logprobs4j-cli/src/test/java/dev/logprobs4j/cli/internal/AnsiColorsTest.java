package dev.logprobs4j.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.cli.internal.AnsiColors.Level;
import dev.logprobs4j.cli.internal.AnsiColors.Mode;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AnsiColorsTest {

    @ParameterizedTest(name = "p={0} is {1}")
    @CsvSource({"1.0, HIGH", "0.9001, HIGH", "0.9, MEDIUM", "0.5001, MEDIUM", "0.5, LOW", "0.2001, LOW",
            "0.2, VERY_LOW", "0.0, VERY_LOW", "NaN, VERY_LOW"})
    void levelsSplitAtNinetyFiftyAndTwentyPercentExclusive(double p, Level expected) {
        assertThat(Level.of(p)).isEqualTo(expected);
    }

    @Test
    void eachLevelHasItsOwn256ColourAndResetsAfterwards() {
        AnsiColors c = AnsiColors.of(Mode.ANSI256);
        assertThat(c.paint("a", 0.95)).isEqualTo("\033[38;5;35ma\033[0m");
        assertThat(c.paint("a", 0.6)).isEqualTo("\033[38;5;178ma\033[0m");
        assertThat(c.paint("a", 0.3)).isEqualTo("\033[38;5;208ma\033[0m");
        assertThat(c.paint("a", 0.1)).isEqualTo("\033[38;5;196ma\033[0m");
    }

    @Test
    void truecolorWritesRgbEscapes() {
        assertThat(AnsiColors.of(Mode.TRUECOLOR).paint("a", 0.1)).isEqualTo("\033[38;2;225;45;45ma\033[0m");
    }

    @Test
    void noneLeavesTextUntouched() {
        assertThat(AnsiColors.NONE.paint("a", 0.1)).isEqualTo("a");
        assertThat(AnsiColors.NONE.dim("a")).isEqualTo("a");
        assertThat(AnsiColors.NONE.bold("a")).isEqualTo("a");
    }

    @Test
    void aTerminalGets256ColoursByDefault() {
        assertThat(AnsiColors.detect(Map.of(), true, false).mode()).isEqualTo(Mode.ANSI256);
    }

    @Test
    void colortermTruecolorOr24bitGetsTruecolor() {
        assertThat(AnsiColors.detect(Map.of("COLORTERM", "truecolor"), true, false).mode()).isEqualTo(Mode.TRUECOLOR);
        assertThat(AnsiColors.detect(Map.of("COLORTERM", "24bit"), true, false).mode()).isEqualTo(Mode.TRUECOLOR);
    }

    @Test
    void aPipeGetsNoColour() {
        assertThat(AnsiColors.detect(Map.of("COLORTERM", "truecolor"), false, false).enabled()).isFalse();
    }

    @Test
    void noColorSetToAnythingNonEmptyTurnsColourOff() {
        assertThat(AnsiColors.detect(Map.of("NO_COLOR", "1"), true, false).enabled()).isFalse();
        assertThat(AnsiColors.detect(Map.of("NO_COLOR", "0"), true, false).enabled()).isFalse();
        // no-color.org: an empty value does not count.
        assertThat(AnsiColors.detect(Map.of("NO_COLOR", ""), true, false).enabled()).isTrue();
    }

    @Test
    void noColorFlagAndDumbTerminalTurnColourOff() {
        assertThat(AnsiColors.detect(Map.of(), true, true).enabled()).isFalse();
        assertThat(AnsiColors.detect(Map.of("TERM", "dumb"), true, false).enabled()).isFalse();
    }
}
