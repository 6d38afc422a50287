package dev.logprobs4j.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed reads of request fields with OpenAI's 400 errors: a field of the wrong type or out of range
 * fails naming the field, a missing or JSON-null field reads as "not given". Stateless.
 */
final class Params {

    private Params() {
    }

    static JsonNode given(JsonNode body, String field) {
        JsonNode v = body.get(field);
        return v == null || v.isNull() ? null : v;
    }

    static String string(JsonNode body, String field) {
        return string(body, field, field);
    }

    /** {@code field} of {@code node}, named {@code path} (e.g. {@code messages[0].content[1].text}) in errors. */
    static String string(JsonNode node, String field, String path) {
        JsonNode v = given(node, field);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw wrongType(path, "a string", v);
        }
        return v.textValue();
    }

    static Boolean bool(JsonNode body, String field) {
        return bool(body, field, field);
    }

    static Boolean bool(JsonNode node, String field, String path) {
        JsonNode v = given(node, field);
        if (v == null) {
            return null;
        }
        if (!v.isBoolean()) {
            throw wrongType(path, "a boolean", v);
        }
        return v.booleanValue();
    }

    /** An integer within [min, max]; 2.0 counts as 2 (JavaScript clients send numbers). */
    static Integer integer(JsonNode body, String field, long min, long max) {
        JsonNode v = given(body, field);
        if (v == null) {
            return null;
        }
        if (!v.isNumber() || !(v.isIntegralNumber() || v.doubleValue() == Math.rint(v.doubleValue()))) {
            throw wrongType(field, "an integer", v);
        }
        if (!v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
            throw outOfRange(field, v.asText(), "[" + min + ", " + max + "]");
        }
        return (int) v.longValue();
    }

    static Long longInteger(JsonNode body, String field) {
        JsonNode v = given(body, field);
        if (v == null) {
            return null;
        }
        if (!v.isIntegralNumber()) {
            throw wrongType(field, "an integer", v);
        }
        if (!v.canConvertToLong()) {
            throw outOfRange(field, v.asText(), "[" + Long.MIN_VALUE + ", " + Long.MAX_VALUE + "] (a 64-bit signed integer)");
        }
        return v.longValue();
    }

    static Double number(JsonNode body, String field, double min, double max, boolean minInclusive) {
        JsonNode v = given(body, field);
        if (v == null) {
            return null;
        }
        if (!v.isNumber()) {
            throw wrongType(field, "a number", v);
        }
        double d = v.doubleValue();
        if (!Double.isFinite(d) || d > max || (minInclusive ? d < min : d <= min)) {
            throw outOfRange(field, v.asText(), (minInclusive ? "[" : "(") + fmt(min) + ", " + fmt(max) + "]");
        }
        return d;
    }

    /** OpenAI's {@code stop}: a string or an array of 1..4 non-empty strings. */
    static List<String> stop(JsonNode body) {
        JsonNode v = given(body, "stop");
        if (v == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        if (v.isTextual()) {
            out.add(v.textValue());
        } else if (v.isArray()) {
            if (v.size() > 4) {
                throw ApiException.invalid("stop", "array_above_max_length",
                        "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length "
                                + v.size() + " instead.");
            }
            for (JsonNode s : v) {
                if (!s.isTextual()) {
                    throw wrongType("stop", "a string or an array of strings", v);
                }
                out.add(s.textValue());
            }
        } else {
            throw wrongType("stop", "a string or an array of strings", v);
        }
        for (String s : out) {
            if (s.isEmpty()) {
                throw ApiException.invalid("stop", "invalid_value", "Invalid 'stop': stop sequences must not be empty strings.");
            }
        }
        return out.isEmpty() ? null : out;
    }

    static ApiException wrongType(String field, String expected, JsonNode got) {
        return ApiException.invalid(field, "invalid_type",
                "Invalid type for '" + field + "': expected " + expected + ", but got " + describe(got) + " instead.");
    }

    static ApiException outOfRange(String field, String value, String range) {
        return ApiException.invalid(field, "invalid_value",
                "Invalid '" + field + "': " + value + " is out of range. Expected a value within " + range + ".");
    }

    private static String describe(JsonNode v) {
        if (v.isTextual()) {
            return "a string";
        }
        if (v.isBoolean()) {
            return "a boolean";
        }
        if (v.isNumber()) {
            return v.isIntegralNumber() ? "an integer" : "a decimal number";
        }
        if (v.isArray()) {
            return "an array";
        }
        return v.isObject() ? "an object" : "null";
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
