package dev.logprobs4j.internal;

import dev.logprobs4j.Choice;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.ResponseInfo;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds LangChain's {@code response_metadata} view from the typed fields. */
public final class Metadata {

    /** OpenAI's usage breakdowns: LangChain keeps them inside {@code token_usage}. */
    private static final List<String> USAGE_DETAILS = List.of("prompt_tokens_details", "completion_tokens_details");

    private Metadata() {
    }

    /**
     * The {@code response_metadata} map LangChain's ChatOpenAI gives: {@code token_usage},
     * {@code model_name}, {@code system_fingerprint}, {@code id}, {@code finish_reason},
     * {@code logprobs} (OpenAI's shape, or null when not requested), the provider's extra fields and
     * {@code raw}.
     */
    public static Map<String, Object> responseMetadata(Choice choice, ResponseInfo info, Object raw) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (info.usage() != null) {
            Map<String, Object> usage = new LinkedHashMap<>();
            usage.put("completion_tokens", info.usage().completionTokens());
            usage.put("prompt_tokens", info.usage().promptTokens());
            usage.put("total_tokens", info.usage().totalTokens());
            for (String detail : USAGE_DETAILS) {
                if (info.extra().get(detail) != null) {
                    usage.put(detail, info.extra().get(detail));
                }
            }
            m.put("token_usage", Collections.unmodifiableMap(usage));
        }
        if (info.model() != null) {
            m.put("model_name", info.model());
        }
        if (info.systemFingerprint() != null) {
            m.put("system_fingerprint", info.systemFingerprint());
        }
        if (info.id() != null) {
            m.put("id", info.id());
        }
        if (choice != null && choice.finishReason() != null) {
            m.put("finish_reason", choice.finishReason());
        }
        m.put("logprobs", choice == null ? null : logprobs(choice.logprobs()));
        info.extra().forEach((k, v) -> {
            if (!USAGE_DETAILS.contains(k)) {
                m.putIfAbsent(k, v);
            }
        });
        if (raw != null) {
            m.put("raw", raw);
        }
        return Collections.unmodifiableMap(m);
    }

    /** OpenAI's {@code logprobs} object as maps and lists; null for null. */
    public static Map<String, Object> logprobs(Logprobs logprobs) {
        if (logprobs == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("content", tokens(logprobs.content()));
        if (logprobs.refusal() != null) {
            m.put("refusal", tokens(logprobs.refusal()));
        }
        return Collections.unmodifiableMap(m);
    }

    private static List<Object> tokens(List<TokenLogprob> tokens) {
        List<Object> out = new ArrayList<>(tokens.size());
        for (TokenLogprob t : tokens) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("token", t.token());
            m.put("bytes", byteList(t.bytes()));
            m.put("logprob", t.logprob());
            List<Object> top = new ArrayList<>(t.topLogprobs().size());
            for (TopLogprob alt : t.topLogprobs()) {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("token", alt.token());
                a.put("bytes", byteList(alt.bytes()));
                a.put("logprob", alt.logprob());
                top.add(Collections.unmodifiableMap(a));
            }
            m.put("top_logprobs", Collections.unmodifiableList(top));
            out.add(Collections.unmodifiableMap(m));
        }
        return Collections.unmodifiableList(out);
    }

    private static List<Integer> byteList(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        List<Integer> list = new ArrayList<>(bytes.length);
        for (byte b : bytes) {
            list.add(b & 0xFF);
        }
        return Collections.unmodifiableList(list);
    }
}
