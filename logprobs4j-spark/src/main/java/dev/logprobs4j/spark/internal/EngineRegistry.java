package dev.logprobs4j.spark.internal;

import dev.logprobs4j.gguf.GgufFormatException;
import dev.logprobs4j.local.LocalChatModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * One {@link LocalChatModel} per model file and settings per executor JVM, shared by every task
 * that runs there. A static map rather than a broadcast value: Spark may drop and rebuild a
 * broadcast value after a GC, which would load the weights again. Engines live until the JVM exits.
 * Thread-safe.
 */
public final class EngineRegistry {

    private record Key(Path file, long size, long modified, int threads, int contextLength) {
    }

    private static final ConcurrentMap<Key, FutureTask<LocalChatModel>> ENGINES = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(EngineRegistry::closeAll, "logprobs4j-spark-engines"));
    }

    private EngineRegistry() {
    }

    /**
     * The engine for {@code modelPath} (a path on this node, or the name of a file shipped with
     * {@code SparkContext.addFile}), loading it on first use.
     *
     * @throws GgufFormatException when the file is missing or not a usable GGUF file
     */
    public static LocalChatModel engine(String modelPath, int threads, int contextLength) {
        Path file = resolve(modelPath);
        Key key;
        try {
            key = new Key(file.toAbsolutePath().normalize(), Files.size(file), Files.getLastModifiedTime(file).toMillis(),
                    threads, contextLength);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model file " + file + ": " + e.getMessage(), e);
        }
        FutureTask<LocalChatModel> task = ENGINES.computeIfAbsent(key, k -> new FutureTask<>(() -> load(k)));
        task.run(); // no-op once it ran: the first caller loads, the others wait in get()
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading " + file, e);
        } catch (ExecutionException e) {
            ENGINES.remove(key, task); // a later task may find a repaired file
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** How many engines this JVM holds (for tests). */
    public static int size() {
        return ENGINES.size();
    }

    static Path resolve(String modelPath) {
        Path file = Path.of(modelPath);
        if (Files.isRegularFile(file)) {
            return file;
        }
        if (file.getParent() == null) {
            try {
                Path shipped = Path.of(org.apache.spark.SparkFiles.get(modelPath));
                if (Files.isRegularFile(shipped)) {
                    return shipped;
                }
            } catch (RuntimeException noSparkEnv) {
                // not inside Spark, or no file of that name was added
            }
        }
        throw new GgufFormatException(file, -1, "the model file does not exist on " + host()
                + " (give modelPath a path present on every node, or ship it with SparkContext.addFile and give its file name)");
    }

    private static LocalChatModel load(Key k) {
        LocalChatModel.Builder b = LocalChatModel.builder().modelPath(k.file());
        if (k.threads() > 0) {
            b.threads(k.threads());
        }
        if (k.contextLength() > 0) {
            b.contextLength(k.contextLength());
        }
        return b.build();
    }

    private static String host() {
        try {
            return "host " + InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "this executor";
        }
    }

    private static void closeAll() {
        for (FutureTask<LocalChatModel> t : ENGINES.values()) {
            try {
                if (t.isDone()) {
                    t.get().close();
                }
            } catch (Exception ignored) {
                // the JVM is exiting
            }
        }
    }
}
