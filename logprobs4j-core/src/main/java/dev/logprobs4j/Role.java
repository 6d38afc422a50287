package dev.logprobs4j;

/** The author of a chat message, with the wire name every OpenAI-shaped API uses. */
public enum Role {
    SYSTEM("system"),
    USER("user"),
    ASSISTANT("assistant"),
    TOOL("tool");

    private final String wireName;

    Role(String wireName) {
        this.wireName = wireName;
    }

    /** The name on the wire: {@code system}, {@code user}, {@code assistant}, {@code tool}. */
    public String wireName() {
        return wireName;
    }

    /**
     * The role with this wire name ({@code human} and {@code ai}, LangChain's names, are accepted too).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Role fromWireName(String name) {
        switch (name) {
            case "system": return SYSTEM;
            case "user": case "human": return USER;
            case "assistant": case "ai": return ASSISTANT;
            case "tool": return TOOL;
            default: throw new IllegalArgumentException(
                    "unknown role '" + name + "': use system, user (human), assistant (ai) or tool");
        }
    }
}
