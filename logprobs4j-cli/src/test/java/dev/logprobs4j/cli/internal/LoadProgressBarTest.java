package dev.logprobs4j.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LoadProgressBarTest {

    @Test
    void lineShowsFilledShareAndMegabytes() {
        assertThat(LoadProgressBar.line("m.gguf", 500_000, 1_000_000))
                .isEqualTo("loading m.gguf [" + "█".repeat(14) + "░".repeat(14) + "]  50%  0.5/1.0 MB");
    }

    @Test
    void redrawsOnlyWhenThePercentageChangesAndClearsAtTheEnd() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LoadProgressBar bar = new LoadProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), "m");
        for (long done = 0; done <= 1000; done++) {
            bar.update(done, 1000);
        }
        bar.finish();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out.split("\r", -1)).hasSize(1 + 101 + 1); // 0..100 %, then the clearing \r
        assertThat(out).endsWith("\r\033[2K");
    }

    @Test
    void finishWithoutUpdatesWritesNothing() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new LoadProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), "m").finish();
        assertThat(bytes.size()).isZero();
    }
}
