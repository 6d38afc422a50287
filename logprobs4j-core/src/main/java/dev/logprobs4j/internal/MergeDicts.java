package dev.logprobs4j.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * LangChain's {@code merge_dicts}/{@code merge_lists} rules for untyped metadata of streamed chunks.
 *
 * <p>For a key on both sides: a null left takes the right; strings concatenate (except {@code id}
 * and equal {@code model_provider}/{@code output_version} values, which stay); maps merge
 * recursively; lists merge (elements that are maps with the same integer {@code index} merge,
 * others append); equal values stay; integers add; anything else is a type conflict. All results are
 * immutable.
 */
public final class MergeDicts {

    private MergeDicts() {
    }

    /** {@code left} merged with {@code right}; neither is changed. */
    public static Map<String, Object> merge(Map<String, Object> left, Map<String, Object> right) {
        Map<String, Object> merged = new LinkedHashMap<>(left);
        for (Map.Entry<String, Object> e : right.entrySet()) {
            String key = e.getKey();
            Object r = e.getValue();
            Object l = merged.get(key);
            if (!merged.containsKey(key) || (r != null && l == null)) {
                merged.put(key, r);
            } else if (r == null) {
                continue;
            } else if (l instanceof String ls && r instanceof String rs) {
                boolean keep = (key.equals("id") || key.equals("output_version") || key.equals("model_provider"))
                        && ls.equals(rs);
                if (!keep) {
                    merged.put(key, ls + rs);
                }
            } else if (l instanceof Map<?, ?> lm && r instanceof Map<?, ?> rm) {
                merged.put(key, merge(cast(lm), cast(rm)));
            } else if (l instanceof List<?> ll && r instanceof List<?> rl) {
                merged.put(key, mergeLists(ll, rl));
            } else if (l.equals(r)) {
                continue;
            } else if (isInteger(l) && isInteger(r)) {
                merged.put(key, ((Number) l).longValue() + ((Number) r).longValue());
            } else if (l.getClass() != r.getClass() && !(l instanceof Number && r instanceof Number)) {
                throw new IllegalArgumentException("cannot merge metadata key '" + key + "': "
                        + l.getClass().getSimpleName() + " on the left, " + r.getClass().getSimpleName() + " on the right");
            } else {
                throw new IllegalArgumentException("cannot merge metadata key '" + key + "': values " + l + " and " + r
                        + " of type " + l.getClass().getSimpleName() + " have no merge rule");
            }
        }
        return Collections.unmodifiableMap(merged);
    }

    /** LangChain's {@code merge_lists}: indexed map elements merge, the rest append. */
    public static List<Object> mergeLists(List<?> left, List<?> right) {
        List<Object> merged = new ArrayList<>(left);
        for (Object e : right) {
            if (e instanceof Map<?, ?> em && isInteger(em.get("index"))) {
                int at = -1;
                for (int i = 0; i < merged.size(); i++) {
                    if (merged.get(i) instanceof Map<?, ?> lm && Objects.equals(lm.get("index"), em.get("index"))) {
                        at = i;
                        break;
                    }
                }
                if (at >= 0) {
                    Map<String, Object> withoutType = new LinkedHashMap<>(cast(em));
                    withoutType.remove("type");
                    merged.set(at, merge(cast((Map<?, ?>) merged.get(at)), withoutType));
                    continue;
                }
            }
            merged.add(e);
        }
        return Collections.unmodifiableList(merged);
    }

    /** A deep immutable copy of a metadata map (maps and lists inside are copied too). */
    public static Map<String, Object> immutableCopy(Map<String, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "metadata keys must not be null"), immutableValue(v)));
        return Collections.unmodifiableMap(copy);
    }

    private static Object immutableValue(Object v) {
        if (v instanceof Map<?, ?> m) {
            return immutableCopy(cast(m));
        }
        if (v instanceof List<?> l) {
            List<Object> copy = new ArrayList<>(l.size());
            for (Object o : l) {
                copy.add(immutableValue(o));
            }
            return Collections.unmodifiableList(copy);
        }
        return v;
    }

    private static boolean isInteger(Object o) {
        return o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}
