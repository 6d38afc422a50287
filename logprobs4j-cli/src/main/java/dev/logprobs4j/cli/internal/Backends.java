package dev.logprobs4j.cli.internal;

import java.util.Map;

/** Opens the providers this build has: {@code local}, {@code openai} and {@code vllm} (openai with vLLM's extras). Immutable. */
public final class Backends implements Backend.Factory {

    private final Map<String, String> env;

    public Backends(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Backend open(Backend.Spec spec) {
        return switch (spec.provider()) {
            case "local" -> LocalBackend.open(spec);
            case "openai" -> OpenAiBackend.open(spec, env, false);
            case "vllm" -> OpenAiBackend.open(spec, env, true);
            default -> throw new CliException("unknown provider '" + spec.provider() + "': use local, openai or vllm");
        };
    }
}
