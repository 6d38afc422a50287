package dev.logprobs4j;

import dev.logprobs4j.internal.JsonSpans;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The confidence of every field of a JSON answer, read from its token logprobs: an immutable,
 * thread-safe value.
 *
 * {@snippet :
 * AIMessage msg = llm.invoke("Answer as JSON: {\"city\": ..., \"population\": ...}");
 * for (JsonConfidence.Field f : JsonConfidence.of(msg).fields()) {
 *     System.out.println(f.path() + " " + f.kind() + " " + f.value() + " p=" + Math.exp(f.jointLogprob()));
 * }
 * }
 *
 * <p><b>Text and offsets.</b> The text is the concatenation of the tokens' {@code bytes} (the UTF-8
 * of the token's text when a provider sent none), so a token that holds part of a multi-byte
 * character is placed exactly. Every offset is a byte offset into that text, and the bytes
 * {@code [start, end)} of a field are exactly its JSON text ({@link #slice}). Parsing starts at
 * the first {@code {} or {@code [} (so a leading {@code ```json} fence or sentence is skipped; an
 * answer holding neither is parsed from its first non-blank byte) and stops after that one value:
 * bytes after it (a closing fence) are left out.
 *
 * <p><b>Fields.</b> One per object key (kind {@link Kind#KEY}) and one per leaf value: string,
 * number, boolean, null, and empty object or array. A field's path is its JSONPath
 * ({@code $.a.b[0]}, {@code $['key with spaces']}); a key and its value share the path. A key's
 * span includes its quotes, a string value's too.
 *
 * <p><b>Which tokens count for a field (the boundary rule).</b> Tokens often straddle a boundary
 * ({@code ":"} holds a key's closing quote, the colon and a string value's opening quote;
 * {@code ",} a value's closing quote and a comma). Each token is split by bytes and <em>owned</em>
 * by at most one field, so that no logprob is counted twice:
 * <ol>
 *   <li>by the last leaf value it shares a byte with, if any;</li>
 *   <li>else by the last key it shares a byte with;</li>
 *   <li>else by none (it holds only braces, brackets, commas, colons or blanks).</li>
 * </ol>
 * Values come first because a straddling token's prediction is what committed to the value's
 * type and bytes ({@code ":"} chooses a string, {@code ":1} a number). A field's
 * {@link Field#jointLogprob() joint}, {@link Field#meanLogprob() mean} and
 * {@link Field#minLogprob() minimum} are over the tokens it owns; they are {@code NaN} when it owns
 * none (e.g. {@code 1} in a token {@code 1,2} owned by the later value {@code 2}). Summed over all
 * fields and the unowned tokens, the joints give the answer's total logprob.
 * {@link Field#firstToken()}..{@link Field#endToken()} are all tokens sharing a byte with the field,
 * owned or not.
 *
 * <p><b>The deciding token</b> of a field is the token holding its first content byte: the first
 * byte after the opening quote of a string or key (the closing quote of an empty string), the
 * first byte of a number, boolean, null or empty container. Its probability and alternatives say
 * what else the model considered there ({@code 4} vs {@code 5}, {@code true} vs {@code false}, one
 * enum string vs another), whichever field owns that token.
 *
 * <p><b>Invalid or truncated JSON</b> gives the fields completed before the problem and an
 * {@link #error() error} with its byte offset, the path being parsed and what was wrong; a value cut
 * off in the middle is not a field.
 *
 * <p>The same tokens give the same result whether the message was invoked or streamed and added up.
 */
public final class JsonConfidence {

    /** What a field is. */
    public enum Kind {
        /** An object key (the member's name). */
        KEY,
        /** A string value. */
        STRING,
        /** A number value. */
        NUMBER,
        /** {@code true} or {@code false}. */
        BOOLEAN,
        /** {@code null}. */
        NULL,
        /** An empty object {@code {}}. */
        OBJECT,
        /** An empty array {@code []}. */
        ARRAY
    }

    /**
     * The token that decided a field, and what else the model considered there: immutable.
     *
     * @param tokenIndex   the token's index in the answer
     * @param token        the token's text
     * @param logprob      its logprob
     * @param alternatives the most likely tokens at that position (empty when not requested)
     */
    public record Decision(int tokenIndex, String token, double logprob, List<TopLogprob> alternatives) {

        public Decision {
            Objects.requireNonNull(token, "token");
            alternatives = List.copyOf(alternatives);
        }

        /** {@code exp(logprob)}. */
        public double probability() {
            return Math.exp(logprob);
        }
    }

    /**
     * One key or leaf value of the JSON answer with its confidence: immutable.
     *
     * @param path         JSONPath of the member or element, e.g. {@code $.a.b[0]}
     * @param kind         what it is
     * @param start        byte offset of its first byte in {@link #text()}
     * @param end          byte offset after its last byte
     * @param text         its exact JSON text (quotes and escapes included)
     * @param value        its value: a string or key unescaped, other kinds as their JSON text
     * @param firstToken   index of the first token sharing a byte with it
     * @param endToken     index after the last token sharing a byte with it
     * @param ownedTokens  how many tokens it owns under the boundary rule
     * @param jointLogprob sum of the owned tokens' logprobs; {@code NaN} when it owns none
     * @param meanLogprob  their mean; {@code NaN} when it owns none
     * @param minLogprob   their minimum; {@code NaN} when it owns none
     * @param decision     the token holding its first content byte
     */
    public record Field(String path, Kind kind, int start, int end, String text, String value, int firstToken, int endToken,
                        int ownedTokens, double jointLogprob, double meanLogprob, double minLogprob, Decision decision) {

        public Field {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(kind, "kind");
            if (start < 0 || end <= start) {
                throw new IllegalArgumentException("a field needs 0 <= start < end, was [" + start + ", " + end + ")");
            }
        }

        /** {@code exp(jointLogprob)}: the probability of the bytes this field owns. */
        public double jointProbability() {
            return Math.exp(jointLogprob);
        }
    }

    /**
     * Where and why the JSON could not be parsed further: immutable.
     *
     * @param offset  byte offset in {@link #text()} of the problem ({@link #text()}'s length when it was cut off)
     * @param path    JSONPath of the value being parsed there
     * @param message what was wrong, e.g. "the text ends inside a string"
     */
    public record ParseError(int offset, String path, String message) {

        @Override
        public String toString() {
            return message + " at byte " + offset + " (" + path + ")";
        }
    }

    private final byte[] text;
    private final List<Field> fields;
    private final ParseError error;

    private JsonConfidence(byte[] text, List<Field> fields, ParseError error) {
        this.text = text;
        this.fields = List.copyOf(fields);
        this.error = error;
    }

    /** The fields of the first choice's JSON answer. */
    public static JsonConfidence of(AIMessage message) {
        return of(message.logprobs().content());
    }

    /** The fields of a streamed answer's tokens so far (add the chunks up first). */
    public static JsonConfidence of(AIMessageChunk message) {
        return of(message.logprobs().content());
    }

    /**
     * The fields of JSON made by {@code tokens}: an answer's content, or a tool call's arguments
     * where a provider returns logprobs for them.
     */
    public static JsonConfidence of(List<TokenLogprob> tokens) {
        int[] starts = new int[tokens.size() + 1];
        byte[][] pieces = new byte[tokens.size()][];
        for (int i = 0; i < pieces.length; i++) {
            TokenLogprob t = tokens.get(i);
            byte[] b = t.bytes();
            pieces[i] = b != null ? b : t.token().getBytes(StandardCharsets.UTF_8);
            starts[i + 1] = starts[i] + pieces[i].length;
        }
        byte[] text = new byte[starts[pieces.length]];
        for (int i = 0; i < pieces.length; i++) {
            System.arraycopy(pieces[i], 0, text, starts[i], pieces[i].length);
        }
        JsonSpans spans = JsonSpans.parse(text);
        return new JsonConfidence(text, score(tokens, starts, text, spans), spans.error() == null ? null
                : new ParseError(spans.error().offset(), spans.error().path(), spans.error().message()));
    }

    private static List<Field> score(List<TokenLogprob> tokens, int[] starts, byte[] text, JsonSpans spans) {
        List<JsonSpans.Span> all = spans.spans();
        int n = all.size();
        int[] owned = new int[n];
        double[] sum = new double[n];
        double[] min = new double[n];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        for (int t = 0; t < tokens.size(); t++) {
            int owner = owner(all, starts[t], starts[t + 1]);
            if (owner >= 0) {
                double lp = tokens.get(t).logprob();
                owned[owner]++;
                sum[owner] += lp;
                min[owner] = Math.min(min[owner], lp);
            }
        }
        List<Field> fields = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            JsonSpans.Span s = all.get(i);
            int first = tokenAt(starts, s.start());
            int last = tokenAt(starts, s.end() - 1);
            int decider = tokenAt(starts, s.contentStart());
            TokenLogprob d = tokens.get(decider);
            boolean none = owned[i] == 0;
            fields.add(new Field(s.path(), Kind.valueOf(s.kind()), s.start(), s.end(),
                    new String(text, s.start(), s.end() - s.start(), StandardCharsets.UTF_8), s.value(), first, last + 1, owned[i],
                    none ? Double.NaN : sum[i], none ? Double.NaN : sum[i] / owned[i], none ? Double.NaN : min[i],
                    new Decision(decider, d.token(), d.logprob(), d.topLogprobs())));
        }
        return fields;
    }

    /** The field owning the token of bytes [from, to): the last value it overlaps, else the last key; -1 for none. */
    private static int owner(List<JsonSpans.Span> spans, int from, int to) {
        int key = -1;
        // Spans are in document order and do not overlap: scan back from the last one starting before `to`.
        for (int i = lastStartingBefore(spans, to); i >= 0 && spans.get(i).end() > from; i--) {
            if (!spans.get(i).kind().equals("KEY")) {
                return i;
            }
            if (key < 0) {
                key = i;
            }
        }
        return key;
    }

    private static int lastStartingBefore(List<JsonSpans.Span> spans, int offset) {
        int lo = 0;
        int hi = spans.size() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (spans.get(mid).start() < offset) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Index of the token holding byte {@code offset}: the last token starting at or before it. */
    private static int tokenAt(int[] starts, int offset) {
        int lo = 0;
        int hi = starts.length - 2;
        int found = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] <= offset) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** The answer's text: its tokens' bytes joined, decoded as UTF-8. */
    public String text() {
        return new String(text, StandardCharsets.UTF_8);
    }

    /** A copy of the answer's bytes, which the offsets index. */
    public byte[] bytes() {
        return text.clone();
    }

    /** The text of bytes {@code [start, end)}. */
    public String slice(int start, int end) {
        Objects.checkFromToIndex(start, end, text.length);
        return new String(text, start, end - start, StandardCharsets.UTF_8);
    }

    /** Every key and leaf value, in document order. */
    public List<Field> fields() {
        return fields;
    }

    /** The fields at {@code path} (a key and its value share it). */
    public List<Field> at(String path) {
        return fields.stream().filter(f -> f.path().equals(path)).toList();
    }

    /** The leaf value at {@code path}, if it was parsed. */
    public Optional<Field> value(String path) {
        return fields.stream().filter(f -> f.path().equals(path) && f.kind() != Kind.KEY).findFirst();
    }

    /** Why parsing stopped early, or empty when the JSON was complete and valid. */
    public Optional<ParseError> error() {
        return Optional.ofNullable(error);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonConfidence j && Arrays.equals(text, j.text) && fields.equals(j.fields)
                && Objects.equals(error, j.error);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(text), fields, error);
    }

    @Override
    public String toString() {
        return "JsonConfidence[fields=" + fields.size() + (error == null ? "" : ", error=" + error) + "]";
    }
}
