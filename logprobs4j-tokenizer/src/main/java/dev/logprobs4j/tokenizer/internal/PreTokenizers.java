package dev.logprobs4j.tokenizer.internal;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The byte-level BPE pre-tokenizers known by {@code tokenizer.ggml.pre} name, with the flags
 * llama.cpp ties to each name. Stateless, thread-safe.
 */
public final class PreTokenizers {

    /**
     * How one {@code tokenizer.ggml.pre} value tokenizes.
     *
     * @param splitter the chunking
     * @param ignoreMerges whether a chunk that is itself a token skips merging (Llama 3)
     * @param addBosDefault whether BOS is added by default when the file does not say
     */
    public record Spec(PreTokenizer splitter, boolean ignoreMerges, boolean addBosDefault) {
    }

    private static final Set<String> LLAMA3 = Set.of("llama3", "llama-v3", "llama-bpe", "falcon3");
    private static final Set<String> LLAMA3_REGEX = Set.of("dbrx", "smaug-bpe");
    private static final Set<String> QWEN2 = Set.of("qwen2", "deepseek-r1-qwen", "megrez", "stablelm2");
    private static final Set<String> GPT2 = Set.of("gpt-2", "gpt2", "phi-2", "jina-es", "jina-de", "gigachat",
            "jina-v1-en", "jina-v2-es", "jina-v2-de", "jina-v2-code", "roberta-bpe", "mpt", "olmo", "jais");
    private static final Set<String> DEFAULT = Set.of("", "default");

    private static final PreTokenizer DEFAULT_CHAIN = new ChainSplitter(List.of(
            new RegexSplitter(Pattern.compile("[\\p{P}\\$\\+<=>\\^~\\|]+")),
            new Gpt2Splitter(),
            new RegexSplitter(Pattern.compile("\\p{N}+")),
            new RegexSplitter(Pattern.compile("[0-9][0-9][0-9]"))));

    private PreTokenizers() {
    }

    /**
     * Returns the pre-tokenizer for a {@code tokenizer.ggml.pre} value.
     *
     * @throws IllegalArgumentException naming the value and listing the supported ones
     */
    public static Spec forName(String name) {
        if (LLAMA3.contains(name)) {
            return new Spec(new Llama3Splitter(3), true, true);
        }
        if (LLAMA3_REGEX.contains(name)) {
            return new Spec(new Llama3Splitter(3), false, false);
        }
        if (QWEN2.contains(name)) {
            return new Spec(new Llama3Splitter(1), false, false);
        }
        if (GPT2.contains(name)) {
            return new Spec(new Gpt2Splitter(), false, false);
        }
        if (DEFAULT.contains(name)) {
            return new Spec(DEFAULT_CHAIN, false, false);
        }
        throw new IllegalArgumentException("tokenizer.ggml.pre = '" + name
                + "' is not a supported pre-tokenizer; supported values are " + supported()
                + " (an absent value means 'default')");
    }

    /** Returns every supported name, sorted. */
    public static Set<String> supported() {
        Set<String> all = new TreeSet<>();
        all.addAll(LLAMA3);
        all.addAll(LLAMA3_REGEX);
        all.addAll(QWEN2);
        all.addAll(GPT2);
        all.add("default");
        return all;
    }
}
