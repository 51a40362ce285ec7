package dev.forewarn.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code forewarn}: the operator's and analyst's commands in one ({@code bin/forewarn}): {@code backtest},
 * {@code calibrate}, {@code scenarios} and {@code dlq}.
 */
@Command(name = "forewarn", mixinStandardHelpOptions = true, version = "forewarn 0.1",
        description = "Forewarn's command-line tools.",
        subcommands = {BacktestMain.class, CalibrateMain.class, ScenariosMain.class, DlqMain.class, CommandLine.HelpCommand.class})
public final class ForewarnMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine(new ForewarnMain()).execute(args));
    }

    /**
     * The command line of one of the tools: a mistake in what it was given (a bad value, a missing file, an unreachable
     * cluster) is said in one line on standard error with status 2, not as a stack trace.
     */
    static CommandLine commandLine(Object command) {
        return new CommandLine(command).setExecutionExceptionHandler((e, cmd, parsed) -> {
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file: " + e.getMessage()
                    : e.getMessage() == null ? e.toString() : e.getMessage();
            cmd.getErr().println("forewarn " + cmd.getCommandName() + ": " + why);
            return 2;
        });
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
