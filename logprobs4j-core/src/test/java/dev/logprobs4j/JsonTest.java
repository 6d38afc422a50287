package dev.logprobs4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesEveryValueKind() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\c\n\u0001");
        m.put("n", null);
        m.put("b", true);
        m.put("i", 7L);
        m.put("d", -0.31725305);
        m.put("whole", 2.0);
        m.put("bytes", new byte[] {73, (byte) 0xF0});
        m.put("list", Arrays.asList(1, "x"));
        assertThat(Json.write(m)).isEqualTo("{\"s\": \"a\\\"b\\\\c\\n\\u0001\", \"n\": null, \"b\": true, \"i\": 7, "
                + "\"d\": -0.31725305, \"whole\": 2.0, \"bytes\": [73, 240], \"list\": [1, \"x\"]}");
    }

    @Test
    void doublesRoundTripAndNonFiniteBecomeNull() {
        double d = -1.1920928955078125e-7;
        assertThat(Double.parseDouble(Json.write(d))).isEqualTo(d);
        assertThat(Json.write(Double.NaN)).isEqualTo("null");
    }

    @Test
    void loneSurrogatesAreEscaped() {
        assertThat(Json.write("\uD83D")).isEqualTo("\"\\ud83d\"");
        assertThat(Json.write("\uD83D\uDE00")).isEqualTo("\"\uD83D\uDE00\"");
    }
}
