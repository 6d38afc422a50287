package dev.logprobs4j;

import dev.logprobs4j.internal.MergeDicts;
import java.util.Map;

/**
 * What a provider says about a response besides its choices: immutable.
 *
 * @param id                the provider's response id, or {@code null}
 * @param model             the model that answered, or {@code null}
 * @param systemFingerprint OpenAI's {@code system_fingerprint}, or {@code null}
 * @param usage             token counts, or {@code null} when the provider sent none
 * @param extra             further provider fields by their wire names (merged like LangChain's
 *                          {@code merge_dicts} when chunks add up); never null
 */
public record ResponseInfo(String id, String model, String systemFingerprint, Usage usage, Map<String, Object> extra) {

    /** Nothing known. */
    public static final ResponseInfo EMPTY = new ResponseInfo(null, null, null, null, Map.of());

    public ResponseInfo {
        extra = extra == null || extra.isEmpty() ? Map.of() : MergeDicts.immutableCopy(extra);
    }

    /**
     * This information followed by a later chunk's: ids, model and fingerprint keep the first
     * non-null value, usage adds up, {@code extra} merges like LangChain's {@code merge_dicts}.
     */
    public ResponseInfo merge(ResponseInfo later) {
        if (later == null || later.equals(EMPTY)) {
            return this;
        }
        if (this.equals(EMPTY)) {
            return later;
        }
        return new ResponseInfo(
                firstNonNull(id, later.id),
                firstNonNull(model, later.model),
                firstNonNull(systemFingerprint, later.systemFingerprint),
                usage == null ? later.usage : usage.plus(later.usage),
                extra.isEmpty() ? later.extra : later.extra.isEmpty() ? extra : MergeDicts.merge(extra, later.extra));
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }
}
