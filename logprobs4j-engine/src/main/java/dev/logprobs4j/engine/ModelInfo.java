package dev.logprobs4j.engine;

import dev.logprobs4j.engine.internal.ModelLoader;
import dev.logprobs4j.engine.tensor.WeightMatrices;
import dev.logprobs4j.gguf.GgmlType;
import dev.logprobs4j.gguf.GgufFile;
import dev.logprobs4j.gguf.GgufMetadata;
import dev.logprobs4j.gguf.GgufTensorInfo;
import dev.logprobs4j.tokenizer.Vocabulary;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a GGUF file holds and whether this engine can run it, read from its header alone (no
 * weights are touched). {@link Model#load} refuses a file whose {@link #unsupported()} list is not
 * empty with the same names. Immutable and thread-safe.
 *
 * @param architecture {@code general.architecture}
 * @param parameterCount elements of all tensors together
 * @param tensorTypes number of tensors of each type, in ggml id order
 * @param contextLength {@code {arch}.context_length}, or -1 when absent
 * @param chatTemplateFirstLine first non-blank line of {@code tokenizer.chat_template}, or empty
 * @param specialTokens special token roles ({@code bos}, {@code eos}, {@code eot}, ...) to
 *     {@code id 'text'}, in a fixed role order
 * @param unsupported each part this engine cannot run, naming it and what is supported instead
 */
public record ModelInfo(
        String architecture,
        long parameterCount,
        Map<GgmlType, Integer> tensorTypes,
        int contextLength,
        String chatTemplateFirstLine,
        Map<String, String> specialTokens,
        List<String> unsupported) {

    private static final List<String> ROLES = List.of("bos", "eos", "eot", "eom", "unknown", "padding", "separator");

    /** Copies the collections. */
    public ModelInfo {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(chatTemplateFirstLine, "chatTemplateFirstLine");
        tensorTypes = Collections.unmodifiableMap(new EnumMap<>(tensorTypes));
        specialTokens = Collections.unmodifiableMap(new LinkedHashMap<>(specialTokens));
        unsupported = List.copyOf(unsupported);
    }

    /** Whether every part of the file is supported, i.e. {@link #unsupported()} is empty. */
    public boolean supported() {
        return unsupported.isEmpty();
    }

    /** The architectures the engine runs. */
    public static Set<String> supportedArchitectures() {
        return Collections.unmodifiableSet(new TreeSet<>(ModelLoader.SUPPORTED));
    }

    /** Reads the header of an open file. */
    public static ModelInfo of(GgufFile gguf) {
        GgufMetadata m = gguf.metadata();
        String arch = m.findString("general.architecture").orElse("");
        long params = 0;
        Map<GgmlType, Integer> types = new EnumMap<>(GgmlType.class);
        for (GgufTensorInfo t : gguf.tensors()) {
            params += t.elementCount();
            types.merge(t.type(), 1, Integer::sum);
        }
        List<String> unsupported = new ArrayList<>();
        if (!ModelLoader.SUPPORTED.contains(arch)) {
            unsupported.add("architecture '" + arch + "' (supported: " + String.join(", ", supportedArchitectures()) + ")");
        }
        String supportedTypes = WeightMatrices.SUPPORTED.stream().map(GgmlType::name).collect(Collectors.joining(", "));
        types.forEach((type, count) -> {
            if (!WeightMatrices.SUPPORTED.contains(type)) {
                unsupported.add("tensor type " + type + " (" + count + (count == 1 ? " tensor" : " tensors") + "; supported: "
                        + supportedTypes + ")");
            }
        });
        Optional<String> scaling = m.findString(arch + ".rope.scaling.type");
        if (scaling.isPresent() && !scaling.get().equals("none") && !scaling.get().equals("linear")) {
            unsupported.add("rope scaling '" + scaling.get()
                    + "' (supported: none, linear, and Llama 3 frequency factors in rope_freqs.weight)");
        }
        Map<String, String> special = new LinkedHashMap<>();
        try {
            Vocabulary vocab = Vocabulary.fromGguf(gguf);
            String[] tokens = m.getStringArray("tokenizer.ggml.tokens");
            for (String role : ROLES) {
                OptionalInt id = roleId(m, vocab, role);
                if (id.isPresent() && id.getAsInt() >= 0 && id.getAsInt() < tokens.length) {
                    special.put(role, id.getAsInt() + " '" + tokens[id.getAsInt()] + "'");
                }
            }
        } catch (IllegalArgumentException | dev.logprobs4j.gguf.GgufFormatException e) {
            String message = e.getMessage();
            String prefix = gguf.path() + ": ";
            unsupported.add("tokenizer: " + (message.startsWith(prefix) ? message.substring(prefix.length()) : message));
        }
        String template = m.findString("tokenizer.chat_template").orElse("");
        String firstLine = template.lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
        return new ModelInfo(arch, params, types, m.findInt(arch + ".context_length").orElse(-1), firstLine, special,
                unsupported);
    }

    private static OptionalInt roleId(GgufMetadata m, Vocabulary vocab, String role) {
        return switch (role) {
            case "bos" -> vocab.bosId() >= 0 ? OptionalInt.of(vocab.bosId()) : OptionalInt.empty();
            case "eos" -> vocab.eosId() >= 0 ? OptionalInt.of(vocab.eosId()) : OptionalInt.empty();
            case "unknown" -> m.findInt("tokenizer.ggml.unknown_token_id");
            default -> m.findInt("tokenizer.ggml." + role + "_token_id");
        };
    }

    /**
     * The message {@link Model#load} throws for a file with unsupported parts, or empty. The
     * tokenizer is left out: the engine runs on token ids, only chat and scoring need it.
     */
    String engineRefusal() {
        List<String> parts = unsupported.stream().filter(u -> !u.startsWith("tokenizer:")).toList();
        return parts.isEmpty() ? "" : "this engine cannot run the file: " + String.join("; ", parts);
    }
}
