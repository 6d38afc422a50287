package dev.logprobs4j.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScoreProgressBarTest {

    @Test
    void lineShowsShareCountsRateAndEta() {
        assertThat(ScoreProgressBar.line(250, 1000, 2.0)).isEqualTo(
                "scoring [███████░░░░░░░░░░░░░░░░░░░░░]  25%  250/1,000 tokens  125 tok/s  ETA 6s");
        assertThat(ScoreProgressBar.duration(3725)).isEqualTo("1h02m");
        assertThat(ScoreProgressBar.duration(125)).isEqualTo("2m05s");
    }

    @Test
    void redrawsAtMostEveryFifthOfASecondAndAlwaysAtTheEnd() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long[] now = {0};
        ScoreProgressBar bar = new ScoreProgressBar(new PrintStream(err, true, StandardCharsets.UTF_8), () -> now[0]);
        bar.start(100);
        for (int done = 1; done <= 100; done++) {
            now[0] += 1_000_000; // 1 ms per token: 100 ms in all
            bar.update(done);
        }
        String drawn = err.toString(StandardCharsets.UTF_8);
        // The first update draws (nothing shown yet), the last one always does; none in between.
        assertThat(drawn.split("\r", -1)).hasSize(3);
        assertThat(drawn).endsWith("100%  100/100 tokens  1,000 tok/s  ETA 0s");
        bar.finish();
        assertThat(err.toString(StandardCharsets.UTF_8)).endsWith("\r\033[2K");
    }
}
