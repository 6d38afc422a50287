package dev.logprobs4j.engine.internal;

/**
 * The check that the JDK's Vector API module is readable before any kernel class loads. Stateless.
 *
 * <p>The weight matrices hold their vector kernel and its scalar twin in one class, and the JVM
 * verifies a class as a whole: without {@code jdk.incubator.vector} in the boot layer, loading any
 * of them fails with {@code NoClassDefFoundError: jdk/incubator/vector/Vector}, even with
 * {@code -Dlogprobs4j.kernels=scalar}. Failing first, with the flag named, is what a user can act on.
 */
public final class VectorApi {

    /** The JVM option that makes the module readable. */
    public static final String FLAG = "--add-modules jdk.incubator.vector";

    private static final boolean PRESENT = present();

    private VectorApi() {
    }

    /**
     * Returns normally when the Vector API can be loaded.
     *
     * @throws IllegalStateException naming the JVM option to add, for plain java, Surefire and exec:java
     */
    public static void require() {
        if (!PRESENT) {
            throw new IllegalStateException("the logprobs4j engine needs the JDK's Vector API: start java with "
                    + FLAG + " (Maven Surefire/Failsafe: <argLine>" + FLAG + "</argLine>; mvn exec:java: put "
                    + FLAG + " in MAVEN_OPTS or .mvn/jvm.config; Gradle: jvmArgs '--add-modules', 'jdk.incubator.vector')");
        }
    }

    private static boolean present() {
        try {
            // Not initialised, only resolved: the same lookup the verifier makes for the kernels.
            Class.forName("jdk.incubator.vector.Vector", false, VectorApi.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
