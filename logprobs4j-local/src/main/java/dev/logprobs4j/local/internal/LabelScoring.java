package dev.logprobs4j.local.internal;

import dev.logprobs4j.LabelScores;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.engine.Session;
import java.util.Arrays;
import java.util.List;

/**
 * Scores labels as continuations of one prompt on the local engine: the prompt is prefilled once,
 * then each label is teacher-forced on the same KV cache, which is rewound to the prompt's end
 * between labels. Not thread-safe: one instance per call.
 *
 * <p>A label's tokens are those that {@code encode(prompt + label)} has after the prompt's tokens,
 * so its logprob is {@code log P(prompt + label) - log P(prompt)}. When the label merges with the
 * prompt's last token(s) (the prompt's tokens are not a prefix of the joined text's: {@code "gi"} +
 * {@code "rl"} makes {@code "girl"}), the merged tokens are scored with the label: its tokens are
 * those of {@code prompt + label} after the tokens the two texts share, scored given those. Only
 * that tail is fed again (then the prompt's own tail, for the next labels); the prompt is not
 * prefilled a second time.
 */
public final class LabelScoring {

    /** The few engine calls label scoring makes; a {@link Session} in production, counted in tests. */
    public interface Forward {
        float[] prefill(int[] tokens);

        float[] prefill(int[] tokens, Session.LogitsConsumer consumer);

        void rewind(int position);

        int position();

        static Forward of(Session session) {
            return new Forward() {
                @Override
                public float[] prefill(int[] tokens) {
                    return session.prefill(tokens);
                }

                @Override
                public float[] prefill(int[] tokens, Session.LogitsConsumer consumer) {
                    return session.prefill(tokens, consumer);
                }

                @Override
                public void rewind(int position) {
                    session.rewind(position);
                }

                @Override
                public int position() {
                    return session.position();
                }
            };
        }
    }

    /** How a text becomes tokens: the same for the prompt and for prompt + label. */
    public interface Encoder {
        int[] encode(String text);
    }

    private final LocalEngine engine;

    public LabelScoring(LocalEngine engine) {
        this.engine = engine;
    }

    /** Scores {@code labels} after {@code prompt} with a pooled session. */
    public LabelScores score(String prompt, List<String> labels, Encoder encoder) {
        Session session = engine.acquire();
        try {
            return score(prompt, labels, encoder, Forward.of(session), session.contextLength());
        } finally {
            engine.release(session);
        }
    }

    /** Scores {@code labels} after {@code prompt} on {@code forward}, an empty cache of {@code context} tokens. */
    public LabelScores score(String prompt, List<String> labels, Encoder encoder, Forward forward, int context) {
        LabelScores.checkLabels(labels);
        int[] p = encoder.encode(prompt);
        if (p.length == 0) {
            throw new IllegalArgumentException("the prompt must not be empty");
        }
        if (p.length >= context) {
            throw new IllegalArgumentException("the prompt takes " + p.length + " tokens but the context holds " + context
                    + ": use a shorter prompt or a larger context length");
        }
        int vocab = engine.vocabularySize();
        // Prefilled once: every label starts from these logits and this cache.
        float[] afterPrompt = Arrays.copyOf(forward.prefill(p), vocab);
        double[] logprobs = new double[labels.size()];
        int[] counts = new int[labels.size()];
        int[] ranks = new int[labels.size()];
        for (int i = 0; i < labels.size(); i++) {
            int[] q = encoder.encode(prompt + labels.get(i));
            if (q.length > context) {
                throw new IllegalArgumentException("prompt and label '" + labels.get(i) + "' take " + q.length
                        + " tokens but the context holds " + context + ": use a shorter prompt or a larger context length");
            }
            int k = commonPrefix(p, q);
            double[] sum = new double[1];
            if (k == p.length) {
                if (q.length == k) {
                    throw new IllegalArgumentException("label '" + labels.get(i) + "' adds no token after the prompt");
                }
                TokenLogprob first = engine.tokenLogprob(afterPrompt, 0, q[k], 0);
                sum[0] = first.logprob();
                ranks[i] = first.rank();
                if (q.length - k > 1) {
                    forward.rewind(p.length);
                    int[] fed = Arrays.copyOfRange(q, k, q.length - 1); // the last token predicts nothing we need
                    forward.prefill(fed, (index, logits, offset) ->
                            sum[0] += engine.tokenLogprob(logits, offset, q[k + index + 1], 0).logprob());
                }
            } else {
                if (q.length <= Math.max(k, 1)) {
                    throw new IllegalArgumentException("label '" + labels.get(i) + "' adds no token after the prompt");
                }
                ranks[i] = boundary(p, q, k, forward, sum);
            }
            logprobs[i] = Math.min(0, sum[0]);
            counts[i] = q.length - (k == p.length ? k : Math.max(k, 1));
        }
        forward.rewind(p.length);
        return LabelScores.exact(labels, logprobs, counts, ranks);
    }

    /**
     * The label merged with the prompt's end: scores {@code q[k..]} given {@code q[..k)} (the tokens
     * the two texts share), then feeds the prompt's own tail back. Returns the rank of {@code q[k]}.
     */
    private int boundary(int[] p, int[] q, int k, Forward forward, double[] sum) {
        int from = Math.max(0, k - 1); // feed from the last shared token to get the logits that predict q[k]
        int firstScored = Math.max(k, 1); // with no shared token, q[0] is predicted by nothing
        int[] rank = new int[1];
        forward.rewind(from);
        forward.prefill(Arrays.copyOfRange(q, from, q.length - 1), (index, logits, offset) -> {
            int next = from + index + 1;
            if (next >= firstScored && next < q.length) {
                TokenLogprob t = engine.tokenLogprob(logits, offset, q[next], 0);
                sum[0] += t.logprob();
                if (next == firstScored) {
                    rank[0] = t.rank();
                }
            }
        });
        forward.rewind(from);
        forward.prefill(Arrays.copyOfRange(p, from, p.length)); // the prompt's tail, for the labels after this one
        return rank[0];
    }

    private static int commonPrefix(int[] a, int[] b) {
        int n = Math.min(a.length, b.length);
        int i = 0;
        while (i < n && a[i] == b[i]) {
            i++;
        }
        return i;
    }
}
