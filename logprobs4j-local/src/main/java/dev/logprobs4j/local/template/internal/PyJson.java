package dev.logprobs4j.local.template.internal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * JSON text as Python's {@code json.dumps(x, ensure_ascii=False, indent=indent,
 * sort_keys=sort_keys)} writes it, which is what HuggingFace's {@code tojson} filter produces:
 * {@code ", "} and {@code ": "} separators without indent, {@code ","} and newlines with it, and
 * non-ASCII characters kept as they are. Stateless and thread-safe.
 *
 * <p>Jinjava's own {@code tojson} writes compact JSON ({@code {"a":1}}), which would change the
 * prompt tokens of every template that embeds tool definitions.
 */
public final class PyJson {

  private PyJson() {}

  /** {@code json.dumps(value, ensure_ascii=False, indent=indent, sort_keys=sortKeys)}; indent &lt; 0 means none. */
  public static String dumps(Object value, int indent, boolean sortKeys) {
    StringBuilder out = new StringBuilder();
    write(out, value, indent, sortKeys, 0, 0);
    return out.toString();
  }

  /** A JSON string literal for {@code s}, escaped as Python's encoder does with ensure_ascii=False. */
  public static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2);
    appendQuoted(out, s);
    return out.toString();
  }

  private static void write(StringBuilder out, Object value, int indent, boolean sortKeys, int level, int depth) {
    if (depth > 200) {
      throw new IllegalArgumentException("tojson: value nested deeper than 200 levels (circular reference?)");
    }
    if (value == null) {
      out.append("null");
    } else if (value instanceof CharSequence || value instanceof Character) {
      appendQuoted(out, value.toString());
    } else if (value instanceof Boolean b) {
      out.append(b ? "true" : "false");
    } else if (value instanceof Double || value instanceof Float) {
      out.append(pyFloat(((Number) value).doubleValue()));
    } else if (value instanceof BigDecimal d) {
      out.append(pyFloat(d.doubleValue()));
    } else if (value instanceof Number n) {
      out.append(n.toString());
    } else if (value instanceof Map<?, ?> map) {
      List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
      if (sortKeys) {
        entries.sort((x, y) -> String.valueOf(x.getKey()).compareTo(String.valueOf(y.getKey())));
      }
      if (entries.isEmpty()) {
        out.append("{}");
        return;
      }
      out.append('{');
      for (int i = 0; i < entries.size(); i++) {
        separate(out, i, indent, level + 1);
        Object key = entries.get(i).getKey();
        appendQuoted(out, key instanceof Boolean b ? (b ? "true" : "false") : String.valueOf(key));
        out.append(": ");
        write(out, entries.get(i).getValue(), indent, sortKeys, level + 1, depth + 1);
      }
      close(out, indent, level, '}');
    } else if (value instanceof Iterable<?> || value instanceof Object[]) {
      Iterable<?> items = value instanceof Object[] array ? List.of(array) : (Iterable<?>) value;
      int i = 0;
      out.append('[');
      for (Object item : items) {
        separate(out, i++, indent, level + 1);
        write(out, item, indent, sortKeys, level + 1, depth + 1);
      }
      if (i == 0) {
        out.append(']');
        return;
      }
      close(out, indent, level, ']');
    } else {
      // Python raises TypeError for objects it cannot serialise; a string is the useful fallback here.
      appendQuoted(out, value.toString());
    }
  }

  private static void separate(StringBuilder out, int index, int indent, int level) {
    if (indent >= 0) {
      out.append(index == 0 ? "\n" : ",\n").append(" ".repeat(indent * level));
    } else if (index > 0) {
      out.append(", ");
    }
  }

  private static void close(StringBuilder out, int indent, int level, char bracket) {
    if (indent >= 0) {
      out.append('\n').append(" ".repeat(indent * level));
    }
    out.append(bracket);
  }

  private static void appendQuoted(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /** Python's {@code repr(float)}: shortest round-trip digits, exponent form outside [1e-4, 1e16). */
  static String pyFloat(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0.0" : "0.0";
    }
    // Java's Double.toString gives the shortest round-trip digits (JDK 19+); only the layout differs.
    BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    String digits = exact.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - exact.scale(); // decimal exponent of the first digit
    String sign = d < 0 ? "-" : "";
    if (exponent >= -4 && exponent < 16) {
      String plain = exact.abs().toPlainString();
      return sign + (plain.contains(".") ? plain : plain + ".0");
    }
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "")
        + Math.abs(exponent);
  }
}
