package dev.logprobs4j.cli.internal;

/** Opens the providers this build has: {@code local} and {@code openai}. Stateless. */
public final class Backends implements Backend.Factory {

    @Override
    public Backend open(Backend.Spec spec) {
        switch (spec.provider()) {
            case "local" -> throw new CliException("the local engine (LocalChatModel) is not in this build yet");
            case "openai" -> throw new CliException("the openai provider is not in this build yet");
            default -> throw new CliException("unknown provider '" + spec.provider() + "': use local or openai");
        }
    }
}
