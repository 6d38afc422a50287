package dev.logprobs4j.local.template.internal;

import java.time.LocalDateTime;
import java.time.format.TextStyle;
import java.time.temporal.IsoFields;
import java.util.Locale;

/**
 * Python's {@code datetime.strftime} in the C/English locale, for the {@code strftime_now(fmt)}
 * function that HuggingFace passes to templates (Llama 3.1+ prints "Today Date: 26 Jul 2024" with
 * {@code "%d %b %Y"}). Covers the C89 directives plus glibc's {@code %-d}-style unpadded forms.
 * Stateless and thread-safe.
 */
public final class PyStrftime {

  private PyStrftime() {}

  /** {@code time.strftime(format)} of {@code t}. */
  public static String format(String format, LocalDateTime t) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < format.length(); i++) {
      char c = format.charAt(i);
      if (c != '%' || i + 1 == format.length()) {
        out.append(c);
        continue;
      }
      char d = format.charAt(++i);
      boolean pad = true;
      if (d == '-' && i + 1 < format.length()) {
        pad = false;
        d = format.charAt(++i);
      }
      switch (d) {
        case 'a' -> out.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
        case 'A' -> out.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
        case 'b', 'h' -> out.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
        case 'B' -> out.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
        case 'd' -> number(out, t.getDayOfMonth(), 2, pad);
        case 'e' -> out.append(pad && t.getDayOfMonth() < 10 ? " " : "").append(t.getDayOfMonth());
        case 'm' -> number(out, t.getMonthValue(), 2, pad);
        case 'y' -> number(out, t.getYear() % 100, 2, pad);
        case 'Y' -> out.append(t.getYear());
        case 'H' -> number(out, t.getHour(), 2, pad);
        case 'I' -> number(out, t.getHour() % 12 == 0 ? 12 : t.getHour() % 12, 2, pad);
        case 'M' -> number(out, t.getMinute(), 2, pad);
        case 'S' -> number(out, t.getSecond(), 2, pad);
        case 'f' -> number(out, t.getNano() / 1000, 6, true);
        case 'p' -> out.append(t.getHour() < 12 ? "AM" : "PM");
        case 'j' -> number(out, t.getDayOfYear(), 3, pad);
        case 'w' -> out.append(t.getDayOfWeek().getValue() % 7);
        case 'u' -> out.append(t.getDayOfWeek().getValue());
        case 'V' -> number(out, t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), 2, pad);
        case 'G' -> out.append(t.get(IsoFields.WEEK_BASED_YEAR));
        case 'U' -> number(out, (t.getDayOfYear() + 6 - t.getDayOfWeek().getValue() % 7) / 7, 2, pad);
        case 'W' -> number(out, (t.getDayOfYear() + 6 - (t.getDayOfWeek().getValue() + 6) % 7) / 7, 2, pad);
        case 'c' -> out.append(format("%a %b %e %H:%M:%S %Y", t));
        case 'x' -> out.append(format("%m/%d/%y", t));
        case 'X' -> out.append(format("%H:%M:%S", t));
        case 'D' -> out.append(format("%m/%d/%y", t));
        case 'F' -> out.append(format("%Y-%m-%d", t));
        case 'T' -> out.append(format("%H:%M:%S", t));
        case 'R' -> out.append(format("%H:%M", t));
        case 'z', 'Z' -> { } // a naive datetime (datetime.now()) has no zone: Python prints nothing
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case '%' -> out.append('%');
        default -> out.append('%').append(pad ? "" : "-").append(d);
      }
    }
    return out.toString();
  }

  private static void number(StringBuilder out, long value, int width, boolean pad) {
    String digits = Long.toString(value);
    if (pad) {
      out.append("0".repeat(Math.max(0, width - digits.length())));
    }
    out.append(digits);
  }

}
