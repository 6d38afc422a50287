package dev.logprobs4j.openai.internal;

import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.Choice;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.ResponseInfo;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads the streamed {@code chat.completion.chunk} events of one answer straight from their bytes,
 * for the plain shape nearly every event has (ids, a delta, logprobs with alternatives). It knows
 * only strict JSON and that shape, and gives up (returns null) on anything else: usage, errors,
 * prompt logprobs, a value of another type or out of range, malformed JSON or UTF-8. The caller
 * then reads the event with {@link CompletionReader}, which decides what an error is and names its
 * JSON path; so this scanner never changes a result, it only gets to the same one sooner.
 *
 * <p>Why not Jackson: with {@code top_logprobs=20} an event is 21 logprob entries, and a general
 * parser's per-token work (contexts, field-name symbol tables, a String per number) was most of a
 * streamed token's CPU. Field names here are matched against pre-encoded bytes, numbers are read
 * without text, and strings that come again (the same alternatives, the same id and model in every
 * event) are decoded once per stream and shared. One per stream; not thread-safe.
 */
final class ChunkScanner {

    /** Thrown to give up; carries no stack trace, so giving up costs little. */
    private static final class GiveUp extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GiveUp() {
            super(null, null, false, false);
        }
    }

    private static final GiveUp GIVE_UP = new GiveUp();
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    // Field names by object, pre-encoded; a name's index is its position in its list.
    private static final Names ROOT = names("id", "model", "system_fingerprint", "choices", "usage", "error", "prompt_logprobs");
    private static final int R_ID = 0, R_MODEL = 1, R_FINGERPRINT = 2, R_CHOICES = 3, R_USAGE = 4, R_ERROR = 5, R_PROMPT = 6;
    private static final Names CHOICE = names("index", "delta", "message", "logprobs", "finish_reason", "prompt_logprobs");
    private static final int C_INDEX = 0, C_DELTA = 1, C_MESSAGE = 2, C_LOGPROBS = 3, C_FINISH = 4, C_PROMPT = 5;
    private static final Names DELTA = names("content", "refusal");
    private static final int D_CONTENT = 0, D_REFUSAL = 1;
    private static final Names ENTRY = names("token", "logprob", "bytes", "top_logprobs");
    private static final int E_TOKEN = 0, E_LOGPROB = 1, E_BYTES = 2, E_TOP = 3;

    /** Powers of ten a double holds exactly: {@code m * 10^k} or {@code m / 10^k} then rounds once, correctly. */
    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    /** Skipped values nested deeper than this give up (Jackson's own limit is higher, so it decides). */
    private static final int MAX_DEPTH = 32;
    /** Strings longer than this are not kept for sharing. */
    private static final int MAX_SHARED = 64;
    /** Shared strings per stream at most: an answer's tokens and alternatives, not a whole book's. */
    private static final int MAX_STRINGS = 1 << 14;

    private byte[] b;
    private int pos;
    private int end;

    // The strings seen in this stream, by their raw (still escaped) bytes: open addressing, linear probing.
    // A string of up to 8 bytes is its head alone: JSON strings hold no raw zero byte, so the zero padding is unambiguous.
    private byte[][] keys = new byte[256][];
    private long[] heads = new long[256];
    private int[] hashes = new int[256];
    private String[] values = new String[256];
    private int stored;

    // Alternatives of one token and the bytes of one alternative, reused (the records copy them).
    private final ArrayList<TopLogprob> top = new ArrayList<>(24);
    private byte[] bytes = new byte[64];
    private final byte[][] exact = new byte[17][]; // exact[n]: a reused array of length n

    /**
     * The chunk of one event, or null when it is not the plain shape this scanner reads.
     *
     * @param data the event's data as UTF-8; kept as the chunk's raw event
     */
    AIMessageChunk read(byte[] data) {
        b = data;
        pos = 0;
        end = data.length;
        try {
            return root();
        } catch (GiveUp | ArrayIndexOutOfBoundsException e) {
            return null; // the bytes ended where more was due: CompletionReader says so properly
        } finally {
            b = null;
        }
    }

    private AIMessageChunk root() {
        ws();
        expect('{');
        String id = null;
        String model = null;
        String fingerprint = null;
        List<Choice> choices = new ArrayList<>(1);
        if (!emptyObject()) {
            do {
                int name = name(ROOT);
                switch (name) {
                    case R_ID -> id = stringOrNull();
                    case R_MODEL -> model = stringOrNull();
                    case R_FINGERPRINT -> fingerprint = stringOrNull();
                    case R_CHOICES -> choices(choices);
                    case R_USAGE, R_ERROR, R_PROMPT -> nullOnly(); // CompletionReader reads these
                    default -> skip(0); // created, service_tier, object, obfuscation, ...: not kept for chunks
                }
            } while (nextMember('}'));
        }
        ws();
        if (pos != end) {
            throw GIVE_UP;
        }
        return AIMessageChunk.ofUtf8(choices, new ResponseInfo(id, model, fingerprint, null, Map.of()), b);
    }

    private void choices(List<Choice> into) {
        if (literalNull()) {
            return;
        }
        expect('[');
        if (emptyArray()) {
            return;
        }
        int position = 0; // as CompletionReader counts: from 0 in each "choices" array
        do {
            expect('{');
            into.add(choice(position++));
        } while (nextMember(']'));
        for (int i = 0; i < into.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (into.get(i).index() == into.get(j).index()) {
                    throw GIVE_UP;
                }
            }
        }
    }

    /** One choice object, just entered. Its index defaults to its place among the choices, as CompletionReader's. */
    private Choice choice(int position) {
        int index = position;
        String content = null;
        String refusal = null;
        Logprobs logprobs = null;
        String finishReason = null;
        if (!emptyObject()) {
            do {
                switch (name(CHOICE)) {
                    case C_INDEX -> index = index();
                    case C_DELTA, C_MESSAGE -> {
                        if (!literalNull()) {
                            expect('{');
                            if (!emptyObject()) {
                                do {
                                    switch (name(DELTA)) {
                                        case D_CONTENT -> content = stringOrNull();
                                        case D_REFUSAL -> refusal = stringOrNull();
                                        default -> skip(0);
                                    }
                                } while (nextMember('}'));
                            }
                        }
                    }
                    case C_LOGPROBS -> logprobs = logprobs();
                    case C_FINISH -> finishReason = stringOrNull();
                    case C_PROMPT -> nullOnly();
                    default -> skip(0);
                }
            } while (nextMember('}'));
        }
        return new Choice(index, content, refusal, logprobs, finishReason);
    }

    private Logprobs logprobs() {
        if (literalNull()) {
            return null;
        }
        expect('{');
        List<TokenLogprob> content = null;
        List<TokenLogprob> refusal = null;
        if (!emptyObject()) {
            do {
                switch (name(DELTA)) {
                    case D_CONTENT -> content = tokens();
                    case D_REFUSAL -> refusal = tokens();
                    default -> skip(0);
                }
            } while (nextMember('}'));
        }
        return new Logprobs(content, refusal);
    }

    /** A list of token entries, null for null. */
    private List<TokenLogprob> tokens() {
        if (literalNull()) {
            return null;
        }
        expect('[');
        if (emptyArray()) {
            return List.of();
        }
        List<TokenLogprob> tokens = new ArrayList<>(1);
        do {
            expect('{');
            tokens.add(entry());
        } while (nextMember(']'));
        return tokens;
    }

    /** One {@code {token, logprob, bytes, top_logprobs}} object, just entered. */
    private TokenLogprob entry() {
        String token = null;
        byte[] tokenBytes = null;
        double logprob = Double.NaN;
        List<TopLogprob> alternatives = List.of();
        if (!emptyObject()) {
            do {
                switch (name(ENTRY)) {
                    case E_TOKEN -> token = stringOrNull();
                    case E_LOGPROB -> logprob = logprob();
                    case E_BYTES -> {
                        byte[] scratch = bytesOrNull();
                        tokenBytes = scratch == null ? null : scratch.clone(); // the alternatives reuse the scratch
                    }
                    case E_TOP -> alternatives = alternatives();
                    default -> skip(0);
                }
            } while (nextMember('}'));
        }
        if (token == null || Double.isNaN(logprob)) {
            throw GIVE_UP;
        }
        return new TokenLogprob(token, tokenBytes, logprob, alternatives);
    }

    /** The alternatives of one token, in a reused list that the token copies; empty for null. */
    private List<TopLogprob> alternatives() {
        if (literalNull()) {
            return List.of();
        }
        expect('[');
        top.clear();
        if (emptyArray()) {
            return top;
        }
        do {
            expect('{');
            String token = null;
            byte[] sent = null;
            double logprob = Double.NaN;
            if (!emptyObject()) {
                do {
                    switch (name(ENTRY)) {
                        case E_TOKEN -> token = stringOrNull();
                        case E_LOGPROB -> logprob = logprob();
                        case E_BYTES -> sent = bytesOrNull();
                        default -> skip(0); // an alternative's own top_logprobs, say
                    }
                } while (nextMember('}'));
            }
            if (token == null || Double.isNaN(logprob)) {
                throw GIVE_UP;
            }
            top.add(new TopLogprob(token, sent, logprob));
        } while (nextMember(']'));
        return top;
    }

    // ---- values

    /** A logprob: a JSON number that a logprob may be (<= 0 up to rounding); the rest is CompletionReader's to report. */
    private double logprob() {
        double v = number();
        if (v > 1e-6) {
            throw GIVE_UP;
        }
        return v;
    }

    /**
     * A JSON number as the double nearest to it, as Jackson's parser gives it: up to 18 digits with a
     * power of ten up to 22 in one correctly rounded step (Clinger's fast path), longer ones through
     * {@link Double#parseDouble}.
     */
    private double number() {
        int start = pos;
        int i = pos;
        boolean negative = b[i] == '-';
        if (negative) {
            i++;
        }
        long m = 0;
        int digits = 0;
        int c = b[i];
        if (c == '0') {
            i++;
            if (i < end && isDigit(b[i])) {
                throw GIVE_UP; // a leading zero is not JSON
            }
        } else if (isDigit(c)) {
            while (i < end && isDigit(c = b[i])) {
                m = m * 10 + (c - '0');
                digits++;
                i++;
            }
        } else {
            throw GIVE_UP;
        }
        int exponent = 0;
        boolean integer = true;
        if (i < end && b[i] == '.') {
            integer = false;
            i++;
            int from = i;
            while (i < end && isDigit(c = b[i])) {
                m = m * 10 + (c - '0');
                digits++;
                exponent--;
                i++;
            }
            if (i == from) {
                throw GIVE_UP;
            }
        }
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            integer = false;
            i++;
            boolean down = b[i] == '-';
            if (down || b[i] == '+') {
                i++;
            }
            int from = i;
            int e = 0;
            while (i < end && isDigit(c = b[i])) {
                e = e * 10 + (c - '0');
                i++;
                if (i - from > 4) {
                    throw GIVE_UP;
                }
            }
            if (i == from) {
                throw GIVE_UP;
            }
            exponent += down ? -e : e;
        }
        pos = i;
        if (negative && integer && m == 0) {
            throw GIVE_UP; // Jackson reads the integer -0 as 0.0, not -0.0: let it
        }
        if (digits > 18 || m > (1L << 53) || exponent < -22 || exponent > 22) {
            if (i - start > 100) {
                throw GIVE_UP;
            }
            return Double.parseDouble(new String(b, start, i - start, StandardCharsets.ISO_8859_1));
        }
        double v = exponent < 0 ? m / POW10[-exponent] : m * POW10[exponent];
        return negative ? -v : v;
    }

    /** A choice index: an integer within [0, 1,000,000]. */
    private int index() {
        int i = pos;
        int c = b[i];
        if (c == '0') {
            pos = i + 1;
            if (isDigit(b[pos]) || b[pos] == '.' || b[pos] == 'e' || b[pos] == 'E') {
                throw GIVE_UP;
            }
            return 0;
        }
        int v = 0;
        while (isDigit(c = b[i])) {
            v = v * 10 + (c - '0');
            i++;
            if (i - pos > 7) {
                throw GIVE_UP;
            }
        }
        if (i == pos || v > 1_000_000 || c == '.' || c == 'e' || c == 'E') {
            throw GIVE_UP;
        }
        pos = i;
        return v;
    }

    /** An array of byte values (0..255) into a reused array of its exact length, or null for null. */
    private byte[] bytesOrNull() {
        if (literalNull()) {
            return null;
        }
        expect('[');
        int n = 0;
        if (!emptyArray()) {
            do {
                ws();
                int i = pos;
                int c = b[i];
                int v;
                if (c == '0') {
                    v = 0;
                    i++;
                } else {
                    v = 0;
                    while (isDigit(c = b[i])) {
                        v = v * 10 + (c - '0');
                        i++;
                        if (i - pos > 3) {
                            throw GIVE_UP;
                        }
                    }
                    if (i == pos) {
                        throw GIVE_UP;
                    }
                }
                c = b[i];
                if (v > 255 || isDigit(c) || c == '.' || c == 'e' || c == 'E') {
                    throw GIVE_UP;
                }
                pos = i;
                if (n == bytes.length) {
                    bytes = Arrays.copyOf(bytes, n * 2);
                }
                bytes[n++] = (byte) v;
            } while (nextMember(']'));
        }
        if (n >= exact.length) {
            return Arrays.copyOf(bytes, n);
        }
        byte[] out = exact[n];
        if (out == null) {
            out = exact[n] = new byte[n];
        }
        System.arraycopy(bytes, 0, out, 0, n);
        return out;
    }

    private String stringOrNull() {
        if (literalNull()) {
            return null;
        }
        if (b[pos] != '"') {
            throw GIVE_UP;
        }
        int from = pos + 1;
        int i = from;
        int hash = 0;
        int high = 0; // any byte >= 0x80 makes this negative
        int c;
        while ((c = b[i]) != '"') {
            if (c == '\\') {
                return escaped(from);
            }
            if (c >= 0 && c < 0x20) {
                throw GIVE_UP; // a raw control character is not JSON
            }
            hash = 31 * hash + c;
            high |= c;
            i++;
        }
        pos = i + 1;
        int length = i - from;
        if (length > MAX_SHARED) {
            return decode(from, i, high < 0);
        }
        return shared(from, length, hash, high < 0);
    }

    /**
     * The string of raw bytes {@code b[from, from + length)}, decoded once per stream: found in the
     * table, or decoded and added, the table doubling when half full. One method on purpose: past
     * C2's inlining size, it is compiled once instead of at each of the string sites it serves (a call
     * per string costs little).
     */
    private String shared(int from, int length, int hash, boolean nonAscii) {
        long head = head(from, length);
        int mask = values.length - 1;
        int slot = slot(hash, mask);
        String value;
        while ((value = values[slot]) != null) {
            if (hashes[slot] == hash && heads[slot] == head && (length <= Long.BYTES || same(keys[slot], from, length))) {
                return value;
            }
            slot = (slot + 1) & mask;
        }
        String s = decode(from, from + length, nonAscii);
        if (stored == MAX_STRINGS) {
            return s;
        }
        keys[slot] = length <= Long.BYTES ? null : Arrays.copyOfRange(b, from, from + length);
        heads[slot] = head;
        hashes[slot] = hash;
        values[slot] = s;
        if (++stored * 2 > values.length) {
            byte[][] oldKeys = keys;
            long[] oldHeads = heads;
            int[] oldHashes = hashes;
            String[] oldValues = values;
            int size = oldValues.length * 2;
            keys = new byte[size][];
            heads = new long[size];
            hashes = new int[size];
            values = new String[size];
            for (int i = 0; i < oldValues.length; i++) {
                if (oldValues[i] != null) {
                    int at = slot(oldHashes[i], size - 1);
                    while (values[at] != null) {
                        at = (at + 1) & (size - 1);
                    }
                    keys[at] = oldKeys[i];
                    heads[at] = oldHeads[i];
                    hashes[at] = oldHashes[i];
                    values[at] = oldValues[i];
                }
            }
        }
        return s;
    }

    /** The first (up to) eight bytes of {@code b[from, from + length)}, little-endian, zero-padded. */
    private long head(int from, int length) {
        if (from + Long.BYTES <= end) {
            long word = (long) LONGS.get(b, from);
            return length >= Long.BYTES ? word : word & ((1L << (length << 3)) - 1);
        }
        long word = 0;
        for (int k = Math.min(length, Long.BYTES) - 1; k >= 0; k--) {
            word = word << 8 | (b[from + k] & 0xFF);
        }
        return word;
    }

    /** The head of a name, as {@link #head(int, int)} reads it from the event. */
    private static long head(byte[] name) {
        long word = 0;
        for (int k = Math.min(name.length, Long.BYTES) - 1; k >= 0; k--) {
            word = word << 8 | (name[k] & 0xFF);
        }
        return word;
    }

    /** Whether {@code key} is {@code b[from, from + length)} from byte 8 on (the heads were equal). */
    private boolean same(byte[] key, int from, int length) {
        if (key.length != length) {
            return false;
        }
        int k = Long.BYTES;
        for (; k + Long.BYTES <= length; k += Long.BYTES) {
            if ((long) LONGS.get(key, k) != (long) LONGS.get(b, from + k)) {
                return false;
            }
        }
        for (; k < length; k++) {
            if (key[k] != b[from + k]) {
                return false;
            }
        }
        return true;
    }

    /** Fibonacci hashing: token strings differ in their last bytes, so their polynomial hashes come in runs. */
    private static int slot(int hash, int mask) {
        return (hash * 0x9E3779B9 >>> 16) & mask;
    }

    /** UTF-8 text without escapes; malformed UTF-8 (decoded as U+FFFD) is CompletionReader's to report. */
    private String decode(int from, int to, boolean nonAscii) {
        if (!nonAscii) {
            return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
        }
        String s = new String(b, from, to - from, StandardCharsets.UTF_8);
        if (s.indexOf('\uFFFD') >= 0) {
            throw GIVE_UP; // maybe malformed, maybe a real U+FFFD: CompletionReader tells them apart
        }
        return s;
    }

    /** A string with escapes, from its first byte after the opening quote. */
    private String escaped(int from) {
        StringBuilder sb = new StringBuilder();
        int run = from; // start of the bytes not yet appended
        int i = from;
        boolean high = false;
        while (true) {
            int c = b[i];
            if (c == '"' || c == '\\') {
                sb.append(decode(run, i, high));
                high = false;
                if (c == '"') {
                    pos = i + 1;
                    return sb.toString();
                }
                int e = b[i + 1];
                i += 2;
                switch (e) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case '/' -> sb.append('/');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        sb.append((char) (hex(b[i]) << 12 | hex(b[i + 1]) << 8 | hex(b[i + 2]) << 4 | hex(b[i + 3])));
                        i += 4;
                    }
                    default -> throw GIVE_UP;
                }
                run = i;
            } else {
                if (c >= 0 && c < 0x20) {
                    throw GIVE_UP;
                }
                high |= c < 0;
                i++;
            }
        }
    }

    private static int hex(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        throw GIVE_UP;
    }

    // ---- structure

    /**
     * The next member name of the object being read (the parser is before it, after '{' or ','),
     * as its index in {@code names} or -1, with the ':' after it consumed and the value next.
     */
    private int name(Names names) {
        ws();
        if (b[pos] != '"') {
            throw GIVE_UP;
        }
        int from = pos + 1;
        if (from + Long.BYTES <= end) {
            // Our names first, straight from the bytes: the name is one of them when its bytes and then a quote follow.
            long word = (long) LONGS.get(b, from);
            for (int k = 0; k < names.bytes.length; k++) {
                byte[] n = names.bytes[k];
                int length = n.length;
                long head = length >= Long.BYTES ? word : word & ((1L << (length << 3)) - 1);
                if (head == names.heads[k] && from + length < end && b[from + length] == '"'
                        && (length <= Long.BYTES || same(n, from, length))) {
                    pos = from + length + 1;
                    colon();
                    return k;
                }
            }
        }
        return otherName(names, from);
    }

    /** {@link #name} for a name not found straight away: read to its closing quote, then looked up. */
    private int otherName(Names names, int from) {
        int i = from;
        int c;
        while ((c = b[i]) != '"') {
            if (c == '\\' || c < 0x20) {
                throw GIVE_UP; // escaped, control or non-ASCII names: none of ours, and CompletionReader checks them
            }
            i++;
        }
        int length = i - from;
        pos = i + 1;
        colon();
        long head = head(from, length);
        for (int k = 0; k < names.bytes.length; k++) {
            byte[] n = names.bytes[k];
            if (n.length == length && names.heads[k] == head && (length <= Long.BYTES || same(n, from, length))) {
                return k;
            }
        }
        return -1;
    }

    /** The ':' after a member name, with the white space around it. */
    private void colon() {
        ws();
        expect(':');
        ws();
    }

    /** After a value: true at ',' (another member follows), false at {@code close}. */
    private boolean nextMember(char close) {
        ws();
        int c = b[pos++];
        if (c == ',') {
            return true;
        }
        if (c == close) {
            return false;
        }
        throw GIVE_UP;
    }

    /** Just after '{': true (and past it) when the object is empty. */
    private boolean emptyObject() {
        ws();
        if (b[pos] == '}') {
            pos++;
            return true;
        }
        return false;
    }

    /** Just after '[': true (and past it) when the array is empty. */
    private boolean emptyArray() {
        ws();
        if (b[pos] == ']') {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        ws();
        if (b[pos] != c) {
            throw GIVE_UP;
        }
        pos++;
    }

    private boolean literalNull() {
        if (b[pos] == 'n') {
            literal(NULL);
            return true;
        }
        return false;
    }

    /** A value that must be null here, or this scanner gives up. */
    private void nullOnly() {
        if (!literalNull()) {
            throw GIVE_UP;
        }
    }

    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};

    private void literal(byte[] word) {
        if (pos + word.length > end || head(pos, word.length) != head(word)) {
            throw GIVE_UP;
        }
        pos += word.length;
        if (pos < end && (isDigit(b[pos]) || Character.isLetter(b[pos]))) {
            throw GIVE_UP; // "nullx" is not JSON
        }
    }

    /**
     * Skips any JSON value, checking it is valid JSON (else gives up). Strings are skipped here too,
     * so that this stays one method past C2's inlining size: compiled once, not at each caller.
     */
    private void skip(int depth) {
        if (depth > MAX_DEPTH) {
            throw GIVE_UP;
        }
        int c = b[pos];
        switch (c) {
            case '"' -> {
                int i = pos + 1;
                boolean high = false;
                while ((c = b[i]) != '"') {
                    if (c == '\\') {
                        int e = b[i + 1];
                        if (e == 'u') {
                            hex(b[i + 2]);
                            hex(b[i + 3]);
                            hex(b[i + 4]);
                            hex(b[i + 5]);
                            i += 6;
                        } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
                            i += 2;
                        } else {
                            throw GIVE_UP;
                        }
                        continue;
                    }
                    if (c >= 0 && c < 0x20) {
                        throw GIVE_UP;
                    }
                    high |= c < 0;
                    i++;
                }
                if (high) {
                    decode(pos + 1, i, true); // checks the UTF-8 (escapes are ASCII, so they decode as themselves)
                }
                pos = i + 1;
            }
            case '{' -> {
                pos++;
                if (!emptyObject()) {
                    do {
                        name(ROOT);
                        skip(depth + 1);
                    } while (nextMember('}'));
                }
            }
            case '[' -> {
                pos++;
                if (!emptyArray()) {
                    do {
                        ws();
                        skip(depth + 1);
                    } while (nextMember(']'));
                }
            }
            case 'n' -> literal(NULL);
            case 't' -> literal(TRUE);
            case 'f' -> literal(FALSE);
            default -> number();
        }
    }

    private void ws() {
        int i = pos;
        while (i < end) {
            int c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                break;
            }
            i++;
        }
        pos = i;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    /** Field names pre-encoded, with their heads (see {@link #head(int, int)}). */
    private record Names(byte[][] bytes, long[] heads) {
    }

    private static Names names(String... names) {
        byte[][] bytes = new byte[names.length][];
        long[] heads = new long[names.length];
        for (int i = 0; i < names.length; i++) {
            bytes[i] = names[i].getBytes(StandardCharsets.US_ASCII);
            heads[i] = head(bytes[i]);
        }
        return new Names(bytes, heads);
    }
}
