package dev.logprobs4j.local.template.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Python {@code str} methods that HuggingFace chat templates call on strings ({@code .strip()},
 * {@code .split()}, {@code .startswith()}, ...), with Python's semantics rather than the Java
 * methods of similar names. Stateless and thread-safe.
 *
 * <p>Java's {@code String.split} takes a regex and drops trailing empty strings, and
 * {@code String.strip} takes no argument; templates written for Jinja2 rely on the Python
 * behaviour, e.g. Qwen 3's {@code content.split('</think>')[-1].lstrip('\n')}.
 */
public final class PyStr {

  private PyStr() {}

  /** Whether {@code c} is whitespace as Python's {@code str.isspace()} sees it. */
  static boolean isPySpace(char c) {
    return switch (c) {
      case ' ', '\t', '\n', '\r', '\u000b', '\f', '\u001c', '\u001d', '\u001e', '\u001f', '\u0085' -> true;
      default -> Character.isWhitespace(c) || Character.isSpaceChar(c);
    };
  }

  private static boolean strips(char c, String chars) {
    return chars == null ? isPySpace(c) : chars.indexOf(c) >= 0;
  }

  /** {@code s.strip(chars)}; {@code chars == null} strips whitespace. */
  public static String strip(String s, String chars) {
    return rstrip(lstrip(s, chars), chars);
  }

  /** {@code s.lstrip(chars)}; {@code chars == null} strips whitespace. */
  public static String lstrip(String s, String chars) {
    int start = 0;
    while (start < s.length() && strips(s.charAt(start), chars)) {
      start++;
    }
    return s.substring(start);
  }

  /** {@code s.rstrip(chars)}; {@code chars == null} strips whitespace. */
  public static String rstrip(String s, String chars) {
    int end = s.length();
    while (end > 0 && strips(s.charAt(end - 1), chars)) {
      end--;
    }
    return s.substring(0, end);
  }

  /** {@code s.split(sep, maxsplit)}; {@code sep == null} splits on runs of whitespace. */
  public static List<String> split(String s, String sep, int maxsplit) {
    List<String> parts = new ArrayList<>();
    if (sep == null) {
      int i = 0;
      int n = s.length();
      while (true) {
        while (i < n && isPySpace(s.charAt(i))) {
          i++;
        }
        if (i >= n) {
          return parts;
        }
        if (maxsplit >= 0 && parts.size() == maxsplit) {
          parts.add(s.substring(i)); // Python keeps the remainder's trailing whitespace
          return parts;
        }
        int j = i;
        while (j < n && !isPySpace(s.charAt(j))) {
          j++;
        }
        parts.add(s.substring(i, j));
        i = j;
      }
    }
    requireNonEmptySeparator(sep);
    int from = 0;
    while (maxsplit < 0 || parts.size() < maxsplit) {
      int at = s.indexOf(sep, from);
      if (at < 0) {
        break;
      }
      parts.add(s.substring(from, at));
      from = at + sep.length();
    }
    parts.add(s.substring(from));
    return parts;
  }

  /** {@code s.rsplit(sep, maxsplit)}; {@code sep == null} splits on runs of whitespace. */
  public static List<String> rsplit(String s, String sep, int maxsplit) {
    if (maxsplit < 0) {
      return split(s, sep, -1);
    }
    List<String> reversed = new ArrayList<>();
    if (sep == null) {
      int j = s.length();
      while (true) {
        while (j > 0 && isPySpace(s.charAt(j - 1))) {
          j--;
        }
        if (j == 0) {
          break;
        }
        if (reversed.size() == maxsplit) {
          reversed.add(s.substring(0, j)); // Python keeps the remainder's leading whitespace
          break;
        }
        int i = j;
        while (i > 0 && !isPySpace(s.charAt(i - 1))) {
          i--;
        }
        reversed.add(s.substring(i, j));
        j = i;
      }
    } else {
      requireNonEmptySeparator(sep);
      int end = s.length();
      while (reversed.size() < maxsplit) {
        int at = s.lastIndexOf(sep, end - sep.length());
        if (at < 0) {
          break;
        }
        reversed.add(s.substring(at + sep.length(), end));
        end = at;
      }
      reversed.add(s.substring(0, end));
    }
    List<String> parts = new ArrayList<>(reversed.size());
    for (int k = reversed.size() - 1; k >= 0; k--) {
      parts.add(reversed.get(k));
    }
    return parts;
  }

  private static void requireNonEmptySeparator(String sep) {
    if (sep.isEmpty()) {
      throw new IllegalArgumentException("str.split(): empty separator (Python raises ValueError)");
    }
  }

  /** {@code s.splitlines()} without {@code keepends}. */
  public static List<String> splitlines(String s) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      boolean br = switch (c) {
        case '\n', '\r', '\u000b', '\f', '\u001c', '\u001d', '\u001e', '\u0085', '\u2028', '\u2029' -> true;
        default -> false;
      };
      if (br) {
        lines.add(s.substring(start, i));
        i += (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') ? 2 : 1;
        start = i;
      } else {
        i++;
      }
    }
    if (start < s.length()) {
      lines.add(s.substring(start));
    }
    return lines;
  }

  /** {@code s.startswith(prefix)} where {@code prefix} is a string or a list/tuple of strings. */
  public static boolean startswith(String s, Object prefix) {
    if (prefix instanceof Collection<?> options) {
      for (Object option : options) {
        if (s.startsWith(String.valueOf(option))) {
          return true;
        }
      }
      return false;
    }
    return s.startsWith(String.valueOf(prefix));
  }

  /** {@code s.endswith(suffix)} where {@code suffix} is a string or a list/tuple of strings. */
  public static boolean endswith(String s, Object suffix) {
    if (suffix instanceof Collection<?> options) {
      for (Object option : options) {
        if (s.endsWith(String.valueOf(option))) {
          return true;
        }
      }
      return false;
    }
    return s.endsWith(String.valueOf(suffix));
  }

  /** {@code s.replace(old, new, count)}; {@code count < 0} replaces all. */
  public static String replace(String s, String old, String replacement, int count) {
    if (count < 0) {
      return s.replace(old, replacement);
    }
    StringBuilder out = new StringBuilder(s.length());
    int from = 0;
    int done = 0;
    if (old.isEmpty()) {
      // Python inserts the replacement before every character and at the end, up to count times.
      for (int i = 0; i <= s.length(); i++) {
        if (done < count) {
          out.append(replacement);
          done++;
        }
        if (i < s.length()) {
          out.append(s.charAt(i));
        }
      }
      return out.toString();
    }
    while (done < count) {
      int at = s.indexOf(old, from);
      if (at < 0) {
        break;
      }
      out.append(s, from, at).append(replacement);
      from = at + old.length();
      done++;
    }
    return out.append(s.substring(from)).toString();
  }

  /** {@code s.count(sub)}: non-overlapping occurrences. */
  public static int count(String s, String sub) {
    if (sub.isEmpty()) {
      return s.length() + 1;
    }
    int n = 0;
    int from = 0;
    while ((from = s.indexOf(sub, from)) >= 0) {
      n++;
      from += sub.length();
    }
    return n;
  }

  /** {@code s.title()}: each run of letters starts upper case, the rest lower case. */
  public static String title(String s) {
    StringBuilder out = new StringBuilder(s.length());
    boolean previousCased = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      out.append(previousCased ? Character.toLowerCase(c) : Character.toUpperCase(c));
      previousCased = Character.isLetter(c);
    }
    return out.toString();
  }

  /** {@code s.capitalize()}: first character upper case, the rest lower case. */
  public static String capitalize(String s) {
    if (s.isEmpty()) {
      return s;
    }
    return s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
  }

  /** {@code sep.join(items)}. */
  public static String join(String sep, Iterable<?> items) {
    StringBuilder out = new StringBuilder();
    boolean first = true;
    for (Object item : items) {
      if (!first) {
        out.append(sep);
      }
      out.append(item);
      first = false;
    }
    return out.toString();
  }

  /** Python's {@code isdigit/isalpha/isalnum/isspace}: false for the empty string. */
  public static boolean all(String s, java.util.function.IntPredicate test) {
    return !s.isEmpty() && s.chars().allMatch(test);
  }

  /** Python's {@code isupper/islower}: some cased character, and none of the other case. */
  public static boolean cased(String s, boolean upper) {
    boolean anyCased = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isUpperCase(c)) {
        if (!upper) {
          return false;
        }
        anyCased = true;
      } else if (Character.isLowerCase(c)) {
        if (upper) {
          return false;
        }
        anyCased = true;
      }
    }
    return anyCased;
  }
}
