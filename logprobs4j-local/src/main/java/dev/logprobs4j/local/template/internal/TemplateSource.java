package dev.logprobs4j.local.template.internal;

/**
 * Source-level bridges between Jinja2 and Jinjava, applied once before parsing. Stateless.
 *
 * <ul>
 *   <li>Newlines: Jinja2 turns {@code \r\n} and {@code \r} into {@code \n} and, with its default
 *       {@code keep_trailing_newline=False}, drops one trailing newline of the source.</li>
 *   <li>Slices: Jinjava parses {@code x[a:b]} but not the extended {@code x[::-1]} that Qwen
 *       templates use, and its two-part slices do not follow Python for every bound. Every
 *       subscript holding a top-level {@code :} becomes {@code x.lp4jSlice(a, b, c)} (omitted
 *       bounds become {@code none}), which {@link PythonMethodResolver} evaluates with Python's
 *       rules. A method call binds exactly as tightly as a subscript, so the rewrite keeps
 *       precedence.</li>
 * </ul>
 *
 * Text outside {@code {{ }}} and {@code {% %}}, comments, string literals and {@code raw} blocks
 * are left untouched.
 */
public final class TemplateSource {

  private TemplateSource() {}

  /** The source Jinjava should parse for the Jinja2 template {@code source}. */
  public static String bridge(String source) {
    String s = source.replace("\r\n", "\n").replace('\r', '\n');
    if (s.endsWith("\n")) {
      s = s.substring(0, s.length() - 1);
    }
    StringBuilder out = new StringBuilder(s.length() + 32);
    int i = 0;
    while (i < s.length()) {
      if (s.startsWith("{#", i)) {
        int end = s.indexOf("#}", i + 2);
        end = end < 0 ? s.length() : end + 2;
        out.append(s, i, end);
        i = end;
      } else if (s.startsWith("{{", i) || s.startsWith("{%", i)) {
        String close = s.charAt(i + 1) == '{' ? "}}" : "%}";
        int end = findClose(s, i + 2, close);
        String inner = s.substring(i + 2, end);
        out.append(s, i, i + 2).append(rewriteSlices(inner));
        i = end;
        if (close.equals("%}") && isTag(inner, "raw")) {
          int endRaw = findEndRaw(s, i);
          out.append(s, i, endRaw);
          i = endRaw;
        }
      } else {
        out.append(s.charAt(i++));
      }
    }
    return out.toString();
  }

  private static boolean isTag(String inner, String name) {
    String t = inner.strip();
    if (t.startsWith("-") || t.startsWith("+")) {
      t = t.substring(1);
    }
    if (t.endsWith("-") || t.endsWith("+")) {
      t = t.substring(0, t.length() - 1);
    }
    return t.strip().equals(name);
  }

  /** Index of the {@code close} delimiter ending the tag body that starts at {@code from}. */
  private static int findClose(String s, int from, String close) {
    int i = from;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\'' || c == '"') {
        i = skipString(s, i);
      } else if (s.startsWith(close, i)) {
        return i;
      } else {
        i++;
      }
    }
    return s.length(); // unterminated: leave it for Jinjava's parser to report
  }

  private static int findEndRaw(String s, int from) {
    int i = from;
    while ((i = s.indexOf("{%", i)) >= 0) {
      int end = findClose(s, i + 2, "%}");
      if (isTag(s.substring(i + 2, end), "endraw")) {
        return i;
      }
      i = end;
    }
    return s.length();
  }

  /** Index just past the string literal opening at {@code start}. */
  private static int skipString(String s, int start) {
    char quote = s.charAt(start);
    int i = start + 1;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\\') {
        i += 2;
      } else if (c == quote) {
        return i + 1;
      } else {
        i++;
      }
    }
    return s.length();
  }

  /** {@code expr} with every slice subscript turned into a {@code lp4jSlice} call. */
  static String rewriteSlices(String expr) {
    StringBuilder out = new StringBuilder(expr.length());
    int i = 0;
    while (i < expr.length()) {
      char c = expr.charAt(i);
      if (c == '\'' || c == '"') {
        int end = skipString(expr, i);
        out.append(expr, i, end);
        i = end;
      } else if (c == '[') {
        int close = matching(expr, i);
        if (close < 0) {
          out.append(expr.substring(i));
          return out.toString();
        }
        String body = expr.substring(i + 1, close);
        java.util.List<String> parts = splitTopLevelColons(body);
        if (parts.size() == 2 || parts.size() == 3) {
          out.append('.').append(PythonMethodResolver.SLICE_METHOD).append('(');
          for (int p = 0; p < 3; p++) {
            String part = p < parts.size() ? parts.get(p).strip() : "";
            out.append(p == 0 ? "" : ", ").append(part.isEmpty() ? "none" : rewriteSlices(part));
          }
          out.append(')');
        } else {
          out.append('[').append(rewriteSlices(body)).append(']');
        }
        i = close + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /** Index of the bracket closing the one at {@code open}, or -1. */
  private static int matching(String expr, int open) {
    int depth = 0;
    int i = open;
    while (i < expr.length()) {
      char c = expr.charAt(i);
      if (c == '\'' || c == '"') {
        i = skipString(expr, i);
        continue;
      }
      if (c == '[' || c == '(' || c == '{') {
        depth++;
      } else if (c == ']' || c == ')' || c == '}') {
        depth--;
        if (depth == 0) {
          return c == ']' ? i : -1;
        }
      }
      i++;
    }
    return -1;
  }

  private static java.util.List<String> splitTopLevelColons(String body) {
    java.util.List<String> parts = new java.util.ArrayList<>();
    int depth = 0;
    int start = 0;
    int i = 0;
    while (i < body.length()) {
      char c = body.charAt(i);
      if (c == '\'' || c == '"') {
        i = skipString(body, i);
        continue;
      }
      if (c == '[' || c == '(' || c == '{') {
        depth++;
      } else if (c == ']' || c == ')' || c == '}') {
        depth--;
      } else if (c == ':' && depth == 0) {
        parts.add(body.substring(start, i));
        start = i + 1;
      }
      i++;
    }
    parts.add(body.substring(start));
    return parts;
  }
}
