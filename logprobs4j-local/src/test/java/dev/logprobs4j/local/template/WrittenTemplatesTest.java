package dev.logprobs4j.local.template;

import static dev.logprobs4j.local.template.TemplateMessage.assistant;
import static dev.logprobs4j.local.template.TemplateMessage.system;
import static dev.logprobs4j.local.template.TemplateMessage.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Short templates in the styles of well-known model families (ChatML, Mistral [INST], Gemma) and
 * Jinja2 features they rely on; expected prompts are worked out by hand from each template.
 */
class WrittenTemplatesTest {

  static final String CHATML = "{% for message in messages %}"
      + "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
      + "{% endfor %}"
      + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

  static final String MISTRAL = "{{ bos_token }}{% for message in messages %}"
      + "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
      + "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
      + "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}"
      + "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token }}"
      + "{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}"
      + "{% endfor %}";

  static final String GEMMA = "{{ bos_token }}{% if messages[0]['role'] == 'system' %}"
      + "{{ raise_exception('System role not supported') }}{% endif %}"
      + "{% for message in messages %}"
      + "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
      + "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
      + "{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}"
      + "{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}"
      + "{% endfor %}"
      + "{% if add_generation_prompt %}{{'<start_of_turn>model\\n'}}{% endif %}";

  @Test
  void chatMlRendersEachTurnAndTheGenerationPrompt() {
    ChatTemplate template = ChatTemplate.of(CHATML, null, "<|im_end|>");
    List<TemplateMessage> messages = List.of(system("Be brief."), user("Hi"), assistant("Hello"), user("Bye"));
    String turns = "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
        + "<|im_start|>assistant\nHello<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n";
    assertThat(template.render(messages, false)).isEqualTo(turns);
    assertThat(template.render(messages, true)).isEqualTo(turns + "<|im_start|>assistant\n");
  }

  @Test
  void mistralWrapsUserTurnsInInstAndEndsAssistantTurnsWithEos() {
    String prompt = ChatTemplate.of(MISTRAL, "<s>", "</s>")
        .render(List.of(user("Hi"), assistant("Hello"), user("How are you?")), true);
    assertThat(prompt).isEqualTo("<s>[INST] Hi [/INST]Hello</s>[INST] How are you? [/INST]");
  }

  @Test
  void mistralRejectsNonAlternatingRolesThroughRaiseException() {
    ChatTemplate template = ChatTemplate.of(MISTRAL, "<s>", "</s>");
    assertThatThrownBy(() -> template.render(List.of(user("a"), user("b")), true))
        .isInstanceOf(ChatTemplateException.class)
        .hasMessage("chat template rejected the messages: raise_exception(\""
            + "Conversation roles must alternate user/assistant/user/assistant/...\")")
        .satisfies(e -> assertThat(((ChatTemplateException) e).raisedByTemplate()).isTrue());
  }

  @Test
  void gemmaRenamesAssistantToModelAndTrimsContent() {
    String prompt = ChatTemplate.of(GEMMA, "<bos>", "<eos>")
        .render(List.of(user(" Hi\n"), assistant("Hello"), user("Bye")), true);
    assertThat(prompt).isEqualTo("<bos><start_of_turn>user\nHi<end_of_turn>\n"
        + "<start_of_turn>model\nHello<end_of_turn>\n"
        + "<start_of_turn>user\nBye<end_of_turn>\n"
        + "<start_of_turn>model\n");
  }

  @Test
  void gemmaRejectsSystemMessagesWithTheTemplatesMessage() {
    ChatTemplate template = ChatTemplate.of(GEMMA, "<bos>", "<eos>");
    assertThatThrownBy(() -> template.render(List.of(system("s"), user("u")), true))
        .isInstanceOf(ChatTemplateException.class)
        .hasMessageContaining("raise_exception(\"System role not supported\")");
  }

  @Test
  void blockLinesVanishWithTrimBlocksAndLstripBlocks() {
    String source = """
        {% for message in messages %}
            {% if message.role == 'user' %}
        User: {{ message.content }}
            {% else %}
        Bot: {{ message.content }}
            {% endif %}
        {% endfor %}
        {% if add_generation_prompt %}
        Bot:
        {% endif %}
        """;
    String prompt = ChatTemplate.of(source, null, null).render(List.of(user("Hi"), assistant("Hello")), true);
    assertThat(prompt).isEqualTo("User: Hi\nBot: Hello\nBot:\n");
  }

  @Test
  void dashesStripWhitespaceAroundTagsAndExpressions() {
    String source = "A  \n  {{- ' B ' -}}  \n  C\n  {%- if true -%}\n  D  {%- endif %}";
    assertThat(ChatTemplate.of(source, null, null).render(List.of(), false)).isEqualTo("A B CD");
  }

  @Test
  void oneTrailingNewlineOfTheSourceIsDropped() {
    assertThat(ChatTemplate.of("x\n\n", null, null).render(List.of(), false)).isEqualTo("x\n");
    assertThat(ChatTemplate.of("x\r\n", null, null).render(List.of(), false)).isEqualTo("x");
  }

  @Test
  void strftimeNowIsDefinedAndFormatsTodaysDate() {
    // Llama 3.2's preamble: falls back to a fixed date only where strftime_now is undefined.
    String source = "{%- if not date_string is defined %}{%- if strftime_now is defined %}"
        + "{%- set date_string = strftime_now('%d %b %Y') %}{%- else %}{%- set date_string = '26 Jul 2024' %}"
        + "{%- endif %}{%- endif %}Today Date: {{ date_string }}";
    DateTimeFormatter python = DateTimeFormatter.ofPattern("dd MMM yyyy", Locale.ENGLISH);
    String before = LocalDate.now().format(python);
    String prompt = ChatTemplate.of(source, null, null).render(List.of(), false);
    String after = LocalDate.now().format(python);
    assertThat(prompt).isIn("Today Date: " + before, "Today Date: " + after);
  }

  @Test
  void tojsonWritesPythonJsonDumpsLayout() {
    String source = "{{ {'name': 'get_weather', 'parameters': {'type': 'object', 'required': ['city']}, 'n': []}"
        + " | tojson }}\n{{ {'name': 'f', 'args': [1, 2.5]} | tojson(indent=4) }}";
    assertThat(ChatTemplate.of(source, null, null).render(List.of(), false)).isEqualTo(
        "{\"name\": \"get_weather\", \"parameters\": {\"type\": \"object\", \"required\": [\"city\"]}, \"n\": []}\n"
            + "{\n    \"name\": \"f\",\n    \"args\": [\n        1,\n        2.5\n    ]\n}");
  }

  @Test
  void namespaceAttributesAssignedInLoopsSurviveTheLoop() {
    String source = "{% set ns = namespace(found=false, count=messages|length - 1) %}"
        + "{% for m in messages %}{% if m.role == 'assistant' %}{% set ns.found = true %}"
        + "{% set ns.count = ns.count + 10 %}{% endif %}{% endfor %}{{ ns.found }} {{ ns.count }}";
    String out = ChatTemplate.of(source, null, null).render(List.of(user("a"), assistant("b"), user("c")), false);
    assertThat(out).isEqualTo("true 12");
  }

  @Test
  void loopVariablesSlicesAndPythonStringMethods() {
    String source = "{% for m in messages[1:] %}{{ loop.index0 }}{{ 'F' if loop.first }}{{ 'L' if loop.last }}"
        + "={{ m.content.strip().split(',')|join('+') }};{% endfor %}"
        + "|{{ messages[::-1]|map(attribute='role')|join(',') }}|{{ messages[0]['role'] }}"
        + "|{{ messages[0].content.startswith(' x') }}{{ messages[0].content.endswith(('q', 'y ')) }}"
        + "|{{ messages[-1].content.lstrip('a') }}|{{ messages[-1].content.rstrip(',b') }}"
        + "|{{ tools is defined }}{{ documents is defined }}|{{ messages|length }}";
    List<TemplateMessage> messages = List.of(system(" x,y "), user("a,b"), assistant("aab,"));
    // Jinja2 would print booleans as True/False; Jinjava prints true/false (a documented gap).
    assertThat(ChatTemplate.of(source, null, null).render(messages, false))
        .isEqualTo("0F=a+b;1L=aab+;|assistant,user,system|system|truetrue|b,|aa|falsefalse|3");
  }

  @Test
  void generationMarkerTagRendersItsBody() {
    String source = "{% for m in messages %}{% generation %}[{{ m.content }}]{% endgeneration %}{% endfor %}";
    assertThat(ChatTemplate.of(source, null, null).render(List.of(assistant("x")), false)).isEqualTo("[x]");
  }

  @Test
  void undefinedBosTokenRendersEmpty() {
    assertThat(ChatTemplate.of("{{ bos_token }}|{{ eos_token }}", null, "E").render(List.of(), false)).isEqualTo("|E");
  }

  @Test
  void unclosedBlockFailsAtCreationNamingTheLine() {
    assertThatThrownBy(() -> ChatTemplate.of("ok\n{% for m in messages %}{{ m.content }}", null, null))
        .isInstanceOf(ChatTemplateException.class)
        .hasMessageContaining("failed to parse")
        .hasMessageContaining("line 2")
        .hasMessageContaining("endfor")
        .satisfies(e -> assertThat(((ChatTemplateException) e).raisedByTemplate()).isFalse());
  }

  @Test
  void unsupportedMethodFailsAtRenderNamingIt() {
    ChatTemplate template = ChatTemplate.of("{{ messages[0].content.casefold() }}", null, null);
    assertThatThrownBy(() -> template.render(List.of(user("x")), false))
        .isInstanceOf(ChatTemplateException.class)
        .hasMessageContaining("failed to render")
        .hasMessageContaining("casefold");
  }

  @Test
  void messagesAreValidated() {
    assertThatThrownBy(() -> new TemplateMessage(" ", "x")).hasMessageContaining("role must not be blank");
    assertThatThrownBy(() -> new TemplateMessage("user", null)).hasMessageContaining("content must not be null");
  }
}
