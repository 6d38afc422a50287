package dev.logprobs4j.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.logprobs4j.LabelScores;
import dev.logprobs4j.Message;
import dev.logprobs4j.server.ServedModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code POST /v1/classify}, a logprobs4j extension: how likely each label is as the continuation
 * of a prompt. Body: {@code model}, either {@code prompt} (raw text) or {@code messages} (the chat
 * template applies; labels start the answer), and {@code labels} (1 to {@value #MAX_LABELS}
 * distinct non-empty strings). Answer: {@code {"object": "classification", "model", "method"
 * ("exact" or "first_token_lower_bound"), "unseen_mass", "labels": [{"label", "logprob",
 * "probability", "tokens", "first_token_rank"}]}}. Stateless.
 */
final class ClassifyRoute {

    static final int MAX_LABELS = 256;

    /** A checked body. */
    record Request(String model, String prompt, List<Message> messages, List<String> labels) {
    }

    private ClassifyRoute() {
    }

    static Request parse(JsonNode body) {
        if (!body.isObject()) {
            throw ApiException.invalid(null, "invalid_type", "The request body must be a JSON object.");
        }
        String model = Params.string(body, "model");
        if (model == null) {
            throw ApiException.invalid("model", "missing_required_parameter",
                    "Missing required parameter: 'model'. Use the name GET /v1/models lists.");
        }
        boolean hasPrompt = Params.given(body, "prompt") != null;
        boolean hasMessages = Params.given(body, "messages") != null;
        if (hasPrompt == hasMessages) {
            throw ApiException.invalid(hasPrompt ? "messages" : "prompt", hasPrompt ? "invalid_value" : "missing_required_parameter",
                    "Give either 'prompt' (raw text) or 'messages' (a conversation), not " + (hasPrompt ? "both." : "neither."));
        }
        String prompt = hasPrompt ? Params.string(body, "prompt") : null;
        if (hasPrompt && prompt.isEmpty()) {
            throw ApiException.invalid("prompt", "invalid_value", "Invalid 'prompt': it must not be empty.");
        }
        List<Message> messages = hasMessages ? ChatCompletionRequest.messages(body) : null;
        return new Request(model, prompt, messages, labels(body));
    }

    private static List<String> labels(JsonNode body) {
        JsonNode list = Params.given(body, "labels");
        if (list == null) {
            throw ApiException.invalid("labels", "missing_required_parameter", "Missing required parameter: 'labels'.");
        }
        if (!list.isArray()) {
            throw Params.wrongType("labels", "an array of strings", list);
        }
        if (list.isEmpty() || list.size() > MAX_LABELS) {
            throw ApiException.invalid("labels", "invalid_value",
                    "Invalid 'labels': give 1 to " + MAX_LABELS + " labels, got " + list.size() + ".");
        }
        List<String> out = new ArrayList<>(list.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode l = list.get(i);
            String where = "labels[" + i + "]";
            if (!l.isTextual()) {
                throw Params.wrongType(where, "a string", l);
            }
            if (l.textValue().isEmpty()) {
                throw ApiException.invalid(where, "invalid_value", "Invalid '" + where + "': a label must not be empty.");
            }
            if (!seen.add(l.textValue())) {
                throw ApiException.invalid(where, "invalid_value", "Invalid '" + where + "': '" + l.textValue() + "' is given twice.");
            }
            out.add(l.textValue());
        }
        return out;
    }

    static LabelScores run(ServedModel model, Request req) {
        return req.prompt() != null ? model.classify(req.prompt(), req.labels()) : model.classify(req.messages(), req.labels());
    }

    static byte[] json(String model, LabelScores scores) {
        return OpenAiJson.write(g -> {
            g.writeStartObject();
            g.writeStringField("object", "classification");
            g.writeStringField("model", model);
            g.writeStringField("method", scores.method().name().toLowerCase(Locale.ROOT));
            g.writeNumberField("unseen_mass", scores.unseenMass());
            g.writeArrayFieldStart("labels");
            for (LabelScores.LabelScore s : scores.labels()) {
                g.writeStartObject();
                g.writeStringField("label", s.label());
                if (Double.isInfinite(s.logprob())) {
                    g.writeNullField("logprob");
                } else {
                    g.writeNumberField("logprob", s.logprob());
                }
                if (Double.isNaN(s.probability())) {
                    g.writeNullField("probability");
                } else {
                    g.writeNumberField("probability", s.probability());
                }
                g.writeNumberField("tokens", s.tokens());
                if (s.firstTokenRank() > 0) {
                    g.writeNumberField("first_token_rank", s.firstTokenRank());
                } else {
                    g.writeNullField("first_token_rank");
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }
}
