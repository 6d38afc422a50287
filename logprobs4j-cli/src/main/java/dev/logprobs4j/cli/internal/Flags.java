package dev.logprobs4j.cli.internal;

/** Maps the library's option names in messages to the CLI's flags: stateless. */
final class Flags {

    private Flags() {
    }

    /** {@code message} with {@code topLogprobs}, {@code maxTokens}, ... written as {@code --top-logprobs}, {@code --max-tokens}, .... */
    static String named(String message) {
        return message.replace("topLogprobs", "--top-logprobs").replace("maxTokens", "--max-tokens")
                .replace("topP", "--top-p").replace("temperature", "--temperature")
                .replace("stop sequences", "--stop values");
    }
}
