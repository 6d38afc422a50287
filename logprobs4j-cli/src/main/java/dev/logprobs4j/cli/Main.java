package dev.logprobs4j.cli;

import dev.logprobs4j.LogprobsException;
import dev.logprobs4j.cli.internal.Backends;
import dev.logprobs4j.cli.internal.ChatCommand;
import dev.logprobs4j.cli.internal.ClassifyCommand;
import dev.logprobs4j.cli.internal.CliException;
import dev.logprobs4j.cli.internal.InfoCommand;
import dev.logprobs4j.local.ContextLengthException;
import dev.logprobs4j.cli.internal.Io;
import dev.logprobs4j.cli.internal.ScoreCommand;
import dev.logprobs4j.cli.internal.ServeCommand;
import dev.logprobs4j.cli.internal.Terminal;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code logprobs4j} command line: {@code chat}, {@code score}, {@code classify}, {@code serve} and {@code info}. Exit codes: 0 ok, 1 a model,
 * provider or input error (one line on stderr; the stack trace with {@code --verbose}), 2 a usage
 * error.
 */
@Command(name = "logprobs4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        usageHelpAutoWidth = true,
        description = {"Token-level log probabilities from chat models: see how sure the model was of every token."},
        commandListHeading = "%nCommands:%n",
        footerHeading = "%nExamples:%n",
        footer = {
                "  logprobs4j chat \"Once upon a time\" --max-tokens 32 --temperature 0",
                "  logprobs4j chat \"Once upon a time\" --stream --html story.html",
                "  logprobs4j score --text \"Once upon a time, there was a little girl.\"",
                "  logprobs4j classify \"Once upon a time, there was a little\" --labels \" girl, boy, dog\"",
                "  logprobs4j serve --port 8080",
                "  logprobs4j info model.gguf",
                "  logprobs4j chat --help",
                "",
                "Colours are off when stdout is not a terminal, NO_COLOR is set, or --no-color.",
                "Exit codes: 0 ok, 1 model or provider error, 2 usage error."})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private Main() {
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "name a command: chat, score, classify, serve or info (see --help)");
    }

    /** Runs the command line and exits with its exit code. */
    public static void main(String[] args) {
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
                false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        Map<String, String> env = System.getenv();
        int code = run(args, new Io(System.in, out, err, env, Terminal.detect(env), new Backends(env)));
        out.flush();
        System.exit(code);
    }

    /** Runs the command line with these streams and providers; returns the exit code. */
    public static int run(String[] args, Io io) {
        CommandLine cl = new CommandLine(new Main());
        cl.addSubcommand("chat", new ChatCommand(io));
        cl.addSubcommand("score", new ScoreCommand(io));
        cl.addSubcommand("serve", new ServeCommand(io));
        cl.addSubcommand("classify", new ClassifyCommand(io));
        cl.addSubcommand("info", new InfoCommand(io));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        boolean colorHelp = io.terminal().stdout() && io.env().getOrDefault("NO_COLOR", "").isEmpty();
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(colorHelp ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
        cl.setOut(new PrintWriter(io.out(), true));
        cl.setErr(new PrintWriter(io.err(), true));
        cl.setParameterExceptionHandler((e, params) -> {
            CommandLine cmd = e.getCommandLine();
            io.err().println("logprobs4j: " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, io.err());
            io.err().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options and examples.");
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        cl.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            boolean verbose = cmd.getParseResult() != null && cmd.getParseResult().hasMatchedOption("--verbose");
            io.out().flush();
            io.err().println("logprobs4j: " + message(e));
            if (verbose) {
                e.printStackTrace(io.err());
            } else if (!(e instanceof CliException || e instanceof LogprobsException
                    || e instanceof dev.logprobs4j.gguf.GgufFormatException)) {
                // A broken GGUF file is the user's input, not a bug: its message says what is wrong.
                io.err().println("(run with --verbose for the stack trace)");
            }
            return 1;
        });
        int code = cl.execute(args);
        io.out().flush();
        return code;
    }

    private static String message(Throwable e) {
        if (e instanceof ContextLengthException) {
            return e.getMessage() + ": pass a larger --context, or shorten the prompt";
        }
        if (e instanceof CliException || e instanceof LogprobsException || e instanceof IllegalArgumentException
                || e instanceof dev.logprobs4j.gguf.GgufFormatException
                || e instanceof UncheckedIOException || e instanceof java.io.IOException) {
            String m = e.getMessage();
            return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
        }
        return "unexpected " + e;
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"logprobs4j " + (v == null ? "(development build)" : v),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
