package dev.logprobs4j.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Turns a request body into a JSON tree, strictly: the bytes must be well-formed UTF-8 (no overlong
 * forms, no encoded surrogates, nothing above U+10FFFF), hold exactly one JSON value nested at most
 * 64 deep, and no string may hold an unpaired UTF-16 surrogate written as a JSON escape such as {@code \\ud800}.
 *
 * <p>Lone surrogates are refused rather than replaced because the tokenizer would see {@code ?}
 * while {@code echo} returned the surrogate itself, and strict JSON parsers reject that answer:
 * refusing them keeps what the model reads and what the client gets back the same. Stateless and
 * thread-safe.
 */
public final class JsonBody {

    private static final ObjectMapper MAPPER = mapper();

    private JsonBody() {
    }

    private static ObjectMapper mapper() {
        JsonMapper m = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
        m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
        return m;
    }

    /**
     * The JSON value of {@code bytes[0, length)}.
     *
     * @throws ApiException 400 naming the byte offset (bad UTF-8), the line and column (bad JSON)
     *                      or the field (a lone surrogate)
     */
    public static JsonNode parse(byte[] bytes, int length) {
        if (length == 0) {
            throw ApiException.invalid(null, null, "The request body is empty: send a JSON object.");
        }
        checkUtf8(bytes, length);
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes, 0, length);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String what = e.getOriginalMessage();
            if (what != null && what.startsWith("Trailing token")) {
                what = "there is more data after the JSON value";
            }
            throw ApiException.invalid(null, null, "We could not parse the JSON body of your request"
                    + (loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")")
                    + ": " + firstLine(what) + ". The API expects one JSON object.");
        } catch (IOException e) {
            throw ApiException.invalid(null, null, "We could not parse the JSON body of your request: " + e.getMessage());
        }
        if (node == null || node.isMissingNode()) {
            throw ApiException.invalid(null, null, "The request body is empty: send a JSON object.");
        }
        checkSurrogates(node, "");
        return node;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "malformed JSON";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Fails at the first byte that does not belong to well-formed UTF-8 (RFC 3629, table 3-7 of Unicode). */
    static void checkUtf8(byte[] b, int length) {
        int i = 0;
        while (i < length) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int need;
            int lo = 0x80;
            int hi = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
            } else if (c == 0xE0) {
                need = 2;
                lo = 0xA0; // below: an overlong form
            } else if (c == 0xED) {
                need = 2;
                hi = 0x9F; // above: an encoded UTF-16 surrogate (CESU-8)
            } else if (c >= 0xE1 && c <= 0xEF) {
                need = 2;
            } else if (c == 0xF0) {
                need = 3;
                lo = 0x90;
            } else if (c >= 0xF1 && c <= 0xF3) {
                need = 3;
            } else if (c == 0xF4) {
                need = 3;
                hi = 0x8F; // above: beyond U+10FFFF
            } else {
                throw badUtf8(i, c, c == 0xC0 || c == 0xC1 ? "starts an overlong encoding"
                        : c < 0xC0 ? "is a continuation byte without a lead byte" : "never appears in UTF-8");
            }
            for (int k = 1; k <= need; k++) {
                if (i + k >= length) {
                    throw badUtf8(i, c, "starts a character that the body cuts off");
                }
                int d = b[i + k] & 0xFF;
                int min = k == 1 ? lo : 0x80;
                int max = k == 1 ? hi : 0xBF;
                if (d < min || d > max) {
                    String why = k == 1 && c == 0xED && d >= 0xA0 ? "starts an encoded UTF-16 surrogate (CESU-8), which UTF-8 forbids"
                            : k == 1 && (c == 0xE0 || c == 0xF0) && d < min ? "starts an overlong encoding"
                            : k == 1 && c == 0xF4 && d > max ? "starts a code point above U+10FFFF"
                            : "is followed by 0x" + hex(d) + " at offset " + (i + k) + ", which does not continue it";
                    throw badUtf8(i, c, why);
                }
            }
            i += need + 1;
        }
    }

    private static ApiException badUtf8(int offset, int b, String why) {
        return ApiException.invalid(null, "invalid_encoding", "The request body is not valid UTF-8: byte 0x" + hex(b)
                + " at offset " + offset + " " + why + ". Send the JSON body encoded as UTF-8.");
    }

    private static String hex(int b) {
        return String.format("%02X", b);
    }

    private static void checkSurrogates(JsonNode node, String path) {
        if (node.isTextual()) {
            int at = unpairedSurrogate(node.textValue());
            if (at >= 0) {
                throw loneSurrogate(path, node.textValue().charAt(at), at);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkSurrogates(node.get(i), path + "[" + i + "]");
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                int at = unpairedSurrogate(e.getKey());
                if (at >= 0) {
                    throw loneSurrogate(path.isEmpty() ? "(a field name)" : path + " (a field name)", e.getKey().charAt(at), at);
                }
                checkSurrogates(e.getValue(), child);
            }
        }
    }

    /** The index of the first unpaired surrogate of {@code s}, or -1. */
    static int unpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return i;
            }
            if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    private static ApiException loneSurrogate(String field, char c, int at) {
        return ApiException.invalid(field, "invalid_value", "Invalid '" + field + "': the string holds an unpaired UTF-16 surrogate (\\u"
                + String.format("%04x", (int) c) + ") at character " + at
                + ", which is not a Unicode character. Escape characters outside the BMP as a surrogate pair, or send them as UTF-8.");
    }
}
