package dev.logprobs4j.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logprobs4j.ResponseFormat;
import java.util.Map;

/**
 * Reader of a chat request's {@code response_format}: {@code {"type": "text"}},
 * {@code {"type": "json_object"}} or {@code {"type": "json_schema", "json_schema": {"name": ...,
 * "schema": {...}, "strict": ...}}}, as OpenAI takes it. Whether the schema stays within the subset
 * the local engine enforces is checked when the model compiles it (a 400 naming the keyword).
 * Stateless.
 */
final class ResponseFormats {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ResponseFormats() {
    }

    /** The format, or null when the field is absent. */
    static ResponseFormat read(JsonNode body) {
        JsonNode rf = Params.given(body, "response_format");
        if (rf == null) {
            return null;
        }
        if (!rf.isObject()) {
            throw Params.wrongType("response_format", "an object", rf);
        }
        String type = Params.string(rf, "type");
        if (type == null) {
            throw ApiException.invalid("response_format.type", "missing_required_parameter",
                    "Missing required parameter: 'response_format.type'.");
        }
        return switch (type) {
            case "text" -> new ResponseFormat(ResponseFormat.Type.TEXT, null, null, null);
            case "json_object" -> ResponseFormat.jsonObject();
            case "json_schema" -> jsonSchema(rf);
            default -> throw ApiException.invalid("response_format.type", "invalid_value", "Invalid value: '" + type
                    + "'. Supported values are: 'text', 'json_object' and 'json_schema'.");
        };
    }

    private static ResponseFormat jsonSchema(JsonNode rf) {
        JsonNode js = Params.given(rf, "json_schema");
        if (js == null) {
            throw ApiException.invalid("response_format.json_schema", "missing_required_parameter",
                    "Missing required parameter: 'response_format.json_schema'.");
        }
        if (!js.isObject()) {
            throw Params.wrongType("response_format.json_schema", "an object", js);
        }
        JsonNode schema = Params.given(js, "schema");
        if (schema == null || !(schema.isObject() || schema.isBoolean())) {
            throw ApiException.invalid("response_format.json_schema.schema", "invalid_value",
                    "Invalid 'response_format.json_schema.schema': expected a JSON Schema object.");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = schema.isObject() ? MAPPER.convertValue(schema, Map.class) : Map.of();
        String name = Params.string(js, "name");
        return new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, name, map, Params.bool(js, "strict"));
    }
}
