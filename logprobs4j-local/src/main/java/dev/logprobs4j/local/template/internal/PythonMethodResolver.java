package dev.logprobs4j.local.template.internal;

import com.hubspot.jinjava.objects.SafeString;
import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * EL resolver that gives template expressions the Python methods HuggingFace templates call:
 * {@code str} methods ({@code strip}, {@code split}, {@code startswith}, ...), {@code dict.get(k,
 * default)}/{@code items()}/{@code keys()}/{@code values()}, and the extended slice that
 * {@link TemplateSource} rewrites {@code x[a:b:c]} into. Stateless and thread-safe.
 *
 * <p>It sits before Jinjava's own resolvers and only claims calls it implements; every other call
 * falls through unchanged. It resolves no properties.
 */
public final class PythonMethodResolver extends ELResolver {

  /** Method name that {@link TemplateSource} rewrites slices into; not a Python name. */
  public static final String SLICE_METHOD = "lp4jSlice";

  @Override
  public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
    if (base == null || !(method instanceof String name)) {
      return null;
    }
    Object[] args = params == null ? new Object[0] : params;
    Object result = NOT_HANDLED;
    if (SLICE_METHOD.equals(name)) {
      result = slice(base, args);
    } else if (base instanceof String || base instanceof SafeString) {
      result = stringMethod(base.toString(), name, args);
    } else if (base instanceof Map<?, ?> map) {
      result = mapMethod(map, name, args);
    }
    if (result == NOT_HANDLED) {
      return null;
    }
    context.setPropertyResolved(true);
    return result;
  }

  private static final Object NOT_HANDLED = new Object();

  private static Object stringMethod(String s, String name, Object[] a) {
    return switch (name) {
      case "strip" -> PyStr.strip(s, optString(name, a, 0, 1));
      case "lstrip" -> PyStr.lstrip(s, optString(name, a, 0, 1));
      case "rstrip" -> PyStr.rstrip(s, optString(name, a, 0, 1));
      case "split" -> PyStr.split(s, optString(name, a, 0, 2), optInt(name, a, 1, -1));
      case "rsplit" -> PyStr.rsplit(s, optString(name, a, 0, 2), optInt(name, a, 1, -1));
      case "splitlines" -> PyStr.splitlines(s);
      case "startswith" -> PyStr.startswith(s, arg(name, a, 0, 1));
      case "endswith" -> PyStr.endswith(s, arg(name, a, 0, 1));
      case "upper" -> s.toUpperCase(java.util.Locale.ROOT);
      case "lower" -> s.toLowerCase(java.util.Locale.ROOT);
      case "title" -> PyStr.title(s);
      case "capitalize" -> PyStr.capitalize(s);
      case "replace" -> PyStr.replace(s, str(name, a, 0, 3), str(name, a, 1, 3), optInt(name, a, 2, -1));
      case "find" -> s.indexOf(str(name, a, 0, 1));
      case "rfind" -> s.lastIndexOf(str(name, a, 0, 1));
      case "index" -> {
        int at = s.indexOf(str(name, a, 0, 1));
        if (at < 0) {
          throw new IllegalArgumentException("str.index(): substring " + PyJson.quote(a[0].toString())
              + " not found (Python raises ValueError)");
        }
        yield at;
      }
      case "count" -> PyStr.count(s, str(name, a, 0, 1));
      case "join" -> PyStr.join(s, iterable(name, arg(name, a, 0, 1)));
      case "removeprefix" -> s.startsWith(str(name, a, 0, 1)) ? s.substring(a[0].toString().length()) : s;
      case "removesuffix" -> s.endsWith(str(name, a, 0, 1)) ? s.substring(0, s.length() - a[0].toString().length()) : s;
      case "isdigit" -> PyStr.all(s, Character::isDigit);
      case "isalpha" -> PyStr.all(s, Character::isLetter);
      case "isalnum" -> PyStr.all(s, Character::isLetterOrDigit);
      case "isspace" -> PyStr.all(s, c -> PyStr.isPySpace((char) c));
      case "isupper" -> PyStr.cased(s, true);
      case "islower" -> PyStr.cased(s, false);
      default -> NOT_HANDLED;
    };
  }

  private static Object mapMethod(Map<?, ?> map, String name, Object[] a) {
    return switch (name) {
      // One-argument get is Java's own Map.get; Python's two-argument form needs us.
      case "get" -> {
        if (a.length != 2) {
          yield NOT_HANDLED;
        }
        yield map.containsKey(a[0]) ? map.get(a[0]) : a[1];
      }
      case "items" -> {
        requireArity(name, a, 0, 0);
        yield new ArrayList<>(map.entrySet());
      }
      case "keys" -> {
        requireArity(name, a, 0, 0);
        yield new ArrayList<>(map.keySet());
      }
      case "values" -> {
        requireArity(name, a, 0, 0);
        yield new ArrayList<>(map.values());
      }
      default -> NOT_HANDLED;
    };
  }

  /** Python's {@code seq[start:stop:step]} on a string or a sequence; null bounds are omitted ones. */
  static Object slice(Object base, Object[] a) {
    requireArity("slice", a, 3, 3);
    if (base instanceof String || base instanceof SafeString) {
      String s = base.toString();
      int[] r = sliceIndices(s.length(), a);
      StringBuilder out = new StringBuilder();
      for (int i = r[0], k = 0; k < r[2]; i += r[1], k++) {
        out.append(s.charAt(i));
      }
      return out.toString();
    }
    List<Object> items = new ArrayList<>();
    for (Object item : iterable("slice", base)) {
      items.add(item);
    }
    int[] r = sliceIndices(items.size(), a);
    List<Object> out = new ArrayList<>(r[2]);
    for (int i = r[0], k = 0; k < r[2]; i += r[1], k++) {
      out.add(items.get(i));
    }
    return out;
  }

  /** Start, step and element count of a Python slice over {@code length} items. */
  private static int[] sliceIndices(int length, Object[] a) {
    long step = a[2] == null ? 1 : toLong("slice step", a[2]);
    if (step == 0) {
      throw new IllegalArgumentException("slice step cannot be zero (Python raises ValueError)");
    }
    long start;
    long stop;
    if (step > 0) {
      start = a[0] == null ? 0 : clamp(toLong("slice start", a[0]), length, 0, length);
      stop = a[1] == null ? length : clamp(toLong("slice stop", a[1]), length, 0, length);
    } else {
      start = a[0] == null ? length - 1 : clamp(toLong("slice start", a[0]), length, -1, length - 1);
      stop = a[1] == null ? -1 : clamp(toLong("slice stop", a[1]), length, -1, length - 1);
    }
    long count = step > 0
        ? (stop > start ? (stop - start + step - 1) / step : 0)
        : (start > stop ? (start - stop - step - 1) / -step : 0);
    return new int[] {(int) start, (int) step, (int) count};
  }

  private static long clamp(long index, int length, long low, long high) {
    long i = index < 0 ? index + length : index;
    return Math.max(low, Math.min(high, i));
  }

  private static Iterable<?> iterable(String method, Object value) {
    if (value instanceof Iterable<?> it) {
      return it;
    }
    if (value instanceof Object[] array) {
      return List.of(array);
    }
    if (value instanceof Map<?, ?> map) {
      return map.keySet();
    }
    if (value instanceof Iterator<?> it) {
      List<Object> items = new ArrayList<>();
      it.forEachRemaining(items::add);
      return items;
    }
    throw new IllegalArgumentException(method + "(): expected a sequence but got "
        + (value == null ? "none" : value.getClass().getSimpleName()));
  }

  private static void requireArity(String method, Object[] a, int min, int max) {
    if (a.length < min || a.length > max) {
      throw new IllegalArgumentException(method + "() takes " + (min == max ? "" + min : min + " to " + max)
          + " argument(s) but " + a.length + " were given");
    }
  }

  private static Object arg(String method, Object[] a, int index, int max) {
    requireArity(method, a, index + 1, max);
    return a[index];
  }

  private static String str(String method, Object[] a, int index, int max) {
    Object value = arg(method, a, index, max);
    if (value == null) {
      throw new IllegalArgumentException(method + "(): argument " + (index + 1) + " must be a string, not none");
    }
    return value.toString();
  }

  private static String optString(String method, Object[] a, int index, int max) {
    requireArity(method, a, 0, max);
    return index < a.length && a[index] != null ? a[index].toString() : null;
  }

  private static int optInt(String method, Object[] a, int index, int fallback) {
    if (index >= a.length || a[index] == null) {
      return fallback;
    }
    return Math.toIntExact(toLong(method + "() argument " + (index + 1), a[index]));
  }

  private static long toLong(String what, Object value) {
    if (value instanceof Number n) {
      return n.longValue();
    }
    throw new IllegalArgumentException(what + " must be an integer but got " + value);
  }

  // The remaining ELResolver methods: this resolver resolves no properties.

  @Override
  public Class<?> getCommonPropertyType(ELContext context, Object base) {
    return null;
  }

  @Override
  public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
    return null;
  }

  @Override
  public Class<?> getType(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public Object getValue(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public boolean isReadOnly(ELContext context, Object base, Object property) {
    return true;
  }

  @Override
  public void setValue(ELContext context, Object base, Object property, Object value) {
    // Not ours: leaving propertyResolved false passes the assignment on.
  }
}
