package dev.logprobs4j.engine;

import java.io.PrintStream;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.StringJoiner;

/**
 * Forked-JVM driver of llama.cpp b4916 (de.kherud:llama 4.1.0) with an F32 KV cache, for
 * {@link LlamaCppF32OracleIT}. It runs with only the 4.1.0 jar and the test classes on its class
 * path; the test sources compile against 3.4.1, so every 4.1.0-only call goes through reflection.
 *
 * <p>Usage: {@code LlamaCppEmbeddingOracleMain <model> <threads> <base64 text>...}. Per text it prints
 * {@code IDS <ids,...>} (llama.cpp's {@code encode}, no BOS), {@code EMB <floats,...>} (the
 * {@code embed} result with last-token pooling: the L2-normalised final RMS-normed hidden state of the
 * last prompt token) and {@code NEXT <base64 text>} (llama.cpp's greedy next token, from a second
 * model instance without embeddings), then {@code DONE}, and halts (llama.cpp can abort at exit).
 */
public final class LlamaCppEmbeddingOracleMain {
    private LlamaCppEmbeddingOracleMain() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        Class<?> modelClass = Class.forName("de.kherud.llama.LlamaModel");
        Class<?> paramsClass = Class.forName("de.kherud.llama.ModelParameters");
        Class<?> cacheType = Class.forName("de.kherud.llama.args.CacheType");
        Class<?> logFormat = Class.forName("de.kherud.llama.args.LogFormat");
        Method setLogger = modelClass.getMethod("setLogger", logFormat, java.util.function.BiConsumer.class);
        setLogger.invoke(null, enumValue(logFormat, "TEXT"), (java.util.function.BiConsumer<Object, String>) (level, msg) -> {});
        int threads = Integer.parseInt(args[1]);

        Object embedParams = params(paramsClass, cacheType, args[0], threads);
        call(embedParams, "enableEmbedding");
        // setPoolingType(PoolingType.LAST) passes "--pooling 3", which b4916's argument parser rejects
        // (it wants "last"), and the model then silently fails to load; set the argument directly.
        Field cli = Class.forName("de.kherud.llama.CliParameters").getDeclaredField("parameters");
        cli.setAccessible(true);
        @SuppressWarnings("unchecked")
        java.util.Map<String, String> cliArgs = (java.util.Map<String, String>) cli.get(embedParams);
        cliArgs.put("--pooling", "last");
        Object generateParams = params(paramsClass, cacheType, args[0], threads);

        Object embedModel = modelClass.getConstructor(paramsClass).newInstance(embedParams);
        Object generateModel = modelClass.getConstructor(paramsClass).newInstance(generateParams);
        Class<?> inferenceClass = Class.forName("de.kherud.llama.InferenceParameters");
        Base64.Encoder b64 = Base64.getEncoder();
        for (int a = 2; a < args.length; a++) {
            String text = new String(Base64.getDecoder().decode(args[a]), StandardCharsets.UTF_8);
            int[] ids = (int[]) modelClass.getMethod("encode", String.class).invoke(embedModel, text);
            StringJoiner idList = new StringJoiner(",");
            for (int id : ids) {
                idList.add(String.valueOf(id));
            }
            out.println("IDS " + idList);
            float[] emb = (float[]) modelClass.getMethod("embed", String.class).invoke(embedModel, text);
            StringJoiner embList = new StringJoiner(",");
            for (int i = 0; i < Array.getLength(emb); i++) {
                embList.add(Float.toString(emb[i]));
            }
            out.println("EMB " + embList);
            Object ip = inferenceClass.getConstructor(String.class).newInstance(text);
            inferenceClass.getMethod("setNPredict", int.class).invoke(ip, Integer.getInteger("oracle.npredict", 1));
            inferenceClass.getMethod("setTemperature", float.class).invoke(ip, 0f);
            inferenceClass.getMethod("setTopK", int.class).invoke(ip, 1);
            inferenceClass.getMethod("setCachePrompt", boolean.class).invoke(ip, false);
            String next = (String) modelClass.getMethod("complete", inferenceClass).invoke(generateModel, ip);
            out.println("NEXT " + b64.encodeToString(next.getBytes(StandardCharsets.UTF_8)));
        }
        out.println("DONE");
        out.flush();
        // Halt: freeing the models can crash or hang the JVM after all output is written.
        Runtime.getRuntime().halt(0);
    }

    private static Object params(Class<?> paramsClass, Class<?> cacheType, String model, int threads) throws Exception {
        Object p = paramsClass.getConstructor().newInstance();
        paramsClass.getMethod("setModel", String.class).invoke(p, model);
        paramsClass.getMethod("setThreads", int.class).invoke(p, threads);
        paramsClass.getMethod("setThreadsBatch", int.class).invoke(p, threads);
        paramsClass.getMethod("setCtxSize", int.class).invoke(p, 512);
        // The point of this oracle: K and V stay float32, as in the engine's exact path.
        paramsClass.getMethod("setCacheTypeK", cacheType).invoke(p, enumValue(cacheType, "F32"));
        paramsClass.getMethod("setCacheTypeV", cacheType).invoke(p, enumValue(cacheType, "F32"));
        return p;
    }

    private static void call(Object target, String method) throws Exception {
        target.getClass().getMethod(method).invoke(target);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumValue(Class<?> type, String name) {
        return Enum.valueOf((Class) type, name);
    }
}
