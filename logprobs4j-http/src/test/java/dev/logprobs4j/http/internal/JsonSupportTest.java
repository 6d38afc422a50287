package dev.logprobs4j.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.logprobs4j.MalformedResponseException;
import dev.logprobs4j.ProviderException;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON helpers: error bodies of every provider shape, typed reads with paths, request values. */
class JsonSupportTest {

    @Test
    void openAiShapedErrorObjectGivesMessageTypeCodeAndParam() {
        String body = "{\"error\":{\"message\":\"bad\",\"type\":\"invalid_request_error\",\"param\":\"top_logprobs\",\"code\":null}}";
        ProviderException e = JsonSupport.providerError(400, body);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.providerMessage()).isEqualTo("bad");
        assertThat(e.type()).isEqualTo("invalid_request_error");
        assertThat(e.param()).isEqualTo("top_logprobs");
        assertThat(e.code()).isNull();
        assertThat(e.body()).isEqualTo(body);
    }

    @Test
    void anthropicsInnerTypeWinsOverTheTopLevelTypeError() {
        ProviderException e = JsonSupport.providerError(404,
                "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"gone\"}}");
        assertThat(e.type()).isEqualTo("not_found_error");
        assertThat(e.providerMessage()).isEqualTo("gone");
    }

    @Test
    void tgiStringErrorWithErrorTypeAndOllamaStringError() {
        ProviderException tgi = JsonSupport.providerError(422, "{\"error\":\"Input validation error\",\"error_type\":\"validation\"}");
        assertThat(tgi.providerMessage()).isEqualTo("Input validation error");
        assertThat(tgi.type()).isEqualTo("validation");
        assertThat(JsonSupport.providerError(503, "{\"error\":\"busy\"}").providerMessage()).isEqualTo("busy");
    }

    @Test
    void llamaCppStreamErrorIsTheBareObjectWithANumericCode() {
        ProviderException e = JsonSupport.providerError(0, "{\"code\":500,\"message\":\"context shift is disabled\",\"type\":\"server_error\"}");
        assertThat(e.status()).isZero();
        assertThat(e.code()).isEqualTo("500");
        assertThat(e.type()).isEqualTo("server_error");
        assertThat(e.providerMessage()).isEqualTo("context shift is disabled");
    }

    @Test
    void bodyThatIsNotJsonIsTheMessageAndABlankOneIsNone() {
        assertThat(JsonSupport.providerError(502, "  <html>Bad Gateway</html>\n").providerMessage()).isEqualTo("<html>Bad Gateway</html>");
        assertThat(JsonSupport.providerError(502, " ").providerMessage()).isNull();
    }

    @Test
    void typedReadsNameTheJsonPathOfTheBadValue() throws IOException {
        try (JsonParser p = JsonSupport.parser("{\"a\":[1,{\"b\":\"x\"}]}")) {
            JsonSupport.expect(p, JsonToken.START_OBJECT, "an object");
            p.nextToken(); // a
            p.nextToken(); // [
            p.nextToken(); // 1
            assertThat(JsonSupport.number(p)).isEqualTo(1.0);
            p.nextToken(); // {
            p.nextToken(); // b
            p.nextToken(); // "x"
            assertThatThrownBy(() -> JsonSupport.number(p)).isInstanceOfSatisfying(MalformedResponseException.class,
                    e -> assertThat(e.location()).isEqualTo("$.a[1].b"));
        }
    }

    @Test
    void keptPathNamesTheValueInWrongTypeErrors() throws IOException {
        JsonPath path = new JsonPath();
        path.push("logprobs");
        path.index(0);
        path.push("token");
        try (JsonParser p = JsonSupport.parser("7")) {
            p.nextToken();
            assertThatThrownBy(() -> JsonSupport.string(p, path)).isInstanceOfSatisfying(MalformedResponseException.class,
                    e -> assertThat(e.location()).isEqualTo("$.logprobs[0].token"));
        }
        path.pop();
        assertThat(path).hasToString("$.logprobs[0]");
    }

    @Test
    void bytesMustBeWithinAByte() throws IOException {
        try (JsonParser p = JsonSupport.parser("[0,255,256]")) {
            p.nextToken();
            assertThatThrownBy(() -> JsonSupport.bytes(p)).hasMessageContaining("[0, 255], was 256");
        }
        try (JsonParser p = JsonSupport.parser("[226,130,172]")) {
            p.nextToken();
            assertThat(JsonSupport.bytes(p)).isEqualTo(JsonSupport.utf8("\u20ac"));
        }
    }

    @Test
    void requestValuesAreWrittenExactlyAndNonFiniteOrUnknownOnesRefused() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", 3);
        m.put("big", new BigDecimal("0.10000000000000000001"));
        m.put("f", 0.5f);
        m.put("l", List.of(true, "s"));
        m.put("z", null);
        assertThat(JsonSupport.write(m)).isEqualTo("{\"n\":3,\"big\":0.10000000000000000001,\"f\":0.5,\"l\":[true,\"s\"],\"z\":null}");
        assertThatThrownBy(() -> JsonSupport.write(Map.of("x", Double.NaN))).hasMessageContaining("non-finite");
        assertThatThrownBy(() -> JsonSupport.write(Map.of("x", new Object()))).hasMessageContaining("java.lang.Object");
    }
}
