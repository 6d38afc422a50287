package dev.logprobs4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Converts the Hugging Face tokenizer.json of a SentencePiece BPE model (Gemma 3's, with
 * byte fallback) into the {@link Vocabulary} llama.cpp's convert_hf_to_gguf.py writes from the
 * model's tokenizer.model: {@code tokenizer.ggml.model = llama}, no space prefix, byte pieces
 * {@code <0xNN>} of type BYTE, {@code <unk>} UNKNOWN, added tokens CONTROL when special or
 * special-looking and USER_DEFINED otherwise (with score -1000 and {@code ▁} written as a space,
 * as the converter pre-normalises them), the rest NORMAL.
 *
 * <p>tokenizer.json carries no piece scores. A SentencePiece BPE model lists its pieces in
 * descending score order (the trainer scores each new piece below the previous one), and Hugging
 * Face derives the merge order from the same ids, so score {@code -id} gives every NORMAL piece
 * the priority it has in tokenizer.model.
 */
final class SentencePieceJson {

    private SentencePieceJson() {}

    static Vocabulary read(Path tokenizerJson) {
        try {
            JsonNode root = new ObjectMapper().readTree(tokenizerJson.toFile());
            JsonNode model = root.get("model");
            if (!"BPE".equals(model.path("type").asText()) || !model.path("byte_fallback").asBoolean()) {
                throw new IllegalArgumentException(tokenizerJson + ": model must be BPE with byte_fallback");
            }
            int n = 0;
            for (Map.Entry<String, JsonNode> e : model.get("vocab").properties()) {
                n = Math.max(n, e.getValue().asInt() + 1);
            }
            String[] tokens = new String[n];
            float[] scores = new float[n];
            int[] types = new int[n];
            for (Map.Entry<String, JsonNode> e : model.get("vocab").properties()) {
                int id = e.getValue().asInt();
                String piece = e.getKey();
                tokens[id] = piece;
                scores[id] = -id;
                types[id] = piece.matches("<0x[0-9A-F]{2}>") ? Vocabulary.TYPE_BYTE : Vocabulary.TYPE_NORMAL;
            }
            String unk = model.path("unk_token").asText("<unk>");
            int bos = -1;
            int eos = -1;
            int unkId = -1;
            for (JsonNode added : root.path("added_tokens")) {
                int id = added.get("id").asInt();
                String content = added.get("content").asText();
                if (id >= n) {
                    continue; // as the converter skips them: the image token lies beyond Gemma 3 1B's 262,144 pieces
                }
                scores[id] = -1000f;
                if (content.equals(unk)) {
                    types[id] = Vocabulary.TYPE_UNKNOWN;
                    scores[id] = 0f;
                    unkId = id;
                } else if (added.path("special").asBoolean() || TokenizerJson.looksSpecial(content)) {
                    types[id] = Vocabulary.TYPE_CONTROL;
                    tokens[id] = content;
                } else {
                    types[id] = Vocabulary.TYPE_USER_DEFINED;
                    tokens[id] = content.replace('\u2581', ' ');
                }
                if (content.equals("<bos>")) {
                    bos = id;
                } else if (content.equals("<eos>")) {
                    eos = id;
                }
            }
            for (int i = 0; i < n; i++) {
                if (tokens[i] == null) {
                    tokens[i] = "[PAD" + i + "]";
                    types[i] = Vocabulary.TYPE_UNUSED;
                }
            }
            return new Vocabulary(Vocabulary.Model.SENTENCEPIECE, "", tokens, scores, types, null, bos, eos, -1, -1, unkId,
                    true, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
