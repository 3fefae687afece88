package org.jdnn.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@code jdnn} command line: {@code train}, {@code search}, {@code eval}, {@code predict}, {@code info}, {@code demo},
 * {@code playground}.
 *
 * <p>Exit codes: 0 done, 1 a failure while running, 2 a usage error. Every error is one line on stderr,
 * {@code jdnn COMMAND: message}; {@code --debug}, {@code -Djdnn.debug=true} or {@code JDNN_DEBUG=1} adds the stack
 * trace. Options are parsed and checked before anything native loads, so a bad option costs only a JVM start.
 */
public final class Main {
    /** Exit codes, as {@code sysexits}-free tools (and picocli's defaults) use them. */
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(System.out, System.err, args);
        System.out.flush();
        System.exit(code);
    }

    /** Runs a command line, printing to {@code out} and {@code err}; returns the exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        CommandLine cli = commandLine(new JdnnCommand(out), args);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler((e, given) -> {
            err.println(usageMessage(e));
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            err.println(command.getCommandSpec().qualifiedName() + ": " + describe(e));
            if (debug(parsed)) {
                e.printStackTrace(err);
            }
            return FAILED;
        });
        return cli.execute(args);
    }

    /** The commands, by name, in the order --help lists them. */
    private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("train", TrainCommand::new);
        COMMANDS.put("search", SearchCommand::new);
        COMMANDS.put("eval", EvalCommand::new);
        COMMANDS.put("predict", PredictCommand::new);
        COMMANDS.put("info", InfoCommand::new);
        COMMANDS.put("demo", DemoCommand::new);
        COMMANDS.put("playground", PlaygroundCommand::new);
    }

    /**
     * The command line for {@code args}. When they start with a command's name only that command is built: picocli
     * reads every option of every command it holds by reflection, which is most of the time a usage error costs.
     */
    static CommandLine commandLine(JdnnCommand root, String... args) {
        CommandLine cli = new CommandLine(root);
        if (args.length > 0 && COMMANDS.containsKey(args[0])) {
            cli.addSubcommand(args[0], COMMANDS.get(args[0]).get());
        } else {
            COMMANDS.forEach((name, command) -> cli.addSubcommand(name, command.get()));
        }
        return cli;
    }

    /** One line: the command, what was wrong, and where to look (suggestions for a misspelt option). */
    static String usageMessage(ParameterException e) {
        CommandLine command = e.getCommandLine();
        String name = command.getCommandSpec().qualifiedName();
        String message = e.getMessage();
        if (e instanceof UnmatchedArgumentException u) {
            List<String> unmatched = u.getUnmatched();
            String first = unmatched.isEmpty() ? "" : unmatched.getFirst();
            if (!u.isUnknownOption() && !command.getSubcommands().isEmpty()) {
                message = "unknown command '" + first + "', expected one of "
                        + String.join(", ", command.getSubcommands().keySet());
            } else {
                message = (u.isUnknownOption() ? "unknown option '" : "unexpected argument '") + first + "'";
                List<String> suggestions = u.getSuggestions();
                if (!suggestions.isEmpty()) {
                    message += "; did you mean " + String.join(" or ", suggestions.subList(0, Math.min(3, suggestions.size()))) + "?";
                }
            }
        }
        return name + ": " + oneLine(message) + " (see " + name + " --help)";
    }

    /** A failure's message for a user: the file and the reason for file errors, never a bare class name if avoidable. */
    static String describe(Throwable e) {
        if (e instanceof UncheckedIOException u && u.getCause() != null) {
            String outer = u.getMessage();
            String inner = describe(u.getCause());
            return outer == null || outer.equals(u.getCause().toString()) ? inner : oneLine(outer) + ": " + inner;
        }
        if (e instanceof NoSuchFileException f) {
            return f.getFile() + (f.getReason() == null ? ": no such file or directory" : ": " + oneLine(f.getReason()));
        }
        if (e instanceof AccessDeniedException f) {
            return f.getFile() + ": permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getFile() + ": " + oneLine(f.getReason());
        }
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName() + (e instanceof IOException ? "" : " (an internal error; run with "
                    + "--debug for the stack trace and report it)");
        }
        return oneLine(message);
    }

    private static String oneLine(String message) {
        return message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    private static boolean debug(ParseResult parsed) {
        if (Boolean.getBoolean("jdnn.debug") || "1".equals(System.getenv("JDNN_DEBUG"))) {
            return true;
        }
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }
}
