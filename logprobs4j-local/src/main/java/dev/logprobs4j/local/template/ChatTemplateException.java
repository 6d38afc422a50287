package dev.logprobs4j.local.template;

/**
 * Failure to parse or render a chat template: a syntax error in the Jinja source, a construct
 * the renderer does not support, or the template's own {@code raise_exception(...)} rejecting
 * the messages (then {@link #raisedByTemplate()} is true). Immutable.
 */
public final class ChatTemplateException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final boolean raisedByTemplate;

  /** An exception with {@code message}; {@code raisedByTemplate} says whether the template called raise_exception. */
  public ChatTemplateException(String message, boolean raisedByTemplate, Throwable cause) {
    super(message, cause);
    this.raisedByTemplate = raisedByTemplate;
  }

  /** Whether the template itself called {@code raise_exception(...)} (as opposed to a template error). */
  public boolean raisedByTemplate() {
    return raisedByTemplate;
  }
}
