package dev.logprobs4j;

import dev.logprobs4j.internal.AppendList;
import dev.logprobs4j.internal.AppendText;
import dev.logprobs4j.internal.Metadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A piece of a streamed answer; pieces {@link #add(AIMessageChunk) add} up to the whole answer.
 * Immutable and thread-safe.
 *
 * <p>Adding is LangChain's {@code AIMessageChunk.__add__}: text and logprobs lists concatenate in
 * order (per choice index when {@code n > 1}; refusals too), finish reasons keep the last one given,
 * and metadata merges like {@code merge_dicts}. It is associative, and amortised O(size of the right
 * side): folding n one-token chunks left to right costs O(n) in all, not O(n²). The first chunk of
 * an OpenAI-style stream carries empty logprobs ({@code []}).
 */
public final class AIMessageChunk {

    private static final AIMessageChunk EMPTY = new AIMessageChunk(new Part[0], ResponseInfo.EMPTY, AppendList.empty());

    /** One choice's accumulated state. */
    private record Part(int index, AppendText content, AppendText refusal, Logprobs logprobs, String finishReason) {

        Part plus(Part later) {
            return new Part(index, content.concat(later.content),
                    refusal == null ? later.refusal : later.refusal == null ? refusal : refusal.concat(later.refusal),
                    logprobs == null ? later.logprobs : logprobs.concat(later.logprobs),
                    later.finishReason != null ? later.finishReason : finishReason);
        }

        Choice toChoice() {
            return new Choice(index, content.toString(), refusal == null ? null : refusal.toString(), logprobs, finishReason);
        }
    }

    private final Part[] parts; // sorted by choice index
    private final ResponseInfo info;
    private final AppendList<Object> rawEvents; // each a String, or the byte[] (UTF-8) it arrived as

    private AIMessageChunk(Part[] parts, ResponseInfo info, AppendList<Object> rawEvents) {
        this.parts = parts;
        this.info = info;
        this.rawEvents = rawEvents;
    }

    /**
     * A chunk holding these choice deltas (their text, refusal and logprobs are the new pieces).
     *
     * @param deltas   per-choice pieces, distinct indexes; may be empty (e.g. a usage-only chunk)
     * @param info     response information carried by this chunk, or null
     * @param rawEvent the provider's raw event text, or null
     */
    public static AIMessageChunk of(List<Choice> deltas, ResponseInfo info, String rawEvent) {
        return of(deltas, info, (Object) rawEvent);
    }

    /**
     * {@link #of(List, ResponseInfo, String)} with the raw event kept as the UTF-8 bytes it arrived
     * as, decoded only when {@link #rawEvents()} is read: a streamed event then exists once, as
     * bytes. The chunk takes the array over; the caller must not change it afterwards.
     *
     * @param rawEvent the provider's raw event as UTF-8, or null
     */
    public static AIMessageChunk ofUtf8(List<Choice> deltas, ResponseInfo info, byte[] rawEvent) {
        return of(deltas, info, (Object) rawEvent);
    }

    private static AIMessageChunk of(List<Choice> deltas, ResponseInfo info, Object rawEvent) {
        Part[] parts = new Part[deltas.size()];
        for (int i = 0; i < parts.length; i++) {
            Choice c = Objects.requireNonNull(deltas.get(i), "deltas must not contain null");
            parts[i] = new Part(c.index(), AppendText.of(c.content()),
                    c.refusal() == null ? null : AppendText.of(c.refusal()), c.logprobs(), c.finishReason());
        }
        java.util.Arrays.sort(parts, (a, b) -> Integer.compare(a.index, b.index));
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].index == parts[i - 1].index) {
                throw new IllegalArgumentException("choice index " + parts[i].index + " appears twice in one chunk");
            }
        }
        return new AIMessageChunk(parts, info == null ? ResponseInfo.EMPTY : info,
                rawEvent == null ? AppendList.empty() : AppendList.copyOf(List.of(rawEvent)));
    }

    /** A one-choice chunk with this text and these logprobs (null when not requested). */
    public static AIMessageChunk of(String content, Logprobs logprobs) {
        return of(List.of(new Choice(0, content, null, logprobs, null)), null, null);
    }

    /** The chunk with nothing in it: the identity of {@link #add}. */
    public static AIMessageChunk empty() {
        return EMPTY;
    }

    /** This chunk followed by {@code later}; neither is changed. */
    public AIMessageChunk add(AIMessageChunk later) {
        Objects.requireNonNull(later, "later");
        Part[] merged;
        if (parts.length == 1 && later.parts.length == 1 && parts[0].index == later.parts[0].index) {
            merged = new Part[] {parts[0].plus(later.parts[0])}; // the common n = 1 case
        } else {
            List<Part> out = new ArrayList<>(parts.length + later.parts.length);
            int i = 0;
            int j = 0;
            while (i < parts.length || j < later.parts.length) {
                if (j == later.parts.length || i < parts.length && parts[i].index < later.parts[j].index) {
                    out.add(parts[i++]);
                } else if (i == parts.length || later.parts[j].index < parts[i].index) {
                    out.add(later.parts[j++]);
                } else {
                    out.add(parts[i++].plus(later.parts[j++]));
                }
            }
            merged = out.toArray(new Part[0]);
        }
        return new AIMessageChunk(merged, info.merge(later.info), rawEvents.concat(later.rawEvents));
    }

    /** The first choice's text so far ("" when there is none). */
    public String content() {
        return parts.length == 0 ? "" : parts[0].content.toString();
    }

    /**
     * The first choice's logprobs so far: {@link Logprobs#EMPTY} when none were given (see
     * {@link #hasLogprobs()}).
     */
    public Logprobs logprobs() {
        return parts.length == 0 || parts[0].logprobs == null ? Logprobs.EMPTY : parts[0].logprobs;
    }

    /** Whether the first choice carries logprobs (the {@code []} of a first chunk counts). */
    public boolean hasLogprobs() {
        return parts.length > 0 && parts[0].logprobs != null;
    }

    /** The first choice's finish reason, or {@code null} while it is still streaming. */
    public String finishReason() {
        return parts.length == 0 ? null : parts[0].finishReason;
    }

    /** Every choice so far, by index (empty for a usage-only chunk). */
    public List<Choice> choices() {
        List<Choice> out = new ArrayList<>(parts.length);
        for (Part p : parts) {
            out.add(p.toChoice());
        }
        return List.copyOf(out);
    }

    /** Response information merged so far. */
    public ResponseInfo info() {
        return info;
    }

    /** Token counts, or {@code null} when none has arrived. */
    public Usage usage() {
        return info.usage();
    }

    /** The provider's raw events that make up this chunk, in order: an immutable list. */
    public List<String> rawEvents() {
        return new java.util.AbstractList<>() {
            @Override
            public String get(int i) {
                Object e = rawEvents.get(i);
                return e instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : (String) e;
            }

            @Override
            public int size() {
                return rawEvents.size();
            }
        };
    }

    /**
     * LangChain's {@code response_metadata} of the first choice so far (see
     * {@link AIMessage#responseMetadata()}); {@code raw} is the list of raw events.
     */
    public Map<String, Object> responseMetadata() {
        return Metadata.responseMetadata(parts.length == 0 ? null : parts[0].toChoice(), info,
                rawEvents.isEmpty() ? null : rawEvents());
    }

    /**
     * The complete message these chunks make.
     *
     * @throws IllegalStateException when no choice has arrived
     */
    public AIMessage toMessage() {
        if (parts.length == 0) {
            throw new IllegalStateException("no choice has arrived in this stream; nothing to turn into a message");
        }
        return new AIMessage(choices(), info, null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AIMessageChunk c && choices().equals(c.choices()) && info.equals(c.info)
                && rawEvents().equals(c.rawEvents());
    }

    @Override
    public int hashCode() {
        return Objects.hash(choices(), info, rawEvents());
    }

    @Override
    public String toString() {
        return "AIMessageChunk[choices=" + choices() + ", info=" + info + "]";
    }
}
