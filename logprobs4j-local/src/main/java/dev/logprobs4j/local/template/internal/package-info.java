/**
 * Implementation of chat templates, not API. {@code JinjaChatRenderer} drives Jinjava;
 * {@code TemplateSource} rewrites Jinja2 syntax Jinjava lacks (extended slices, newline rules);
 * {@code PythonMethodResolver}, {@code PyStr}, {@code PyJson} and {@code PyStrftime} give
 * templates Python's string methods, {@code json.dumps} and {@code strftime};
 * {@code TemplateFunctions} holds transformers' globals, filter and tag; {@code PlainChatRenderer}
 * is the no-template fallback.
 */
package dev.logprobs4j.local.template.internal;
