package dev.logprobs4j.fuzz;

import java.util.List;
import java.util.function.Predicate;

/**
 * Findings already reported to the owners of the code, recognised by exception type and the
 * frame that threw, so that the fuzzers keep exploring past them instead of stopping at the same
 * bug again. Each entry has a failing regression test in {@link KnownFindingsTest} (disabled until
 * the fix lands); when a fix lands, delete the entry here.
 */
final class KnownFindings {
    private KnownFindings() {}

    /** One reported finding. */
    record Finding(String id, String summary, Predicate<Throwable> matches) {}

    /** Open findings; F1-F5 are fixed and their regression tests live in {@link KnownFindingsTest}. */
    static final List<Finding> ALL = List.of();

    static boolean isKnown(Throwable t) {
        return ALL.stream().anyMatch(f -> f.matches().test(t));
    }

    /** Whether {@code t} is a {@code type} with {@code className.method} on its stack. */
    static boolean thrownAt(Throwable t, Class<? extends Throwable> type, String className, String method) {
        if (!type.isInstance(t)) {
            return false;
        }
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().equals(className) && e.getMethodName().equals(method)) {
                return true;
            }
        }
        return false;
    }
}
