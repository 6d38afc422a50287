package dev.logprobs4j.local.constraint;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * One compiled schema construct: a small byte automaton over a frame's {@code (phase, a, b)},
 * with calls to child nodes for nested values. Immutable. Identity is the node: the matcher keys
 * configurations by instance.
 */
abstract sealed class Node {
    /** The most spaces or tabs after the newline of a whitespace run (indentation). */
    static final int MAX_INDENT = 20;
    static final int MAX_INT_DIGITS = 15;
    static final int MAX_FRACTION_DIGITS = 15;
    static final int MAX_EXPONENT_DIGITS = 2;

    /** The next configuration after {@code b}, or {@link ByteMatcher#DEAD}. */
    abstract int step(ByteMatcher m, int cfg, int b);

    /** Whether the value may end in this state. */
    abstract boolean accepting(int phase, int a, int b);

    /** Whether the value has ended and can take no further byte. */
    abstract boolean isFinal(int phase, int a, int b);

    /** The bytes a value of this node can start with. */
    abstract BitSet firstBytes();

    abstract String name();

    static boolean isWhitespace(int b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    /**
     * The whitespace allowed between the tokens of an object or array: nothing, one space, or one
     * newline followed by up to {@link #MAX_INDENT} spaces or tabs. State 0: none yet, 1: after the
     * space, 2 + k: after the newline and k indentation bytes. Returns the next state or -1.
     */
    static int whitespace(int state, int b) {
        if (state == 0) {
            return b == ' ' ? 1 : b == '\n' ? 2 : -1;
        }
        return state >= 2 && state - 2 < MAX_INDENT && (b == ' ' || b == '\t') ? state + 1 : -1;
    }

    static boolean isDigit(int b) {
        return b >= '0' && b <= '9';
    }

    static boolean isHex(int b) {
        return isDigit(b) || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }

    /** The bottom frame: one value (phase 0), then nothing (phase 1). No whitespace around it. */
    static final class Root extends Node {
        private final Node value;

        Root(Node value) {
            this.value = value;
        }

        @Override
        int step(ByteMatcher m, int cfg, int b) {
            if (m.phase(cfg) != 0) {
                return ByteMatcher.DEAD;
            }
            return m.push(value, m.with(cfg, 1, 0, 0), b);
        }

        @Override
        boolean accepting(int phase, int a, int b) {
            return phase == 1;
        }

        @Override
        boolean isFinal(int phase, int a, int b) {
            return phase == 1;
        }

        @Override
        BitSet firstBytes() {
            return value.firstBytes();
        }

        @Override
        String name() {
            return "root";
        }
    }

    /** A choice among byte strings (enum, const, true, false, null): a byte trie; phase is the trie node. */
    static final class Literals extends Node {
        private final String name;
        private final List<int[]> next = new ArrayList<>(); // per trie node: 256 children, -1 none
        private final List<Boolean> terminal = new ArrayList<>();
        private final List<Boolean> leaf = new ArrayList<>();

        Literals(String name, List<byte[]> values) {
            this.name = name;
            newNode();
            for (byte[] v : values) {
                int n = 0;
                for (byte x : v) {
                    int c = next.get(n)[x & 0xFF];
                    if (c < 0) {
                        c = newNode();
                        next.get(n)[x & 0xFF] = c;
                        leaf.set(n, false);
                    }
                    n = c;
                }
                terminal.set(n, true);
            }
        }

        private int newNode() {
            int[] children = new int[256];
            java.util.Arrays.fill(children, -1);
            next.add(children);
            terminal.add(false);
            leaf.add(true);
            return next.size() - 1;
        }

        @Override
        int step(ByteMatcher m, int cfg, int b) {
            int c = next.get(m.phase(cfg))[b];
            return c < 0 ? ByteMatcher.DEAD : m.with(cfg, c, 0, 0);
        }

        @Override
        boolean accepting(int phase, int a, int b) {
            return terminal.get(phase);
        }

        @Override
        boolean isFinal(int phase, int a, int b) {
            return terminal.get(phase) && leaf.get(phase);
        }

        @Override
        BitSet firstBytes() {
            BitSet s = new BitSet(256);
            for (int b = 0; b < 256; b++) {
                if (next.get(0)[b] >= 0) {
                    s.set(b);
                }
            }
            return s;
        }

        @Override
        String name() {
            return name;
        }
    }

    /**
     * A JSON string of valid UTF-8 with JSON's escapes ({@code \\uXXXX} outside the surrogate range
     * D800-DFFF); {@code a} counts code points, saturating at the largest bound that matters.
     */
    static final class Str extends Node {
        private static final int START = 0, CHAR = 1, ESC = 2, U1 = 3, U2 = 4, U2D = 5, U3 = 6, U4 = 7,
                C1 = 8, C2 = 9, C3 = 10, E0 = 11, ED = 12, F0 = 13, F4 = 14, DONE = 15;
        private final int minLength;
        private final int maxLength; // -1: unbounded

        Str(int minLength, int maxLength) {
            this.minLength = minLength;
            this.maxLength = maxLength;
        }

        @Override
        int step(ByteMatcher m, int cfg, int b) {
            int phase = m.phase(cfg);
            int count = m.a(cfg);
            int to = switch (phase) {
                case START -> b == '"' ? CHAR : -1;
                case CHAR -> b == '"' ? (count >= minLength ? DONE : -1) : charStart(b, count);
                case ESC -> b == '"' || b == '\\' || b == '/' || b == 'b' || b == 'f' || b == 'n' || b == 'r' || b == 't'
                        ? CHAR : b == 'u' ? U1 : -1;
                case U1 -> isHex(b) ? (b == 'd' || b == 'D' ? U2D : U2) : -1;
                case U2 -> isHex(b) ? U3 : -1;
                case U2D -> b >= '0' && b <= '7' ? U3 : -1;
                case U3 -> isHex(b) ? U4 : -1;
                case U4 -> isHex(b) ? CHAR : -1;
                case C1 -> b >= 0x80 && b <= 0xBF ? CHAR : -1;
                case C2 -> b >= 0x80 && b <= 0xBF ? C1 : -1;
                case C3 -> b >= 0x80 && b <= 0xBF ? C2 : -1;
                case E0 -> b >= 0xA0 && b <= 0xBF ? C1 : -1;
                case ED -> b >= 0x80 && b <= 0x9F ? C1 : -1;
                case F0 -> b >= 0x90 && b <= 0xBF ? C2 : -1;
                case F4 -> b >= 0x80 && b <= 0x8F ? C2 : -1;
                default -> -1;
            };
            if (to < 0) {
                return ByteMatcher.DEAD;
            }
            if (phase == CHAR && to != DONE) {
                count = Math.min(count + 1, maxLength >= 0 ? maxLength : minLength);
            }
            return m.with(cfg, to, count, 0);
        }

        /** The state after the first byte of a character, or -1 (also when the string is full). */
        private int charStart(int b, int count) {
            if (maxLength >= 0 && count >= maxLength) {
                return -1;
            }
            if (b == '\\') {
                return ESC;
            }
            if (b < 0x20) {
                return -1; // control characters must be escaped
            }
            if (b < 0x80) {
                return CHAR;
            }
            if (b >= 0xC2 && b <= 0xDF) {
                return C1;
            }
            if (b == 0xE0) {
                return E0;
            }
            if (b == 0xED) {
                return ED; // no UTF-16 surrogates
            }
            if (b >= 0xE1 && b <= 0xEF) {
                return C2;
            }
            if (b == 0xF0) {
                return F0;
            }
            if (b >= 0xF1 && b <= 0xF3) {
                return C3;
            }
            return b == 0xF4 ? F4 : -1;
        }

        @Override
        boolean accepting(int phase, int a, int b) {
            return phase == DONE;
        }

        @Override
        boolean isFinal(int phase, int a, int b) {
            return phase == DONE;
        }

        @Override
        BitSet firstBytes() {
            BitSet s = new BitSet(256);
            s.set('"');
            return s;
        }

        @Override
        String name() {
            return "string";
        }
    }

    /**
     * A JSON number {@code -?(0|[1-9][0-9]{0,14})(\.[0-9]{1,15})?([eE][+-]?[0-9]{1,2})?}; integers
     * stop before the fraction. Bounded digit runs keep a sampler from running on forever.
     */
    static final class Num extends Node {
        private static final int START = 0, MINUS = 1, ZERO = 2, INT = 3, DOT = 4, FRAC = 5, E = 6, ESIGN = 7, EXP = 8;
        private final boolean integer;

        Num(boolean integer) {
            this.integer = integer;
        }

        @Override
        int step(ByteMatcher m, int cfg, int b) {
            int phase = m.phase(cfg);
            int n = m.a(cfg);
            boolean digit = isDigit(b);
            switch (phase) {
                case START:
                    if (b == '-') {
                        return m.with(cfg, MINUS, 0, 0);
                    }
                    // fall through: the same as after a minus sign
                case MINUS:
                    return b == '0' ? m.with(cfg, ZERO, 0, 0) : digit ? m.with(cfg, INT, 1, 0) : ByteMatcher.DEAD;
                case INT:
                    if (digit) {
                        return n < MAX_INT_DIGITS ? m.with(cfg, INT, n + 1, 0) : ByteMatcher.DEAD;
                    }
                    // fall through: fraction or exponent
                case ZERO:
                    if (integer) {
                        return ByteMatcher.DEAD;
                    }
                    return b == '.' ? m.with(cfg, DOT, 0, 0) : b == 'e' || b == 'E' ? m.with(cfg, E, 0, 0) : ByteMatcher.DEAD;
                case DOT:
                    return digit ? m.with(cfg, FRAC, 1, 0) : ByteMatcher.DEAD;
                case FRAC:
                    if (digit) {
                        return n < MAX_FRACTION_DIGITS ? m.with(cfg, FRAC, n + 1, 0) : ByteMatcher.DEAD;
                    }
                    return b == 'e' || b == 'E' ? m.with(cfg, E, 0, 0) : ByteMatcher.DEAD;
                case E:
                    if (b == '+' || b == '-') {
                        return m.with(cfg, ESIGN, 0, 0);
                    }
                    // fall through: a digit
                case ESIGN:
                    return digit ? m.with(cfg, EXP, 1, 0) : ByteMatcher.DEAD;
                case EXP:
                    return digit && n < MAX_EXPONENT_DIGITS ? m.with(cfg, EXP, n + 1, 0) : ByteMatcher.DEAD;
                default:
                    return ByteMatcher.DEAD;
            }
        }

        @Override
        boolean accepting(int phase, int a, int b) {
            return phase == ZERO || phase == INT || phase == FRAC || phase == EXP;
        }

        @Override
        boolean isFinal(int phase, int a, int b) {
            return (phase == EXP && a >= MAX_EXPONENT_DIGITS) || (integer && (phase == ZERO || (phase == INT && a >= MAX_INT_DIGITS)));
        }

        @Override
        BitSet firstBytes() {
            BitSet s = new BitSet(256);
            s.set('-');
            s.set('0', '9' + 1);
            return s;
        }

        @Override
        String name() {
            return integer ? "integer" : "number";
        }
    }

    /**
     * An object with fixed keys in {@code properties} order: each optional key may be left out,
     * no other key appears. Phases: 0 before {@code {}, 1 after {@code {} (a = next property,
     * b = whitespace run), 2 after a comma, 3 in a key (b = key trie node), 4 after a key (a =
     * property), 5 after the colon, 6 after a value (a = next property).
     */
    static final class Obj extends Node {
        private static final int START = 0, OPEN = 1, COMMA = 2, KEY = 3, AFTER_KEY = 4, COLON = 5, AFTER_VALUE = 6, DONE = 7;
        private final Node[] values;
        private final int[] lastCandidate; // per next property: the last one that may come next (the first required)
        private final boolean[] anyRequiredFrom; // per next property (0..n): whether a required one remains
        private final List<int[]> keyNext = new ArrayList<>(); // key trie over the encoded keys, quotes included
        private final List<Integer> keyEnd = new ArrayList<>(); // property whose key ends at the node, or -1
        private final List<BitSet> keyProps = new ArrayList<>(); // properties below the node

        Obj(List<byte[]> keys, List<Node> values, boolean[] required) {
            int n = keys.size();
            this.values = values.toArray(new Node[0]);
            this.lastCandidate = new int[n + 1];
            this.anyRequiredFrom = new boolean[n + 1];
            int firstRequired = n;
            for (int i = n; i >= 0; i--) {
                if (i < n && required[i]) {
                    firstRequired = i;
                }
                lastCandidate[i] = Math.min(firstRequired, n - 1);
                anyRequiredFrom[i] = firstRequired < n;
            }
            newKeyNode();
            for (int p = 0; p < n; p++) {
                int node = 0;
                keyProps.get(0).set(p);
                for (byte x : keys.get(p)) {
                    int c = keyNext.get(node)[x & 0xFF];
                    if (c < 0) {
                        c = newKeyNode();
                        keyNext.get(node)[x & 0xFF] = c;
                    }
                    node = c;
                    keyProps.get(node).set(p);
                }
                keyEnd.set(node, p);
            }
        }

        private int newKeyNode() {
            int[] children = new int[256];
            java.util.Arrays.fill(children, -1);
            keyNext.add(children);
            keyEnd.add(-1);
            keyProps.add(new BitSet());
            return keyNext.size() - 1;
        }

        @Override
        int step(ByteMatcher m, int cfg, int b) {
            int phase = m.phase(cfg);
            int a = m.a(cfg);
            int ws = m.b(cfg);
            int n = values.length;
            if (isWhitespace(b) && phase != START && phase != KEY) {
                int next = whitespace(ws, b);
                return next >= 0 ? m.with(cfg, phase, a, next) : ByteMatcher.DEAD;
            }
            switch (phase) {
                case START:
                    return b == '{' ? m.with(cfg, OPEN, 0, 0) : ByteMatcher.DEAD;
                case OPEN:
                    if (b == '}') {
                        return anyRequiredFrom[0] ? ByteMatcher.DEAD : m.with(cfg, DONE, 0, 0);
                    }
                    // fall through: a key
                case COMMA:
                    return a < n ? key(m, cfg, a, 0, b) : ByteMatcher.DEAD;
                case KEY:
                    return key(m, cfg, a, ws, b);
                case AFTER_KEY:
                    return b == ':' ? m.with(cfg, COLON, a, 0) : ByteMatcher.DEAD;
                case COLON:
                    return m.push(values[a], m.with(cfg, AFTER_VALUE, a + 1, 0), b);
                case AFTER_VALUE:
                    if (b == ',') {
                        return a < n ? m.with(cfg, COMMA, a, 0) : ByteMatcher.DEAD;
                    }
                    if (b == '}') {
                        return anyRequiredFrom[a] ? ByteMatcher.DEAD : m.with(cfg, DONE, 0, 0);
                    }
                    return ByteMatcher.DEAD;
                default:
                    return ByteMatcher.DEAD;
            }
        }

        /** One byte of a key whose property lies within [next, the first required at or after next]. */
        private int key(ByteMatcher m, int cfg, int next, int trieNode, int b) {
            int c = keyNext.get(trieNode)[b];
            if (c < 0) {
                return ByteMatcher.DEAD;
            }
            int p = keyProps.get(c).nextSetBit(next);
            if (p < 0 || p > lastCandidate[next]) {
                return ByteMatcher.DEAD;
            }
            int end = keyEnd.get(c);
            return end >= 0 ? m.with(cfg, AFTER_KEY, end, 0) : m.with(cfg, KEY, next, c);
        }

        @Override
        boolean accepting(int phase, int a, int b) {
            return phase == DONE;
        }

        @Override
        boolean isFinal(int phase, int a, int b) {
            return phase == DONE;
        }

        @Override
        BitSet firstBytes() {
            BitSet s = new BitSet(256);
            s.set('{');
            return s;
        }

        @Override
        String name() {
            return "object";
        }
    }

    /** Any JSON object: string keys (repeats allowed, as JSON allows them), any values. */
    static final class AnyObj extends Node {
        private static final int START = 0, OPEN = 1, COMMA = 2, AFTER_KEY = 4, COLON = 5, AFTER_VALUE = 6, DONE = 7;
        private final Node key = new Str(0, -1);
        private Node value; // set once, after construction: values nest objects

        void value(Node value) {
            this.value = value;
        }

        @Override
        int step(ByteMatcher m, int cfg, int b) {
            int phase = m.phase(cfg);
            int ws = m.b(cfg);
            if (isWhitespace(b) && phase != START) {
                int next = whitespace(ws, b);
                return next >= 0 ? m.with(cfg, phase, 0, next) : ByteMatcher.DEAD;
            }
            return switch (phase) {
                case START -> b == '{' ? m.with(cfg, OPEN, 0, 0) : ByteMatcher.DEAD;
                case OPEN -> b == '}' ? m.with(cfg, DONE, 0, 0) : m.push(key, m.with(cfg, AFTER_KEY, 0, 0), b);
                case COMMA -> m.push(key, m.with(cfg, AFTER_KEY, 0, 0), b);
                case AFTER_KEY -> b == ':' ? m.with(cfg, COLON, 0, 0) : ByteMatcher.DEAD;
                case COLON -> m.push(value, m.with(cfg, AFTER_VALUE, 0, 0), b);
                case AFTER_VALUE -> b == ',' ? m.with(cfg, COMMA, 0, 0) : b == '}' ? m.with(cfg, DONE, 0, 0) : ByteMatcher.DEAD;
                default -> ByteMatcher.DEAD;
            };
        }

        @Override
        boolean accepting(int phase, int a, int b) {
            return phase == DONE;
        }

        @Override
        boolean isFinal(int phase, int a, int b) {
            return phase == DONE;
        }

        @Override
        BitSet firstBytes() {
            BitSet s = new BitSet(256);
            s.set('{');
            return s;
        }

        @Override
        String name() {
            return "object";
        }
    }

    /** An array of {@code items} with {@code minItems..maxItems} elements; {@code a} counts them, saturating. */
    static final class Arr extends Node {
        private static final int START = 0, OPEN = 1, AFTER_ITEM = 2, COMMA = 3, DONE = 4;
        private Node items; // set once, after construction: arrays may nest
        private final int minItems;
        private final int maxItems; // -1: unbounded

        Arr(Node items, int minItems, int maxItems) {
            this.items = items;
            this.minItems = minItems;
            this.maxItems = maxItems;
        }

        void items(Node items) {
            this.items = items;
        }

        @Override
        int step(ByteMatcher m, int cfg, int b) {
            int phase = m.phase(cfg);
            int count = m.a(cfg);
            int ws = m.b(cfg);
            if (isWhitespace(b) && phase != START) {
                int next = whitespace(ws, b);
                return next >= 0 ? m.with(cfg, phase, count, next) : ByteMatcher.DEAD;
            }
            int cap = maxItems >= 0 ? maxItems : minItems;
            switch (phase) {
                case START:
                    return b == '[' ? m.with(cfg, OPEN, 0, 0) : ByteMatcher.DEAD;
                case OPEN:
                    if (b == ']') {
                        return minItems == 0 ? m.with(cfg, DONE, 0, 0) : ByteMatcher.DEAD;
                    }
                    return maxItems == 0 ? ByteMatcher.DEAD : m.push(items, m.with(cfg, AFTER_ITEM, Math.min(1, cap), 0), b);
                case AFTER_ITEM:
                    if (b == ',') {
                        return maxItems < 0 || count < maxItems ? m.with(cfg, COMMA, count, 0) : ByteMatcher.DEAD;
                    }
                    if (b == ']') {
                        return count >= minItems ? m.with(cfg, DONE, 0, 0) : ByteMatcher.DEAD;
                    }
                    return ByteMatcher.DEAD;
                case COMMA:
                    return m.push(items, m.with(cfg, AFTER_ITEM, Math.min(count + 1, cap), 0), b);
                default:
                    return ByteMatcher.DEAD;
            }
        }

        @Override
        boolean accepting(int phase, int a, int b) {
            return phase == DONE;
        }

        @Override
        boolean isFinal(int phase, int a, int b) {
            return phase == DONE;
        }

        @Override
        BitSet firstBytes() {
            BitSet s = new BitSet(256);
            s.set('[');
            return s;
        }

        @Override
        String name() {
            return "array";
        }
    }

    /**
     * A choice of values told apart by their first byte (a {@code type} list, or any JSON value).
     * Objects and arrays deeper than {@code maxDepth} frames are left out, so that nesting, and the
     * number of configurations, stays finite.
     */
    static final class Union extends Node {
        private final Node[] choices;
        private final int maxDepth;

        Union(List<Node> choices, int maxDepth) {
            this.choices = choices.toArray(new Node[0]);
            this.maxDepth = maxDepth;
        }

        @Override
        int step(ByteMatcher m, int cfg, int b) {
            for (Node c : choices) {
                if (c.firstBytes().get(b)) {
                    if ((c instanceof AnyObj || c instanceof Arr) && m.depth(cfg) > maxDepth) {
                        return ByteMatcher.DEAD;
                    }
                    return m.push(c, m.parent(cfg), b);
                }
            }
            return ByteMatcher.DEAD;
        }

        @Override
        boolean accepting(int phase, int a, int b) {
            return false;
        }

        @Override
        boolean isFinal(int phase, int a, int b) {
            return false;
        }

        @Override
        BitSet firstBytes() {
            BitSet s = new BitSet(256);
            for (Node c : choices) {
                s.or(c.firstBytes());
            }
            return s;
        }

        @Override
        String name() {
            return "union";
        }
    }
}
