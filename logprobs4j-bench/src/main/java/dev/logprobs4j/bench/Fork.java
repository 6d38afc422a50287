package dev.logprobs4j.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runner of a worker main class in a child JVM that collects its {@code RESULT name value} lines.
 * The child's exit code is not trusted (llama.cpp's JNI may abort while exiting); a child that
 * printed no result or outlived its timeout is an error. Stateless; thread-safe.
 */
final class Fork {
    private static final Pattern RESULT = Pattern.compile("RESULT (\\S+) ([-+0-9.eE]+|NaN|Infinity)");

    private Fork() {}

    /** Result samples by name, in the order the child printed them. */
    record Results(Map<String, double[]> samples, String log, String errors) {
        double[] get(String name) {
            double[] v = samples.get(name);
            if (v == null) {
                throw new IllegalStateException("worker printed no RESULT " + name + "; its output:\n" + log);
            }
            return v;
        }

        boolean has(String name) {
            return samples.containsKey(name);
        }

        /** These results followed by {@code other}'s, sample lists concatenated per name. */
        Results plus(Results other) {
            Map<String, double[]> m = new LinkedHashMap<>(samples);
            other.samples.forEach((k, v) -> m.merge(k, v, (a, b) -> {
                double[] c = java.util.Arrays.copyOf(a, a.length + b.length);
                System.arraycopy(b, 0, c, a.length, b.length);
                return c;
            }));
            return new Results(m, other.log, errors + other.errors);
        }
    }

    static Results run(String classPath, String mainClass, List<String> jvmArgs, List<String> args, long timeoutSeconds) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.addAll(jvmArgs);
        cmd.add(mainClass);
        cmd.addAll(args);
        return runCommand(cmd, timeoutSeconds);
    }

    /** Runs any command that prints RESULT lines. */
    static Results runCommand(List<String> cmd, long timeoutSeconds) {
        String mainClass = cmd.get(0);
        List<String> args = cmd.subList(1, cmd.size());
        try {
            Path log = Files.createTempFile("logprobs4j-bench-", ".out");
            Path err = Files.createTempFile("logprobs4j-bench-", ".err");
            Process p = new ProcessBuilder(cmd).redirectOutput(log.toFile()).redirectError(err.toFile()).start();
            boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            String errors = new String(Files.readAllBytes(err), StandardCharsets.UTF_8);
            Files.deleteIfExists(log);
            Files.deleteIfExists(err);
            Map<String, List<Double>> acc = new LinkedHashMap<>();
            try (BufferedReader r = new BufferedReader(new java.io.StringReader(out))) {
                for (String line; (line = r.readLine()) != null; ) {
                    Matcher m = RESULT.matcher(line);
                    if (m.matches()) {
                        acc.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(Double.parseDouble(m.group(2)));
                    }
                }
            }
            if (acc.isEmpty()) {
                throw new IllegalStateException(mainClass + " " + args + (done ? " printed no result" : " timed out after "
                        + timeoutSeconds + " s") + "; its output:\n" + tail(out) + "\nits errors:\n" + tail(errors));
            }
            Map<String, double[]> samples = new LinkedHashMap<>();
            acc.forEach((k, v) -> samples.put(k, v.stream().mapToDouble(Double::doubleValue).toArray()));
            return new Results(samples, tail(out), errors);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static String javaExecutable() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static String tail(String s) {
        return s.length() <= 4000 ? s : "..." + s.substring(s.length() - 4000);
    }

}
