package dev.logprobs4j.local.template.internal;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.google.common.collect.SetMultimap;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.tree.Node;
import dev.logprobs4j.local.template.ChatTemplateException;
import dev.logprobs4j.local.template.TemplateMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.CompositeELResolver;

/**
 * A HuggingFace chat template parsed once into a Jinjava node tree and rendered per call with the
 * variables transformers passes ({@code messages}, {@code add_generation_prompt},
 * {@code bos_token}, {@code eos_token}). Immutable and thread-safe: the tree is never modified
 * after parsing, and each render gets its own interpreter and context.
 */
public final class JinjaChatRenderer {

  /** Longest prompt a template may produce; guards against runaway loops in a bad template. */
  private static final long MAX_OUTPUT_CHARS = 64L * 1024 * 1024;

  private static final JinjavaConfig CONFIG = createConfig();
  private static final Jinjava JINJAVA = createJinjava();
  private static final RegistryContext REGISTRY = new RegistryContext();

  private final Node root;
  private final String bosToken;
  private final String eosToken;

  /**
   * Parses {@code source}; {@code bosToken}/{@code eosToken} may be null (then undefined in the
   * template, as transformers leaves special tokens a tokenizer lacks).
   *
   * @throws ChatTemplateException if the source does not parse
   */
  public JinjaChatRenderer(String source, String bosToken, String eosToken) {
    this.bosToken = bosToken;
    this.eosToken = eosToken;
    JinjavaInterpreter interpreter = newInterpreter(Map.of());
    this.root = interpreter.parse(TemplateSource.bridge(source));
    failOnFatalErrors(interpreter.getErrorsCopy(), "parse");
  }

  /** The prompt text for {@code messages}. */
  public String render(List<TemplateMessage> messages, boolean addGenerationPrompt) {
    List<Map<String, Object>> maps = new ArrayList<>(messages.size());
    for (TemplateMessage m : messages) {
      Map<String, Object> map = new LinkedHashMap<>(4);
      map.put("role", m.role());
      map.put("content", m.content());
      maps.add(map);
    }
    Map<String, Object> bindings = new HashMap<>(8);
    bindings.put("messages", maps);
    bindings.put("add_generation_prompt", addGenerationPrompt);
    if (bosToken != null) {
      bindings.put("bos_token", bosToken);
    }
    if (eosToken != null) {
      bindings.put("eos_token", eosToken);
    }
    // In Jinja2 these globals are variables, so templates test them ("{% if strftime_now is
    // defined %}" in Llama 3.2); Jinjava keeps functions apart from variables, so bind
    // placeholders under the same names. Calls still resolve to the registered functions.
    bindings.put("strftime_now", "<built-in function strftime_now>");
    bindings.put("raise_exception", "<built-in function raise_exception>");
    JinjavaInterpreter interpreter = newInterpreter(bindings);
    String output;
    try {
      output = interpreter.render(root);
    } catch (RuntimeException e) {
      TemplateFunctions.RaisedException raised = findRaised(e);
      if (raised != null) {
        throw raisedError(raised);
      }
      throw new ChatTemplateException("chat template failed to render: " + e.getMessage(), false, e);
    }
    failOnFatalErrors(interpreter.getErrorsCopy(), "render");
    return output;
  }

  private static void failOnFatalErrors(List<TemplateError> errors, String phase) {
    for (TemplateError error : errors) {
      TemplateFunctions.RaisedException raised = findRaised(error.getException());
      if (raised != null) {
        throw raisedError(raised);
      }
    }
    List<String> fatal = new ArrayList<>();
    Throwable cause = null;
    for (TemplateError error : errors) {
      if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
        fatal.add("line " + error.getLineno() + ": " + error.getMessage());
        cause = cause == null ? error.getException() : cause;
      }
    }
    if (!fatal.isEmpty()) {
      throw new ChatTemplateException("chat template failed to " + phase + " (" + String.join("; ", fatal)
          + "). The template uses Jinja that logprobs4j's renderer does not support or is invalid;"
          + " fix the template or use ChatTemplate.plain()", false, cause);
    }
  }

  private static ChatTemplateException raisedError(TemplateFunctions.RaisedException raised) {
    return new ChatTemplateException("chat template rejected the messages: raise_exception(\""
        + raised.getMessage() + "\")", true, raised);
  }

  private static TemplateFunctions.RaisedException findRaised(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof TemplateFunctions.RaisedException r) {
        return r;
      }
    }
    return null;
  }

  /**
   * A fresh interpreter and context for one parse or render, under the shared read-only registry.
   * Jinjava's own {@code newInterpreter()} copies every built-in filter and function into a new
   * root context (about 0.35 ms, more than rendering a whole chat prompt takes).
   */
  private static JinjavaInterpreter newInterpreter(Map<String, Object> bindings) {
    Context context = new Context(REGISTRY, bindings, CONFIG.getDisabled());
    return new JinjavaInterpreter(JINJAVA, context, CONFIG);
  }

  /**
   * The root context every render's context hangs under: Jinjava's built-ins plus transformers'
   * extras, never written after construction. Jinjava contexts report resolved expressions,
   * values, functions and dependencies to their parents (for HubSpot's caching); this root drops
   * those reports, so concurrent renders neither race on its sets nor grow them without bound.
   */
  private static final class RegistryContext extends Context {
    RegistryContext() {
      super(null, null, CONFIG.getDisabled(), true);
      registerFilter(new TemplateFunctions.TojsonFilter());
      registerTag(new TemplateFunctions.GenerationTag());
      // Created lazily on first lookup otherwise, which would be a write during renders.
      getGlobalMacros();
    }

    @Override
    public void addResolvedExpression(String expression) {}

    @Override
    public void addResolvedValue(String value) {}

    @Override
    public void addResolvedFunction(String function) {}

    @Override
    public void addDependency(String type, String identification) {}

    @Override
    public void addDependencies(SetMultimap<String, String> dependencies) {}
  }

  /** Jinjava with transformers' global functions (function calls resolve against its global context only). */
  private static Jinjava createJinjava() {
    Jinjava jinjava = new Jinjava(CONFIG);
    jinjava.registerFunction(new ELFunctionDefinition("", "raise_exception",
        TemplateFunctions.class, "raiseException", Object.class));
    jinjava.registerFunction(new ELFunctionDefinition("", "strftime_now",
        TemplateFunctions.class, "strftimeNow", String.class));
    return jinjava;
  }

  private static JinjavaConfig createConfig() {
    CompositeELResolver resolver = new CompositeELResolver();
    resolver.add(new PythonMethodResolver());
    resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
    return JinjavaConfig.newBuilder()
        // transformers renders with ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True).
        .withTrimBlocks(true)
        .withLstripBlocks(true)
        // Source-level trailing-newline handling lives in TemplateSource, as in Jinja2.
        .withKeepTrailingNewline(true)
        .withFailOnUnknownTokens(false)
        .withMaxOutputSize(MAX_OUTPUT_CHARS)
        .withElResolver(resolver)
        .withLegacyOverrides(LegacyOverrides.newBuilder()
            .withUsePyishObjectMapper(true)
            .withUseSnakeCasePropertyNaming(false)
            .withKeepNullableLoopValues(true)
            .withParseWhitespaceControlStrictly(true)
            .withUseNaturalOperatorPrecedence(true)
            .withUseTrimmingForNotesAndExpressions(true)
            .withEvaluateMapKeys(true)
            .withHandleBackslashInQuotesOnly(true)
            .withAllowAdjacentTextNodes(true)
            .build())
        .build();
  }
}
