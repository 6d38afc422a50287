package dev.logprobs4j.server.internal;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * OpenAI request fields this server cannot honour. Silently ignoring them would return answers
 * that look right but are not what was asked, so a field with a non-neutral value gets a 400 naming
 * it; the neutral value some clients always send (a penalty of 0, {@code best_of} 1, no tools, a
 * text response format on text completions) passes. Stateless.
 */
final class Unsupported {

    private Unsupported() {
    }

    /** @throws ApiException 400 naming the first field that asks for what the server does not do */
    static void check(JsonNode body, boolean chat) {
        zero(body, "frequency_penalty", "this server applies no penalties; send 0 or leave it out");
        zero(body, "presence_penalty", "this server applies no penalties; send 0 or leave it out");
        emptyArray(body, "tools", "this server does not call tools");
        emptyArray(body, "functions", "this server does not call functions");
        if (!chat) {
            // Chat completions read response_format themselves (JSON object and JSON Schema are enforced); text completions do not.
            JsonNode format = Params.given(body, "response_format");
            if (format != null && !(format.isObject() && "text".equals(format.path("type").asText(null)))) {
                throw refuse("response_format", "text completions answer in plain text only; use /v1/chat/completions for JSON"
                        + " output, or send {\"type\": \"text\"}");
            }
            JsonNode bestOf = Params.given(body, "best_of");
            if (bestOf != null && !(bestOf.isNumber() && bestOf.doubleValue() == 1)) {
                throw refuse("best_of", "this server supports best_of 1 only; ask for several answers with n");
            }
            JsonNode suffix = Params.given(body, "suffix");
            if (suffix != null && !(suffix.isTextual() && suffix.textValue().isEmpty())) {
                throw refuse("suffix", "this server does not insert text between a prompt and a suffix");
            }
        }
    }

    private static void zero(JsonNode body, String field, String why) {
        JsonNode v = Params.given(body, field);
        if (v != null && !(v.isNumber() && v.doubleValue() == 0)) {
            throw refuse(field, why);
        }
    }

    private static void emptyArray(JsonNode body, String field, String why) {
        JsonNode v = Params.given(body, field);
        if (v != null && !(v.isArray() && v.isEmpty())) {
            throw refuse(field, why);
        }
    }

    private static ApiException refuse(String field, String why) {
        return ApiException.invalid(field, "unsupported_parameter", "Unsupported parameter '" + field + "': " + why + ".");
    }
}
