package dev.logprobs4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Converts a Hugging Face byte-level BPE tokenizer.json (plus tokenizer_config.json beside it) into
 * the {@link Vocabulary} llama.cpp's convert_hf_to_gguf.py would write: added tokens that are
 * special or look special become control tokens, the other added tokens user-defined, missing ids
 * {@code [PADn]}.
 */
final class TokenizerJson {
    /** The vocabulary and whether tokenizer_config.json set add_bos_token (null when absent). */
    record Converted(Vocabulary vocabulary, Boolean addBosToken) {
    }

    private TokenizerJson() {
    }

    static Converted read(Path tokenizerJson, String pre) {
        try {
            ObjectMapper mapper = new ObjectMapper();
            JsonNode root = mapper.readTree(tokenizerJson.toFile());
            Path configPath = tokenizerJson.resolveSibling("tokenizer_config.json");
            JsonNode config = Files.exists(configPath) ? mapper.readTree(configPath.toFile()) : mapper.createObjectNode();
            JsonNode model = root.get("model");
            if (!"BPE".equals(model.path("type").asText())) {
                throw new IllegalArgumentException(tokenizerJson + ": model.type must be BPE");
            }
            Map<Integer, String> byId = new HashMap<>();
            Map<Integer, Integer> typeById = new HashMap<>();
            int max = -1;
            for (Map.Entry<String, JsonNode> e : model.get("vocab").properties()) {
                int id = e.getValue().asInt();
                byId.put(id, e.getKey());
                typeById.put(id, Vocabulary.TYPE_NORMAL);
                max = Math.max(max, id);
            }
            for (JsonNode added : root.path("added_tokens")) {
                int id = added.get("id").asInt();
                String content = added.get("content").asText();
                byId.put(id, content);
                boolean control = added.path("special").asBoolean() || looksSpecial(content);
                typeById.put(id, control ? Vocabulary.TYPE_CONTROL : Vocabulary.TYPE_USER_DEFINED);
                max = Math.max(max, id);
            }
            String[] tokens = new String[max + 1];
            int[] types = new int[max + 1];
            Map<String, Integer> idOf = new HashMap<>();
            for (int i = 0; i <= max; i++) {
                String t = byId.get(i);
                if (t == null) {
                    tokens[i] = "[PAD" + i + "]";
                    types[i] = Vocabulary.TYPE_USER_DEFINED;
                } else {
                    tokens[i] = t;
                    types[i] = typeById.get(i);
                }
                idOf.put(tokens[i], i);
            }
            JsonNode mergesNode = model.get("merges");
            String[] merges = new String[mergesNode.size()];
            for (int i = 0; i < merges.length; i++) {
                JsonNode m = mergesNode.get(i);
                merges[i] = m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText();
            }
            int bos = idOf.getOrDefault(tokenText(config.get("bos_token")), -1);
            int eos = idOf.getOrDefault(tokenText(config.get("eos_token")), -1);
            if (bos < 0) {
                // Qwen has no BOS in its config; its GGUF files carry <|endoftext|> as BOS.
                bos = idOf.getOrDefault("<|endoftext|>", -1);
            }
            Boolean addBosToken = config.has("add_bos_token") ? config.get("add_bos_token").asBoolean() : null;
            boolean addBos = addBosToken != null ? addBosToken : pre.equals("llama-bpe");
            Vocabulary v = new Vocabulary(Vocabulary.Model.BYTE_LEVEL_BPE, pre, tokens, null, types, merges, bos, eos, -1,
                    -1, -1, addBos, false);
            return new Converted(v, addBosToken);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tokenText(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return node.isTextual() ? node.asText() : node.path("content").asText(null);
    }

    /** convert_hf_to_gguf.py's does_token_look_special. */
    static boolean looksSpecial(String t) {
        return t.equals("<pad>") || t.equals("<mask>") || t.equals("<2mass>") || t.equals("[@BOS@]")
                || (t.startsWith("<|") && t.endsWith("|>"))
                || (t.startsWith("<\uFF5C") && t.endsWith("\uFF5C>"))
                || (t.startsWith("<unused") && t.endsWith(">"));
    }
}
