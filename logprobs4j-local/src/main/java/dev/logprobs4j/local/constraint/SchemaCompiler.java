package dev.logprobs4j.local.constraint;

import dev.logprobs4j.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiler of a JSON Schema (as maps and lists) into {@link Node}s. Stateless apart from one
 * compilation; not thread-safe.
 *
 * <p>Supported: {@code type} (one or a list), {@code properties}, {@code required},
 * {@code additionalProperties} ({@code false} or {@code true}), {@code items}, {@code enum},
 * {@code const}, {@code minLength}/{@code maxLength}, {@code minItems}/{@code maxItems}, and the
 * annotations {@code title}, {@code description}, {@code default}, {@code examples},
 * {@code $schema}, {@code $id}, {@code $comment}. Any other keyword fails, naming it and where
 * it is: the constraint is never silently weaker than the schema.
 */
final class SchemaCompiler {
    /**
     * Objects and arrays nest at most this deep inside a value of any shape (json_object, {@code {}}):
     * every distinct stack is a matcher configuration, and 2^depth of them must stay small.
     */
    static final int MAX_ANY_DEPTH = 8;

    private static final Set<String> KEYWORDS = Set.of("type", "properties", "required", "additionalProperties", "items", "enum",
            "const", "minLength", "maxLength", "minItems", "maxItems");
    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "default", "examples", "$schema", "$id", "$comment");

    private Node any;

    private SchemaCompiler() {
    }

    /** The node of any JSON object: what {@code {"type": "json_object"}} asks for. */
    static Node anyObject() {
        SchemaCompiler c = new SchemaCompiler();
        c.any();
        return c.anyObj;
    }

    /**
     * The node of values valid against {@code schema}.
     *
     * @throws IllegalArgumentException naming the keyword and its JSON path when the schema uses
     *     something outside the supported subset or is malformed
     */
    static Node compile(Object schema) {
        return new SchemaCompiler().node(schema, "$");
    }

    private Node.AnyObj anyObj;

    private Node any() {
        if (any == null) {
            anyObj = new Node.AnyObj();
            Node.Arr anyArr = new Node.Arr(null, 0, -1);
            any = new Node.Union(List.of(anyObj, anyArr, new Node.Str(0, -1), new Node.Num(false), literals("true, false or null",
                    List.of(true, false, JSON_NULL))), MAX_ANY_DEPTH);
            anyObj.value(any);
            anyArr.items(any);
        }
        return any;
    }

    private Node node(Object schema, String path) {
        if (Boolean.TRUE.equals(schema)) {
            return any();
        }
        if (!(schema instanceof Map<?, ?> m)) {
            throw bad(path, "a schema must be an object or true, was " + Json.write(schema));
        }
        for (Object k : m.keySet()) {
            if (!KEYWORDS.contains(k) && !ANNOTATIONS.contains(k)) {
                throw new IllegalArgumentException("response_format schema keyword '" + k + "' at " + path + " is not supported;"
                        + " supported: type, properties, required, additionalProperties (true/false), items, enum, const,"
                        + " minLength, maxLength, minItems, maxItems");
            }
        }
        List<String> types = types(m.get("type"), path);
        if (m.containsKey("const")) {
            return literals("const at " + path, List.of(nullable(m.get("const"))));
        }
        if (m.containsKey("enum")) {
            if (!(m.get("enum") instanceof List<?> values) || values.isEmpty()) {
                throw bad(path + ".enum", "enum must be a non-empty array");
            }
            List<Object> kept = new ArrayList<>();
            for (Object v : values) {
                if (types == null || types.stream().anyMatch(t -> hasType(v, t))) {
                    kept.add(nullable(v));
                }
            }
            if (kept.isEmpty()) {
                throw bad(path + ".enum", "no enum value has the type " + types);
            }
            return literals("enum at " + path, kept);
        }
        if (types == null) {
            if (m.containsKey("properties")) {
                types = List.of("object");
            } else if (m.containsKey("items")) {
                types = List.of("array");
            } else {
                return any();
            }
        }
        List<Node> choices = new ArrayList<>();
        boolean number = types.contains("number");
        for (String t : types) {
            if (t.equals("integer") && number) {
                continue; // every integer is a number
            }
            choices.add(switch (t) {
                case "object" -> object(m, path);
                case "array" -> array(m, path);
                case "string" -> new Node.Str(count(m, "minLength", path, 0), count(m, "maxLength", path, -1));
                case "number" -> new Node.Num(false);
                case "integer" -> new Node.Num(true);
                case "boolean" -> literals("boolean", List.of(true, false));
                case "null" -> literals("null", List.of(JSON_NULL));
                default -> throw bad(path + ".type", "unknown type '" + t + "'");
            });
        }
        checkBounds(m, path, "minLength", "maxLength");
        checkBounds(m, path, "minItems", "maxItems");
        if (choices.size() == 1) {
            return choices.get(0);
        }
        BitSet seen = new BitSet(256);
        for (Node c : choices) {
            if (c.firstBytes().intersects(seen)) {
                throw bad(path + ".type", "the types " + types + " cannot be told apart by their first character");
            }
            seen.or(c.firstBytes());
        }
        return new Node.Union(choices, Integer.MAX_VALUE);
    }

    private Node object(Map<?, ?> m, String path) {
        Object additional = m.get("additionalProperties");
        if (additional != null && !(additional instanceof Boolean)) {
            throw new IllegalArgumentException("response_format schema keyword 'additionalProperties' at " + path
                    + " must be true or false; a schema for additional properties is not supported");
        }
        Object props = m.get("properties");
        if (props == null) {
            if (Boolean.FALSE.equals(additional)) {
                return new Node.Obj(List.of(), List.of(), new boolean[0]);
            }
            any();
            return anyObj;
        }
        if (!(props instanceof Map<?, ?> properties)) {
            throw bad(path + ".properties", "properties must be an object");
        }
        List<String> required = new ArrayList<>();
        if (m.get("required") != null) {
            if (!(m.get("required") instanceof List<?> r)) {
                throw bad(path + ".required", "required must be an array of property names");
            }
            for (Object o : r) {
                if (!(o instanceof String s) || !properties.containsKey(s)) {
                    throw bad(path + ".required", "'" + o + "' is not one of the properties " + properties.keySet());
                }
                required.add(s);
            }
        }
        List<byte[]> keys = new ArrayList<>();
        List<Node> values = new ArrayList<>();
        boolean[] req = new boolean[properties.size()];
        int i = 0;
        for (Map.Entry<?, ?> e : properties.entrySet()) {
            String key = (String) e.getKey();
            keys.add(Json.write(key).getBytes(StandardCharsets.UTF_8));
            values.add(node(e.getValue(), path + ".properties." + key));
            req[i++] = required.contains(key);
        }
        return new Node.Obj(keys, values, req);
    }

    private Node array(Map<?, ?> m, String path) {
        Object items = m.get("items");
        if (items instanceof List<?>) {
            throw new IllegalArgumentException("response_format schema keyword 'items' at " + path
                    + " must be one schema; tuple arrays (a list of schemas) are not supported");
        }
        Node item = items == null ? any() : node(items, path + ".items");
        return new Node.Arr(item, count(m, "minItems", path, 0), count(m, "maxItems", path, -1));
    }

    private static List<String> types(Object type, String path) {
        if (type == null) {
            return null;
        }
        if (type instanceof String s) {
            return List.of(s);
        }
        if (type instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(String.class::isInstance)) {
            return l.stream().map(String.class::cast).toList();
        }
        throw bad(path + ".type", "type must be a string or a non-empty array of strings");
    }

    private static boolean hasType(Object v, String type) {
        return switch (type) {
            case "string" -> v instanceof String;
            case "number" -> v instanceof Number;
            case "integer" -> v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue());
            case "boolean" -> v instanceof Boolean;
            case "null" -> v == null;
            case "object" -> v instanceof Map;
            case "array" -> v instanceof List;
            default -> false;
        };
    }

    private static int count(Map<?, ?> m, String keyword, String path, int absent) {
        Object v = m.get(keyword);
        if (v == null) {
            return absent;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.doubleValue() >= 0 && n.doubleValue() < 1 << 20) {
            return n.intValue();
        }
        throw bad(path + "." + keyword, keyword + " must be a whole number within [0, 1048576), was " + v);
    }

    private static void checkBounds(Map<?, ?> m, String path, String min, String max) {
        int lo = count(m, min, path, 0);
        int hi = count(m, max, path, -1);
        if (hi >= 0 && lo > hi) {
            throw bad(path, min + " " + lo + " is above " + max + " " + hi);
        }
    }

    /** Stands for JSON null in lists that cannot hold null. */
    private static final Object JSON_NULL = new Object();

    private static Object nullable(Object v) {
        return v == null ? JSON_NULL : v;
    }

    /** Literals of JSON values, each written compactly. */
    private static Node literals(String name, List<?> values) {
        List<byte[]> encoded = new ArrayList<>();
        for (Object v : values) {
            String text = v == JSON_NULL ? "null" : Json.write(v);
            encoded.add(text.getBytes(StandardCharsets.UTF_8));
        }
        return new Node.Literals(name, encoded);
    }

    private static IllegalArgumentException bad(String path, String rule) {
        return new IllegalArgumentException("response_format schema at " + path + ": " + rule);
    }
}
