package de.kherud.llama;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Forked-JVM driver of the llama.cpp oracle (de.kherud:llama 3.4.1). It lives in the library's
 * package only to set the request's {@code prompt} to a JSON array of token ids, so that llama.cpp
 * sees exactly the tokens the engine sees.
 *
 * <p>Usage: {@code OracleMain <model> <threads> <probs|greedy|bench> <nProbs> <nPredict> <ids,ids,...>...}.
 * Prints one {@code TOK <b64 text> <b64 text>=<prob>,...} line per generated token, {@code END} after
 * each prompt, {@code TIME <first-token-ms> <per-token-ms...>} in bench mode, then {@code DONE}, and
 * halts (llama.cpp can abort during a normal JVM exit).
 */
public final class OracleMain {
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        LlamaModel.setLogger(de.kherud.llama.args.LogFormat.TEXT, (level, msg) -> {});
        int threads = Integer.parseInt(args[1]);
        String mode = args[2];
        int nProbs = Integer.parseInt(args[3]);
        int nPredict = Integer.parseInt(args[4]);
        ModelParameters mp = new ModelParameters().setModelFilePath(args[0]).setNThreads(threads).setNThreadsBatch(threads)
                .setNCtx(2048).setNGpuLayers(0);
        Base64.Encoder b64 = Base64.getEncoder();
        try (LlamaModel model = new LlamaModel(mp)) {
            for (int a = 5; a < args.length; a++) {
                InferenceParameters ip = new InferenceParameters("").setNPredict(nPredict).setCachePrompt(false).setSeed(42);
                // Penalties off explicitly: only the raw distribution may shape the probabilities.
                ip.setRepeatPenalty(1f).setFrequencyPenalty(0f).setPresencePenalty(0f).setPenalizeNl(false);
                if (mode.equals("probs")) {
                    // ignore_eos: a sampled EOS would end the reply without probabilities. It sets the EOS
                    // logit to -inf, so the caller compares against its distribution without EOS.
                    ip.setTemperature(1f).setTopK(0).setTopP(1f).setMinP(0f).setNProbs(nProbs).setIgnoreEos(true);
                } else {
                    ip.setTemperature(0f).setTopK(1).setIgnoreEos(false);
                }
                ip.parameters.put("prompt", "[" + args[a] + "]");
                long start = System.nanoTime();
                StringBuilder times = new StringBuilder();
                long last = start;
                for (LlamaOutput o : model.generate(ip)) {
                    long now = System.nanoTime();
                    times.append(' ').append((now - last) / 1e6);
                    last = now;
                    StringBuilder sb = new StringBuilder("TOK ").append(b64.encodeToString(o.text.getBytes(StandardCharsets.UTF_8)));
                    sb.append(' ');
                    boolean first = true;
                    for (Map.Entry<String, Float> e : o.probabilities.entrySet()) {
                        sb.append(first ? "" : ",").append(b64.encodeToString(e.getKey().getBytes(StandardCharsets.UTF_8)))
                                .append('=').append(e.getValue());
                        first = false;
                    }
                    out.println(sb);
                }
                if (mode.equals("bench")) {
                    out.println("TIME" + times);
                }
                out.println("END");
            }
            // Halt before close(): freeing the model can crash the JVM after all output is written.
            out.println("DONE");
            out.flush();
            Runtime.getRuntime().halt(0);
        }
    }
}
