package dev.logprobs4j.cli.internal;

import dev.logprobs4j.local.ScoreOptions;
import dev.logprobs4j.local.ScoreTotals;
import dev.logprobs4j.local.ScoredToken;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.AbstractChatModel;
import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatModel;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatRequest;
import dev.logprobs4j.ChatStream;
import dev.logprobs4j.Choice;
import dev.logprobs4j.ChunkSource;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.ResponseInfo;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import dev.logprobs4j.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Hand-made tokens and a scripted chat model for the CLI's tests. */
final class Fixtures {

    private Fixtures() {
    }

    /** A token with probability {@code p} and alternatives given as (token, probability) pairs. */
    static TokenLogprob token(String text, double p, Object... alternatives) {
        List<TopLogprob> alts = new ArrayList<>();
        for (int i = 0; i < alternatives.length; i += 2) {
            String t = (String) alternatives[i];
            alts.add(new TopLogprob(t, t.getBytes(StandardCharsets.UTF_8), Math.log((Double) alternatives[i + 1])));
        }
        return new TokenLogprob(text, text.getBytes(StandardCharsets.UTF_8), Math.log(p), alts);
    }

    /** Four tokens, one per confidence level, spelling "Hello world<script>\n". */
    static Logprobs fourLevels() {
        return Logprobs.of(List.of(
                token("Hello", 0.95, "Hello", 0.95, "Hi", 0.03),
                token(" world", 0.6, " world", 0.6, " there", 0.3),
                token("<script>", 0.3, "<script>", 0.3, "&amp;", 0.2),
                token("\n", 0.1, "!", 0.5, "\n", 0.1)));
    }

    /** A model that answers with {@code tokens}, one chunk per token, whatever it is asked. */
    static final class ScriptedModel extends AbstractChatModel {
        final List<TokenLogprob> tokens;
        final List<ChatRequest> requests;

        ScriptedModel(List<TokenLogprob> tokens) {
            this(tokens, new ArrayList<>(), ChatOptions.NONE);
        }

        private ScriptedModel(List<TokenLogprob> tokens, List<ChatRequest> requests, ChatOptions bound) {
            super(bound);
            this.tokens = tokens;
            this.requests = requests;
        }

        @Override
        public String modelName() {
            return "scripted";
        }

        @Override
        public Capabilities capabilities() {
            return new Capabilities(true, 20, true, true);
        }

        @Override
        protected ChatModel withBoundOptions(ChatOptions options) {
            return new ScriptedModel(tokens, requests, options);
        }

        @Override
        protected AIMessage doInvoke(ChatRequest request) {
            AIMessageChunk all = ChatStream.of(doStream(request)).aggregate();
            return new AIMessage(all.choices(), all.info(), null);
        }

        @Override
        protected ChunkSource doStream(ChatRequest request) {
            requests.add(request);
            return new ChunkSource() {
                int next = -1;

                @Override
                public AIMessageChunk next() {
                    if (next == -1) {
                        next++;
                        return AIMessageChunk.of(List.of(new Choice(0, "", null, Logprobs.EMPTY, null)),
                                new ResponseInfo("chatcmpl-1", "scripted-model", null, null, Map.of()), null);
                    }
                    if (next >= tokens.size()) {
                        return null;
                    }
                    TokenLogprob t = tokens.get(next++);
                    boolean last = next == tokens.size();
                    return AIMessageChunk.of(List.of(new Choice(0, t.token(), null, Logprobs.of(List.of(t)), last ? "length" : null)),
                            last ? new ResponseInfo(null, null, null, new Usage(3, tokens.size(), 3 + tokens.size()), Map.of()) : null, null);
                }

                @Override
                public void close() {
                }
            };
        }
    }

    /** A backend around a scripted model that scores any text as "Hello" + the four-level tokens. */
    static final class ScriptedBackend implements Backend {
        final ScriptedModel model;
        boolean closed;

        ScriptedBackend(List<TokenLogprob> tokens) {
            this.model = new ScriptedModel(tokens);
        }

        @Override
        public String modelName() {
            return "scripted-model";
        }

        @Override
        public ChatModel chatModel() {
            return model;
        }

        @Override
        public ScoreTotals score(String text, ScoreOptions options, ScoreSink sink) {
            List<TokenLogprob> tokens = fourLevels().content();
            sink.start(tokens.size(), List.of("Start"));
            double total = 0;
            for (int i = 0; i < tokens.size(); i++) {
                sink.accept(new ScoredToken(i + 1, i + 1, tokens.get(i)));
                total += tokens.get(i).logprob();
            }
            return new ScoreTotals(List.of("Start"), tokens.size(), total, 1, 0);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
