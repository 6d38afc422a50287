package dev.logprobs4j.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * A deterministic OpenAI Chat Completions stream ({@code chat.completion.chunk} events, one token
 * each with {@code top_logprobs} alternatives), shaped like what api.openai.com sends with
 * {@code logprobs: true, stream_options.include_usage: true}: a role chunk with empty logprobs,
 * one chunk per token, a finish chunk, a usage chunk without choices, then {@code [DONE]}.
 * Stateless; thread-safe.
 */
final class SseFixture {
    private static final String HEAD = "{\"id\":\"chatcmpl-BENCH0000000000000000000000\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1755000000,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\","
            + "\"system_fingerprint\":\"fp_560af6e559\",\"choices\":[";

    private SseFixture() {}

    /** The stream's bytes for {@code tokens} tokens with {@code top} alternatives each. */
    static byte[] stream(int tokens, int top) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(tokens * (200 + 90 * top));
        SplittableRandom random = new SplittableRandom(20250101L);
        event(out, HEAD + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
                + "\"logprobs\":{\"content\":[],\"refusal\":null},\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"x\"}");
        StringBuilder sb = new StringBuilder(4096);
        for (int i = 0; i < tokens; i++) {
            String token = token(i);
            sb.setLength(0);
            sb.append(HEAD).append("{\"index\":0,\"delta\":{\"content\":\"").append(token).append("\"},\"logprobs\":{\"content\":[");
            double lp = -Math.abs(random.nextGaussian()) * 0.8;
            entry(sb, token, lp);
            sb.setLength(sb.length() - 1); // reopen the entry for its alternatives
            sb.append(",\"top_logprobs\":[");
            double alt = lp;
            for (int k = 0; k < top; k++) {
                String t = k == 0 ? token : token(i * 31 + k * 7 + 1);
                entry(sb, t, k == 0 ? lp : (alt -= 0.2 + random.nextDouble() * 1.5));
                sb.append(',');
            }
            if (top > 0) {
                sb.setLength(sb.length() - 1);
            }
            sb.append("]}],\"refusal\":null},\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"ab\"}");
            event(out, sb.toString());
        }
        event(out, HEAD + "{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null,\"obfuscation\":\"q\"}");
        event(out, HEAD + "],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":" + tokens + ",\"total_tokens\":" + (tokens + 12)
                + ",\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":"
                + "{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},"
                + "\"obfuscation\":\"zz\"}");
        out.writeBytes("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** Token text: words with a leading space, now and then punctuation or a non-ASCII word. */
    static String token(int i) {
        return switch (i % 17) {
            case 5 -> ",";
            case 11 -> ".";
            case 13 -> " caf\u00e9";
            default -> " w" + Integer.toString(i % 4096, 36);
        };
    }

    private static void entry(StringBuilder sb, String token, double logprob) {
        sb.append("{\"token\":\"").append(token).append("\",\"logprob\":").append((float) logprob).append(",\"bytes\":[");
        byte[] b = token.getBytes(StandardCharsets.UTF_8);
        for (int j = 0; j < b.length; j++) {
            if (j > 0) {
                sb.append(',');
            }
            sb.append(b[j] & 0xFF);
        }
        sb.append("]}");
    }

    private static void event(ByteArrayOutputStream out, String json) {
        out.writeBytes(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
    }
}
