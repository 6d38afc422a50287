package dev.logprobs4j.local.internal;

import dev.logprobs4j.engine.LogprobStep;
import dev.logprobs4j.ResponseFormat;
import dev.logprobs4j.engine.Model;
import dev.logprobs4j.local.constraint.TokenGrammar;
import dev.logprobs4j.local.constraint.TokenTrie;
import dev.logprobs4j.engine.Session;
import dev.logprobs4j.local.template.ChatTemplate;
import dev.logprobs4j.local.template.TemplateMessage;
import dev.logprobs4j.Message;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import dev.logprobs4j.tokenizer.Tokenizer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every {@code LocalChatModel} bound from one file shares: the mapped model, its tokenizer
 * and chat template, and a pool of sessions (each holds a KV cache, which is too big to allocate
 * per call), and the {@link DecodeScheduler} that steps their concurrent generations together.
 * Thread-safe.
 *
 * <p>Concurrent scoring calls share prefills the same way ({@link PrefillScheduler}): their texts
 * are packed into common forward passes. System property {@code logprobs4j.batching=false} makes
 * every generation decode alone and every text prefill alone (the behaviour before batching), e.g.
 * to compare the two.
 */
public final class LocalEngine implements AutoCloseable {

    private final Model model;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final String name;
    private final int contextLength;
    private final ArrayDeque<Idle> idle = new ArrayDeque<>(); // guarded by itself, most recently released first
    private long reusedTokens; // statistics, guarded by idle

    /** A pooled session and the prompt tokens whose keys and values it still holds (positions 0..). */
    private record Idle(Session session, int[] tokens) {}
    private final String[] displayCache; // token text per id, filled lazily
    private final byte[][] bytesCache;
    private final boolean[] endOfGeneration;
    private final DecodeScheduler scheduler; // null when batching is switched off
    private final PrefillScheduler prefills; // null when batching is switched off
    private TokenTrie tokenTrie; // built on the first constrained request; guarded by grammars
    private final Map<ResponseFormat, TokenGrammar> grammars = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ResponseFormat, TokenGrammar> eldest) {
            return size() > 32;
        }
    };

    public LocalEngine(Model model, Tokenizer tokenizer, ChatTemplate template, String name, int contextLength) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.template = template;
        this.name = name;
        this.contextLength = contextLength;
        int vocab = model.config().vocabularySize();
        this.displayCache = new String[vocab];
        this.bytesCache = new byte[vocab][];
        this.endOfGeneration = new boolean[vocab];
        boolean batching = Boolean.parseBoolean(System.getProperty("logprobs4j.batching", "true"));
        this.scheduler = batching ? new DecodeScheduler(model) : null;
        this.prefills = batching ? new PrefillScheduler(model) : null;
        for (int id : tokenizer.endOfGenerationIds()) {
            if (id >= 0 && id < vocab) {
                endOfGeneration[id] = true;
            }
        }
    }

    public Model model() {
        return model;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public String name() {
        return name;
    }

    public int contextLength() {
        return contextLength;
    }

    public int vocabularySize() {
        return model.config().vocabularySize();
    }

    boolean isEndOfGeneration(int id) {
        return endOfGeneration[id];
    }

    /** The prompt tokens of a conversation: rendered with the chat template, special tokens parsed. */
    public int[] promptTokens(List<Message> messages) {
        return encodeWithBos(promptText(messages), parsesSpecial());
    }

    /** A conversation rendered with the chat template, ready for the assistant's answer. */
    public String promptText(List<Message> messages) {
        List<TemplateMessage> rendered = new ArrayList<>(messages.size());
        for (Message m : messages) {
            rendered.add(new TemplateMessage(m.role().wireName(), m.content()));
        }
        return template.render(rendered, true);
    }

    /** Whether rendered prompts are encoded with special-token text parsed (real templates), or as plain text. */
    public boolean parsesSpecial() {
        return !template.isPlain();
    }

    /** Tokens of raw text, with BOS when the model wants one and the text does not already start with it. */
    public int[] encodeWithBos(String text, boolean parseSpecial) {
        boolean addBos = tokenizer.addBosByDefault() && !startsWithBos(text);
        return tokenizer.encode(text, addBos, parseSpecial);
    }

    private boolean startsWithBos(String text) {
        int bos = tokenizer.bosId();
        if (bos < 0) {
            return false;
        }
        String bosText = tokenizer.piece(bos);
        return !bosText.isEmpty() && text.startsWith(bosText);
    }

    /** The bytes a token adds to the output (a copy is not made: callers must not modify it). */
    byte[] tokenBytes(int id) {
        byte[] b = bytesCache[id];
        if (b == null) {
            b = tokenizer.tokenBytes(id);
            bytesCache[id] = b;
        }
        return b;
    }

    /** The token's display text: its text, with bytes that are not whole UTF-8 characters as {@code \xNN}. */
    String tokenDisplay(int id) {
        String s = displayCache[id];
        if (s == null) {
            s = tokenizer.tokenDisplay(id);
            displayCache[id] = s;
        }
        return s;
    }

    /** An alternative's entry in OpenAI's shape, with its id and its rank (1 = most likely). */
    TopLogprob topLogprob(int id, double logprob, int rank) {
        return new TopLogprob(tokenDisplay(id), tokenBytes(id), logprob, id, rank);
    }

    /**
     * The entry of {@code token} read from next-token logits at {@code logits[offset ..]}: its
     * logprob (log-softmax in double), id, rank in the whole vocabulary, and the {@code topK} most
     * likely alternatives.
     */
    public TokenLogprob tokenLogprob(float[] logits, int offset, int token, int topK) {
        // The engine's one logprob step: log-sum-exp, the token's logprob and its top-k alternatives.
        LogprobStep step = new LogprobStep(topK).compute(logits, offset, vocabularySize(), token);
        List<TopLogprob> alternatives = List.of();
        if (step.topCount() > 0) {
            alternatives = new ArrayList<>(step.topCount());
            for (int i = 0; i < step.topCount(); i++) {
                alternatives.add(topLogprob(step.topId(i), step.topLogprob(i), i + 1));
            }
        }
        return new TokenLogprob(tokenDisplay(token), tokenBytes(token), step.logprob(), alternatives,
                token, rank(logits, offset, vocabularySize(), token));
    }

    /**
     * The rank of {@code token} among {@code n} logits: 1 + how many come before it in
     * {@link dev.logprobs4j.engine.LogprobStep}'s order (higher logit first, ties by lower id).
     */
    static int rank(float[] logits, int offset, int n, int token) {
        float own = logits[offset + token];
        int before = 0;
        for (int i = 0; i < n; i++) {
            float l = logits[offset + i];
            if (l > own || l == own && i < token) {
                before++;
            }
        }
        return before + 1;
    }

    /** Rounding can push the top token's logprob a hair above 0; a probability cannot exceed 1. */
    static double clamp(double logprob) {
        return Math.min(logprob, 0.0);
    }

    /**
     * The compiled grammar of a response format over this model's vocabulary, cached (with its
     * masks) for later requests with an equal format.
     *
     * @throws IllegalArgumentException naming the schema keyword outside the supported subset
     */
    public TokenGrammar grammar(ResponseFormat format) {
        synchronized (grammars) {
            TokenGrammar g = grammars.get(format);
            if (g == null) {
                if (tokenTrie == null) {
                    tokenTrie = TokenTrie.of(Math.min(vocabularySize(), tokenizer.vocabularySize()), this::tokenBytes);
                }
                int[] eog = tokenizer.endOfGenerationIds();
                g = TokenGrammar.compile(format, tokenTrie, eog);
                grammars.put(format, g);
            }
            return g;
        }
    }

    /** A place in the shared decode loop for a generation that starts decoding; null when batching is off. */
    DecodeScheduler.Ticket joinDecoding() {
        return scheduler == null ? null : scheduler.join();
    }

    /** Ends the membership {@link #joinDecoding()} started (no-op for null). */
    void leaveDecoding(DecodeScheduler.Ticket ticket) {
        if (ticket != null) {
            scheduler.leave(ticket);
        }
    }

    /**
     * Feeds {@code token} to {@code session}, in a step shared with the other generations waiting
     * (or alone when {@code ticket} is null), and returns the session's next-token logits.
     */
    float[] decode(DecodeScheduler.Ticket ticket, Session session, int token) {
        if (ticket == null) {
            return session.decode(token);
        }
        scheduler.decode(ticket, session, token);
        return session.logits();
    }

    /**
     * Announces a scoring call, before it tokenises, so that shared prefills wait for its texts;
     * every call must be matched by {@link #leaveScoring()}.
     */
    public void joinScoring() {
        if (prefills != null) {
            prefills.join();
        }
    }

    /** Ends what {@link #joinScoring()} started. */
    public void leaveScoring() {
        if (prefills != null) {
            prefills.leave();
        }
    }

    /**
     * Feeds {@code tokens} to {@code session} and hands the logits after every token to
     * {@code consumer}, in order: packed into a prefill shared with the other scoring calls waiting,
     * or alone when batching is off. The logits are the same either way, bit for bit.
     */
    void prefillScored(Session session, int[] tokens, Session.LogitsConsumer consumer) {
        if (prefills == null) {
            session.prefill(tokens, consumer);
            return;
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocabularySize()) {
                // What Session.prefill says, from the caller's thread rather than from a shared pass.
                throw new IllegalArgumentException("tokens[" + i + "] = " + tokens[i] + " is not in the vocabulary [0, "
                        + vocabularySize() + ")");
            }
        }
        if (tokens.length == 0 || tokens.length > session.contextLength() - session.position()) {
            session.prefill(tokens, consumer); // fails with Session's own message
            return;
        }
        prefills.prefill(session, tokens, consumer);
    }

    /** The shared scoring prefills, or null when batching is switched off. */
    PrefillScheduler prefills() {
        return prefills;
    }

    /** The shared decode loop, or null when batching is switched off. */
    DecodeScheduler scheduler() {
        return scheduler;
    }

    /** A session with an empty KV cache, from the pool or new. */
    Session acquire() {
        synchronized (idle) {
            Idle i = idle.poll();
            if (i != null) {
                i.session().rewind(0);
                return i.session();
            }
        }
        return model.newSession(contextLength);
    }

    /**
     * A session for a generation from {@code prompt}, positioned after the longest prefix of it
     * that a pooled session still holds (at most all but its last token, whose logits the caller
     * needs): the caller feeds {@code prompt[session.position()..]}. Requests that share a system
     * prompt or a conversation's earlier turns skip that part of their prefill. The logits are bit
     * for bit those of a whole prefill, since a row's keys, values and logits do not depend on
     * which pass computed it (see {@code dev.logprobs4j.engine.PrefillBatch}).
     */
    Session acquire(int[] prompt) {
        synchronized (idle) {
            Idle best = null;
            int bestLength = 0;
            for (Idle i : idle) {
                int common = commonPrefix(i.tokens(), prompt, prompt.length - 1);
                if (best == null || common > bestLength) {
                    best = i;
                    bestLength = common;
                }
            }
            if (best != null) {
                idle.remove(best);
                best.session().rewind(bestLength);
                reusedTokens += bestLength;
                return best.session();
            }
        }
        return model.newSession(contextLength);
    }

    private static int commonPrefix(int[] a, int[] b, int limit) {
        int n = Math.min(Math.min(a.length, b.length), limit);
        int i = 0;
        while (i < n && a[i] == b[i]) {
            i++;
        }
        return i;
    }

    /** Returns a session to the pool, emptied. */
    void release(Session session) {
        release(session, new int[0]);
    }

    /**
     * Returns a session that was fed {@code prompt} (or a prefix of it, if feeding failed) and
     * then perhaps more to the pool, keeping the prompt's keys and values for a later {@link
     * #acquire(int[])}.
     */
    void release(Session session, int[] prompt) {
        int keep = Math.min(session.position(), prompt.length);
        session.rewind(keep);
        synchronized (idle) {
            idle.push(new Idle(session, java.util.Arrays.copyOf(prompt, keep)));
        }
    }

    /** Prompt tokens that generations did not have to prefill, thanks to {@link #acquire(int[])}. */
    long reusedTokens() {
        synchronized (idle) {
            return reusedTokens;
        }
    }

    @Override
    public void close() {
        synchronized (idle) {
            idle.clear();
        }
        model.close();
    }
}
