package dev.logprobs4j.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runner of prompt-to-tokens generation on a {@link Session}, reporting each token's logprob.
 *
 * <p>Works on token ids only; stop strings belong to the caller, which can end generation from
 * its {@link StepListener}. Logprobs come from the engine's one {@link LogprobStep}: the
 * log-softmax of the raw logits, before temperature and truncation. Not thread-safe (it drives one
 * session).
 */
public final class Generator {
    /** Receiver of each generated step as it is produced. */
    @FunctionalInterface
    public interface StepListener {
        /**
         * Called for each generated token, before the next one is computed.
         *
         * @return true to continue, false to stop now with {@link FinishReason#STOP}
         */
        boolean onStep(GenerationStep step);

        /** A listener that always continues. */
        static StepListener none() {
            return step -> true;
        }
    }

    private final Session session;

    public Generator(Session session) {
        this.session = Objects.requireNonNull(session, "session");
    }

    /** {@link #generate(GenerationRequest, StepListener)} without a listener. */
    public GenerationResult generate(GenerationRequest request) {
        return generate(request, StepListener.none());
    }

    /**
     * Feeds the prompt at the session's current position, then samples up to
     * {@code maxTokens} tokens. The last generated token is not fed back, so afterwards the
     * session holds the prompt and all generated tokens but the last.
     *
     * @throws IllegalStateException if the prompt does not fit in the session's context
     */
    public GenerationResult generate(GenerationRequest request, StepListener listener) {
        int vocab = session.model().config().vocabularySize();
        LogprobStep logprobs = new LogprobStep(request.topLogprobs());
        List<GenerationStep> promptSteps = new ArrayList<>();
        float[] logits;
        int[] prompt = request.promptTokens();
        if (request.promptLogprobs()) {
            logits = session.score(prompt, logprobs, (i, step) -> promptSteps.add(step.toGenerationStep()));
        } else {
            logits = session.prefill(prompt);
        }
        Sampler sampler = new Sampler(request.sampling());
        List<GenerationStep> steps = new ArrayList<>();
        FinishReason reason = FinishReason.LENGTH;
        for (int n = 0; n < request.maxTokens(); n++) {
            int token = sampler.sample(logits, vocab);
            if (request.isStop(token)) {
                reason = FinishReason.STOP;
                break;
            }
            GenerationStep step = logprobs.compute(logits, 0, vocab, token).toGenerationStep();
            steps.add(step);
            if (!listener.onStep(step)) {
                reason = FinishReason.STOP;
                break;
            }
            if (n + 1 == request.maxTokens() || session.position() == session.contextLength()) {
                break;
            }
            logits = session.decode(token);
        }
        return new GenerationResult(promptSteps, steps, reason);
    }
}
