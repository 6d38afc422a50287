package dev.logprobs4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Options of a chat call: immutable. Unset options are {@code null} and leave the provider's
 * default; {@link #merge(ChatOptions)} lays one set over another, which is how
 * {@link ChatModel#bind(ChatOptions) bound} options and per-call options combine.
 *
 * @param logprobs    return the log probability of each generated token
 * @param topLogprobs also return this many most likely alternatives per position (0..20)
 * @param temperature sampling temperature (>= 0; 0 is greedy)
 * @param topP        nucleus sampling mass (0..1]
 * @param seed        seed for reproducible sampling
 * @param maxTokens   the most tokens to generate (>= 1)
 * @param stop        stop sequences (empty for none)
 * @param n           how many answers to generate (>= 1)
 * @param extra       provider-specific fields sent as they are, by wire name; never null
 * @param responseFormat the shape the answer must have (OpenAI's {@code response_format}), or {@code null}
 */
public record ChatOptions(Boolean logprobs, Integer topLogprobs, Double temperature, Double topP, Long seed,
                          Integer maxTokens, List<String> stop, Integer n, Map<String, Object> extra,
                          ResponseFormat responseFormat) {

    /** The most alternatives OpenAI-shaped APIs return per position. */
    public static final int MAX_TOP_LOGPROBS = 20;

    /** No options set. */
    public static final ChatOptions NONE = builder().build();

    /** Wire names of the typed options: they must be set through the builder, not {@code extra}. */
    private static final Set<String> TYPED_WIRE_NAMES = Set.of("logprobs", "top_logprobs", "temperature", "top_p",
            "seed", "max_tokens", "max_completion_tokens", "stop", "n", "response_format");

    public ChatOptions {
        if (topLogprobs != null && (topLogprobs < 0 || topLogprobs > MAX_TOP_LOGPROBS)) {
            throw new IllegalArgumentException("topLogprobs must be within [0, " + MAX_TOP_LOGPROBS + "], was " + topLogprobs);
        }
        if (temperature != null && !(temperature >= 0 && Double.isFinite(temperature))) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0, was " + temperature);
        }
        if (topP != null && !(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be within (0, 1], was " + topP);
        }
        if (maxTokens != null && maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1, was " + maxTokens);
        }
        if (n != null && n < 1) {
            throw new IllegalArgumentException("n must be >= 1, was " + n);
        }
        stop = stop == null ? null : List.copyOf(stop);
        if (stop != null && stop.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("stop sequences must not be empty strings");
        }
        extra = extra == null ? Map.of() : dev.logprobs4j.internal.MergeDicts.immutableCopy(extra);
        for (String key : extra.keySet()) {
            if (TYPED_WIRE_NAMES.contains(key)) {
                throw new IllegalArgumentException("extra option '" + key + "' has a typed setter: use ChatOptions.builder()."
                        + camel(key) + "(...) instead");
            }
        }
    }

    /** Options without a response format (the constructor before {@code responseFormat} was added). */
    public ChatOptions(Boolean logprobs, Integer topLogprobs, Double temperature, Double topP, Long seed,
                       Integer maxTokens, List<String> stop, Integer n, Map<String, Object> extra) {
        this(logprobs, topLogprobs, temperature, topP, seed, maxTokens, stop, n, extra, null);
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.logprobs = logprobs;
        b.topLogprobs = topLogprobs;
        b.temperature = temperature;
        b.topP = topP;
        b.seed = seed;
        b.maxTokens = maxTokens;
        b.stop = stop;
        b.n = n;
        b.extra.putAll(extra);
        b.responseFormat = responseFormat;
        return b;
    }

    /** These options with every option that {@code override} sets replaced by its value; extra maps merge key by key. */
    public ChatOptions merge(ChatOptions override) {
        if (override == null || override.equals(NONE)) {
            return this;
        }
        Map<String, Object> mergedExtra = new LinkedHashMap<>(extra);
        mergedExtra.putAll(override.extra);
        return new ChatOptions(
                pick(override.logprobs, logprobs), pick(override.topLogprobs, topLogprobs),
                pick(override.temperature, temperature), pick(override.topP, topP), pick(override.seed, seed),
                pick(override.maxTokens, maxTokens), pick(override.stop, stop), pick(override.n, n), mergedExtra,
                pick(override.responseFormat, responseFormat));
    }

    /** Whether logprobs are requested ({@code logprobs(true)}). */
    public boolean wantsLogprobs() {
        return Boolean.TRUE.equals(logprobs);
    }

    /**
     * Checks the options that only make sense together, once binds and per-call options are merged.
     *
     * @throws IllegalArgumentException when {@code topLogprobs} is set without {@code logprobs(true)}
     */
    public ChatOptions validateCombination() {
        if (topLogprobs != null && topLogprobs > 0 && !wantsLogprobs()) {
            throw new IllegalArgumentException("topLogprobs(" + topLogprobs + ") needs logprobs(true) as well");
        }
        return this;
    }

    private static <T> T pick(T override, T base) {
        return override != null ? override : base;
    }

    private static String camel(String wire) {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : wire.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        String s = out.toString();
        return s.equals("maxCompletionTokens") ? "maxTokens" : s;
    }

    /** Builds {@link ChatOptions}; not thread-safe. Every option defaults to unset (the provider's default). */
    public static final class Builder {
        private Boolean logprobs;
        private Integer topLogprobs;
        private Double temperature;
        private Double topP;
        private Long seed;
        private Integer maxTokens;
        private List<String> stop;
        private Integer n;
        private final Map<String, Object> extra = new LinkedHashMap<>();
        private ResponseFormat responseFormat;

        private Builder() {
        }

        /** Return each token's log probability. Default: unset (the provider's default, usually false). */
        public Builder logprobs(boolean logprobs) {
            this.logprobs = logprobs;
            return this;
        }

        /** Return this many most likely alternatives per position, 0..20; needs {@code logprobs(true)}. Default: unset. */
        public Builder topLogprobs(int topLogprobs) {
            this.topLogprobs = topLogprobs;
            return this;
        }

        /** Sampling temperature, >= 0 (0 is greedy). Default: unset (the provider's default, usually 1). */
        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        /** Nucleus sampling mass in (0, 1]. Default: unset (1). */
        public Builder topP(double topP) {
            this.topP = topP;
            return this;
        }

        /** Seed for reproducible sampling. Default: unset (random). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The most tokens to generate, >= 1. Default: unset (the provider's limit). */
        public Builder maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /** Stop sequences. Default: unset (none). */
        public Builder stop(List<String> stop) {
            this.stop = stop;
            return this;
        }

        /** Stop sequences. Default: unset (none). */
        public Builder stop(String... stop) {
            return stop(List.of(stop));
        }

        /** Number of answers, >= 1. Default: unset (1). */
        public Builder n(int n) {
            this.n = n;
            return this;
        }

        /** A provider-specific field sent as it is (e.g. vLLM's {@code prompt_logprobs}). Default: none. */
        public Builder extra(String wireName, Object value) {
            this.extra.put(wireName, value);
            return this;
        }

        /**
         * The shape the answer must have, e.g. {@link ResponseFormat#jsonSchema}. Default: unset (free text).
         * The local engine enforces it with a token mask while decoding.
         */
        public Builder responseFormat(ResponseFormat responseFormat) {
            this.responseFormat = responseFormat;
            return this;
        }

        /** Provider-specific fields sent as they are. Default: none. */
        public Builder extra(Map<String, ?> fields) {
            this.extra.putAll(fields);
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException naming the option and its rule when a value is out of range
         */
        public ChatOptions build() {
            return new ChatOptions(logprobs, topLogprobs, temperature, topP, seed, maxTokens, stop, n, extra, responseFormat);
        }
    }
}
