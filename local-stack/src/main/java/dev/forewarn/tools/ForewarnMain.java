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
        System.exit(new CommandLine(new ForewarnMain()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
