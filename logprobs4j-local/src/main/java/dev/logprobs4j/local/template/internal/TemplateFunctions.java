package dev.logprobs4j.local.template.internal;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import java.time.LocalDateTime;
import java.util.Map;

/**
 * The globals, filters and tags HuggingFace transformers adds to its Jinja environment, for
 * Jinjava: {@code raise_exception}, {@code strftime_now}, the {@code tojson} filter and the
 * {@code {% generation %}} marker tag. Stateless and thread-safe.
 */
public final class TemplateFunctions {

  private TemplateFunctions() {}

  /** Thrown by {@code raise_exception(msg)} inside a template; carries the template's message. */
  public static final class RaisedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RaisedException(String message) {
      super(message);
    }
  }

  /** {@code raise_exception(message)}: aborts rendering with the template's own message. */
  public static Object raiseException(Object message) {
    throw new RaisedException(String.valueOf(message));
  }

  /** {@code strftime_now(format)}: local time now, formatted like Python's {@code strftime}. */
  public static String strftimeNow(String format) {
    return PyStrftime.format(format, LocalDateTime.now());
  }

  /**
   * HuggingFace's {@code tojson}: Python's {@code json.dumps} with {@code ensure_ascii=False},
   * optional {@code indent} and {@code sort_keys}, and no HTML escaping (unlike Jinja2's own).
   */
  public static final class TojsonFilter implements Filter {
    @Override
    public String getName() {
      return "tojson";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
      Object indent = kwargs.containsKey("indent") ? kwargs.get("indent") : (args.length > 0 ? args[0] : null);
      Object sortKeys = kwargs.get("sort_keys");
      return PyJson.dumps(var, indent == null ? -1 : toInt(indent), Boolean.TRUE.equals(sortKeys));
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      return PyJson.dumps(var, args.length > 0 && args[0] != null ? Integer.parseInt(args[0].strip()) : -1, false);
    }

    private static int toInt(Object value) {
      if (value instanceof Number n) {
        return n.intValue();
      }
      try {
        return Integer.parseInt(value.toString().strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("tojson: indent must be an integer but got '" + value + "'", e);
      }
    }
  }

  /**
   * {@code {% generation %}...{% endgeneration %}}: transformers' marker for assistant text (used
   * for training masks). It renders its body unchanged, in the enclosing scope.
   */
  public static final class GenerationTag implements Tag {
    private static final long serialVersionUID = 1L;

    @Override
    public String getName() {
      return "generation";
    }

    @Override
    public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
      StringBuilder out = new StringBuilder();
      for (Node child : tagNode.getChildren()) {
        out.append(child.render(interpreter).getValue());
      }
      return out.toString();
    }
  }
}
