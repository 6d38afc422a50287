package dev.logprobs4j.local.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class Utf8AndStopsTest {

    private static final byte[] EMOJI = "a😀".getBytes(StandardCharsets.UTF_8); // 61 f0 9f 98 80

    @Test
    void anUnfinishedCharacterIsHeldBack() {
        assertThat(Utf8.completePrefix(EMOJI, 0, 1)).isEqualTo(1);
        assertThat(Utf8.completePrefix(EMOJI, 0, 2)).isEqualTo(1);
        assertThat(Utf8.completePrefix(EMOJI, 0, 3)).isEqualTo(1);
        assertThat(Utf8.completePrefix(EMOJI, 0, 4)).isEqualTo(1);
        assertThat(Utf8.completePrefix(EMOJI, 0, 5)).isEqualTo(5);
        byte[] accent = "é".getBytes(StandardCharsets.UTF_8);
        assertThat(Utf8.completePrefix(accent, 0, 1)).isZero();
        assertThat(Utf8.completePrefix(accent, 0, 2)).isEqualTo(2);
    }

    @Test
    void stopStringsAreFoundAcrossTokensAndPartialStartsHeldBack() {
        Stops stops = new Stops(List.of("END", "\n\n"));
        byte[] text = "abc EN".getBytes(StandardCharsets.UTF_8);
        assertThat(stops.find(text, text.length, 4)).isEqualTo(-1);
        assertThat(stops.partialSuffix(text, text.length)).isEqualTo(2);
        byte[] more = "abc END!".getBytes(StandardCharsets.UTF_8);
        assertThat(stops.find(more, more.length, 6)).isEqualTo(4);
        byte[] both = "x\n\nEND".getBytes(StandardCharsets.UTF_8);
        assertThat(stops.find(both, both.length, 0)).isEqualTo(1); // the earliest stop wins
        assertThat(new Stops(List.of()).isEmpty()).isTrue();
    }
}
