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
 *   <li>Keyword arguments: Jinjava parses {@code f(name=a - 1)} as {@code (name=a) - 1}; values
 *       of keyword arguments are parenthesised, {@code f(name=(a - 1))}.</li>
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
        // Macro signatures are declarations, not calls: leave their defaults alone.
        out.append(s, i, i + 2).append(isMacro(inner) ? inner : rewrite(inner));
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

  private static boolean isMacro(String inner) {
    String t = inner.strip();
    if (t.startsWith("-") || t.startsWith("+")) {
      t = t.substring(1).strip();
    }
    return t.startsWith("macro ") || t.startsWith("call ") || t.startsWith("call(");
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

  /**
   * {@code expr} with every slice subscript turned into a {@code lp4jSlice} call and every
   * keyword argument's value parenthesised.
   */
  static String rewrite(String expr) {
    StringBuilder out = new StringBuilder(expr.length());
    int i = 0;
    while (i < expr.length()) {
      char c = expr.charAt(i);
      if (c == '\'' || c == '"') {
        int end = skipString(expr, i);
        out.append(expr, i, end);
        i = end;
      } else if (c == '(') {
        int close = matching(expr, i, ')');
        if (close < 0) {
          out.append(expr.substring(i));
          return out.toString();
        }
        java.util.List<String> args = splitTopLevel(expr.substring(i + 1, close), ',');
        out.append('(');
        for (int p = 0; p < args.size(); p++) {
          out.append(p == 0 ? "" : ",").append(rewriteArgument(args.get(p)));
        }
        out.append(')');
        i = close + 1;
      } else if (c == '[') {
        int close = matching(expr, i, ']');
        if (close < 0) {
          out.append(expr.substring(i));
          return out.toString();
        }
        String body = expr.substring(i + 1, close);
        java.util.List<String> parts = splitTopLevel(body, ':');
        if (parts.size() == 2 || parts.size() == 3) {
          out.append('.').append(PythonMethodResolver.SLICE_METHOD).append('(');
          for (int p = 0; p < 3; p++) {
            String part = p < parts.size() ? parts.get(p).strip() : "";
            out.append(p == 0 ? "" : ", ").append(part.isEmpty() ? "none" : rewrite(part));
          }
          out.append(')');
        } else {
          out.append('[').append(rewrite(body)).append(']');
        }
        i = close + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static final java.util.regex.Pattern KEYWORD_ARGUMENT =
      java.util.regex.Pattern.compile("(\\s*[A-Za-z_][A-Za-z0-9_]*\\s*=)(?!=)(.*)", java.util.regex.Pattern.DOTALL);

  /**
   * One call argument; for {@code name=value} the value is parenthesised, since Jinjava binds
   * {@code name=} tighter than operators: {@code namespace(i=messages|length - 1)} would
   * otherwise subtract 1 from the named parameter (Qwen 3's template does exactly this).
   */
  private static String rewriteArgument(String argument) {
    java.util.regex.Matcher m = KEYWORD_ARGUMENT.matcher(argument);
    if (m.matches() && !m.group(2).isBlank()) {
      return m.group(1) + "(" + rewrite(m.group(2)) + ")";
    }
    return rewrite(argument);
  }

  /** Index of the {@code closing} bracket matching the one at {@code open}, or -1. */
  private static int matching(String expr, int open, char closing) {
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
          return c == closing ? i : -1;
        }
      }
      i++;
    }
    return -1;
  }

  private static java.util.List<String> splitTopLevel(String body, char separator) {
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
      } else if (c == separator && depth == 0) {
        parts.add(body.substring(start, i));
        start = i + 1;
      }
      i++;
    }
    parts.add(body.substring(start));
    return parts;
  }
}
