/**
 * Chat templates: {@link dev.logprobs4j.local.template.ChatTemplate} turns
 * {@link dev.logprobs4j.local.template.TemplateMessage}s into a model's prompt text, either with
 * the HuggingFace Jinja template stored in a GGUF file or with a plain-text fallback; failures
 * are {@link dev.logprobs4j.local.template.ChatTemplateException}s. The Jinja engine (Jinjava)
 * and the bridges that make it behave like Python's Jinja2 live in {@code .internal}.
 */
package dev.logprobs4j.local.template;
