package dev.logprobs4j;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The shape the answer must have: OpenAI's {@code response_format}. An immutable value.
 *
 * <p>{@link Type#JSON_OBJECT} asks for any JSON object, {@link Type#JSON_SCHEMA} for a JSON value
 * valid against {@link #schema()}. The local engine and the logprobs4j server enforce it while
 * decoding (a token mask; see {@code LocalChatModel}), OpenAI-compatible providers receive it as
 * {@code response_format}; other providers ignore it.
 *
 * @param type   what is asked for
 * @param name   the schema's name ({@code json_schema.name}); {@code null} for the other types
 * @param schema the JSON Schema as maps, lists, strings, numbers, booleans and nulls; {@code null}
 *               unless {@code type} is {@link Type#JSON_SCHEMA}
 * @param strict OpenAI's {@code json_schema.strict}, or {@code null} when unset
 */
public record ResponseFormat(Type type, String name, Map<String, Object> schema, Boolean strict) {

    /** The kinds of {@code response_format}, by their wire names. */
    public enum Type {
        /** Free text: no constraint. */
        TEXT("text"),
        /** Any JSON object. */
        JSON_OBJECT("json_object"),
        /** A JSON value valid against a schema. */
        JSON_SCHEMA("json_schema");

        private final String wireName;

        Type(String wireName) {
            this.wireName = wireName;
        }

        /** The name in {@code response_format.type}. */
        public String wireName() {
            return wireName;
        }
    }

    public ResponseFormat {
        Objects.requireNonNull(type, "type must not be null");
        if (type == Type.JSON_SCHEMA) {
            Objects.requireNonNull(schema, "a json_schema response format needs a schema");
            if (name == null || name.isEmpty()) {
                name = "response";
            }
            schema = dev.logprobs4j.internal.MergeDicts.immutableCopy(schema);
        } else if (schema != null) {
            throw new IllegalArgumentException("only a json_schema response format takes a schema, not " + type.wireName());
        }
    }

    /** Any JSON object ({@code {"type": "json_object"}}). */
    public static ResponseFormat jsonObject() {
        return new ResponseFormat(Type.JSON_OBJECT, null, null, null);
    }

    /** A value valid against {@code schema}, named {@code name}. */
    public static ResponseFormat jsonSchema(String name, Map<String, ?> schema) {
        return new ResponseFormat(Type.JSON_SCHEMA, name, dev.logprobs4j.internal.MergeDicts.immutableCopy(Objects.requireNonNull(schema, "schema")), null);
    }

    /** The wire form: {@code {"type": ..., "json_schema": {"name": ..., "schema": ..., "strict": ...}}}. */
    public Map<String, Object> toWire() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", type.wireName());
        if (type == Type.JSON_SCHEMA) {
            Map<String, Object> js = new LinkedHashMap<>();
            js.put("name", name);
            js.put("schema", schema);
            if (strict != null) {
                js.put("strict", strict);
            }
            out.put("json_schema", js);
        }
        return out;
    }
}
