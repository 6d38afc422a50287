package dev.logprobs4j.fuzz;

import java.util.List;
import java.util.function.Predicate;

/**
 * Findings already reported to the owners of the code, recognised by exception type and the
 * frame that threw, so that the fuzzers keep exploring past them instead of stopping at the same
 * bug again. Each entry has a failing regression test in {@link KnownFindingsTest} (disabled until
 * the fix lands); when a fix lands, delete the entry here and the {@code @Disabled} there.
 */
final class KnownFindings {
    private KnownFindings() {}

    /** One reported finding. */
    record Finding(String id, String summary, Predicate<Throwable> matches) {}

    private static final String LOADER = "dev.logprobs4j.engine.internal.ModelLoader";

    static final List<Finding> ALL = List.of(
            new Finding("F1", "head_count = 0: ArithmeticException '/ by zero' in ModelLoader.config",
                    t -> thrownAt(t, ArithmeticException.class, LOADER, "config") && "/ by zero".equals(t.getMessage())),
            new Finding("F2", "huge block_count: OutOfMemoryError from new ArrayList<>(blockCount) in ModelLoader.weights",
                    // Under Jazzer's fuzzing mode these OutOfMemoryErrors arrive without a stack trace
                    // (block_count 875574320 gave "Java heap space"); replayed without Jazzer they show
                    // ModelLoader.weights. A trace-less OOM is therefore attributed to F2 too.
                    t -> thrownAt(t, OutOfMemoryError.class, LOADER, "weights")
                            || t instanceof OutOfMemoryError && t.getStackTrace().length == 0),
            new Finding("F3", "ModelConfig validation IllegalArgumentException escapes Model.load (documents GgufFormatException)",
                    t -> thrownAt(t, IllegalArgumentException.class, "dev.logprobs4j.engine.ModelConfig", "<init>")),
            new Finding("F4", "WeightMatrices.of IllegalArgumentException (type without kernel, bad shape) escapes Model.load",
                    t -> thrownAt(t, IllegalArgumentException.class, "dev.logprobs4j.engine.tensor.WeightMatrices", "of")),
            new Finding("F5", "token_embd dim(1) > Integer.MAX_VALUE: ArithmeticException from Math.toIntExact in ModelLoader.config",
                    t -> thrownAt(t, ArithmeticException.class, LOADER, "config") && "integer overflow".equals(t.getMessage())));

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
