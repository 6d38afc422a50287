/**
 * The {@code logprobs4j} command line. Picocli (a named module) fills the commands' annotated
 * fields by reflection, so their packages are opened to it.
 */
module dev.logprobs4j.cli {
    requires dev.logprobs4j.local;
    requires dev.logprobs4j.server;
    requires dev.logprobs4j.openai;
    requires info.picocli;
    requires java.logging; // serve quiets Jetty's logger

    exports dev.logprobs4j.cli;
    opens dev.logprobs4j.cli to info.picocli;
    opens dev.logprobs4j.cli.internal to info.picocli;
}
