package dev.logprobs4j.bench;

import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Cost of adding up streamed chunks one by one ({@code full = full.add(chunk)}), the way every
 * streaming caller aggregates, for growing stream lengths. A linear {@code add} shows a constant
 * cost per chunk and a time ratio of about 2 when the length doubles; a quadratic one (like
 * LangChain.js's {@code concat}) shows about 4.
 *
 * <p>Usage: {@code ChunkAddBench [topLogprobs=0] [runs=7] [sizes=25000,50000,100000,200000,400000]}
 */
public final class ChunkAddBench {

    public static void main(String[] args) {
        int top = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        String[] sizeText = (args.length > 2 ? args[2] : "25000,50000,100000,200000,400000").split(",");
        System.out.printf("chunk add: one-token chunks with %d top_logprobs each, %d runs per size (min / median / max)%n", top, runs);
        System.out.printf("%10s  %-36s  %-14s  %s%n", "chunks", "time", "ns per chunk", "median ratio to half the chunks");
        double previous = Double.NaN;
        for (String s : sizeText) {
            int n = Integer.parseInt(s.trim());
            List<AIMessageChunk> chunks = chunks(n, top);
            foldOnce(chunks); // warm up
            double[] ms = new double[runs];
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                AIMessageChunk full = foldOnce(chunks);
                ms[r] = (System.nanoTime() - t0) / 1e6;
                if (full.logprobs().size() != n) {
                    throw new AssertionError("lost chunks: " + full.logprobs().size() + " of " + n);
                }
            }
            Stats st = Stats.of(ms);
            String ratio = Double.isNaN(previous) ? "-" : String.format("%.2f", st.median() / previous);
            System.out.printf("%10d  %-36s  %-14.1f  %s%n", n, st.format("ms"), st.median() * 1e6 / n, ratio);
            previous = st.median();
        }
    }

    private static AIMessageChunk foldOnce(List<AIMessageChunk> chunks) {
        AIMessageChunk full = null;
        for (AIMessageChunk c : chunks) {
            full = full == null ? c : full.add(c);
        }
        return full;
    }

    private static List<AIMessageChunk> chunks(int n, int top) {
        List<AIMessageChunk> out = new ArrayList<>(n + 1);
        out.add(AIMessageChunk.of("", Logprobs.EMPTY));
        for (int i = 0; i < n; i++) {
            String text = " w" + (i % 1000);
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            List<TopLogprob> alts = new ArrayList<>(top);
            for (int k = 0; k < top; k++) {
                alts.add(new TopLogprob(" a" + k, bytes, -0.1 - k));
            }
            out.add(AIMessageChunk.of(text, Logprobs.of(List.of(new TokenLogprob(text, bytes, -0.05, alts)))));
        }
        return out.subList(1, out.size());
    }
}
