package dev.logprobs4j.cli.internal;

import java.util.Map;

/**
 * Colours text by how confident the model was, for a terminal: immutable and thread-safe.
 *
 * <p>Four levels with fixed thresholds, the same in the terminal and the HTML report: green above
 * 90 %, yellow above 50 %, orange above 20 %, red at or below 20 %. {@link #NONE} writes plain text;
 * {@link #detect} picks it whenever colour would end up as escape codes in a file or a pipe.
 */
public final class AnsiColors {

    /** How colours are written. */
    public enum Mode { NONE, ANSI256, TRUECOLOR }

    /** A confidence level, least confident last. */
    public enum Level {
        HIGH("> 90%"), MEDIUM("50–90%"), LOW("20–50%"), VERY_LOW("≤ 20%");

        private final String label;

        Level(String label) {
            this.label = label;
        }

        /** The level's range as people read it, e.g. {@code > 90%}. */
        public String label() {
            return label;
        }

        /** The level of probability {@code p} (0..1); NaN counts as very low. */
        public static Level of(double p) {
            if (p > 0.9) {
                return HIGH;
            }
            if (p > 0.5) {
                return MEDIUM;
            }
            if (p > 0.2) {
                return LOW;
            }
            return VERY_LOW;
        }
    }

    /** Plain text, no escape codes. */
    public static final AnsiColors NONE = new AnsiColors(Mode.NONE);

    private static final String RESET = "\033[0m";
    // xterm-256 indexes and RGB values chosen to stay readable on both dark and light backgrounds.
    private static final int[] XTERM = {35, 178, 208, 196};
    private static final int[][] RGB = {{46, 170, 90}, {215, 175, 0}, {240, 130, 20}, {225, 45, 45}};

    private final Mode mode;

    private AnsiColors(Mode mode) {
        this.mode = mode;
    }

    /** Colours written in {@code mode}. */
    public static AnsiColors of(Mode mode) {
        return mode == Mode.NONE ? NONE : new AnsiColors(mode);
    }

    /**
     * The colours to use: none when {@code --no-color} was given, {@code NO_COLOR} is set to anything
     * non-empty (no-color.org), {@code TERM=dumb}, or stdout is not a terminal; truecolor when
     * {@code COLORTERM} says {@code truecolor}/{@code 24bit}; 256 colours otherwise.
     */
    public static AnsiColors detect(Map<String, String> env, boolean stdoutIsTerminal, boolean noColorFlag) {
        String noColor = env.get("NO_COLOR");
        if (noColorFlag || noColor != null && !noColor.isEmpty() || !stdoutIsTerminal || "dumb".equals(env.get("TERM"))) {
            return NONE;
        }
        String colorTerm = env.getOrDefault("COLORTERM", "");
        return of(colorTerm.equals("truecolor") || colorTerm.equals("24bit") ? Mode.TRUECOLOR : Mode.ANSI256);
    }

    /** How colours are written. */
    public Mode mode() {
        return mode;
    }

    /** Whether this writes escape codes at all. */
    public boolean enabled() {
        return mode != Mode.NONE;
    }

    /** {@code text} in the foreground colour of probability {@code p}'s level. */
    public String paint(String text, double p) {
        return paint(text, Level.of(p));
    }

    /** {@code text} in {@code level}'s foreground colour. */
    public String paint(String text, Level level) {
        return switch (mode) {
            case NONE -> text;
            case ANSI256 -> "\033[38;5;" + XTERM[level.ordinal()] + "m" + text + RESET;
            case TRUECOLOR -> {
                int[] c = RGB[level.ordinal()];
                yield "\033[38;2;" + c[0] + ";" + c[1] + ";" + c[2] + "m" + text + RESET;
            }
        };
    }

    /** {@code text} dimmed (table headers, alternatives). */
    public String dim(String text) {
        return mode == Mode.NONE ? text : "\033[2m" + text + RESET;
    }

    /** {@code text} in bold. */
    public String bold(String text) {
        return mode == Mode.NONE ? text : "\033[1m" + text + RESET;
    }
}
