package dev.forewarn.local;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code java -jar local-stack/target/forewarn-local.jar}: the whole pipeline locally, with the simulator. */
@Command(name = "forewarn-local", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the whole Forewarn pipeline in this process: a real KRaft Kafka broker (data under --home),",
                "the dev schema registry, the topics, ingest-service, scoring-streams, alerting-service, a webhook",
                "receiver printing each alert, and the signal simulator. Ctrl-C stops everything in reverse order.",
                "Service settings (INGEST_*, SCORING_*, ALERTING_* variables) apply as in production."})
public final class LocalMain implements Callable<Integer> {

    @Option(names = "--home", defaultValue = ".forewarn", description = "where the broker's data and Streams state live (default ${DEFAULT-VALUE})")
    Path home;

    @Option(names = "--fresh", description = "wipe --home first")
    boolean fresh;

    @Option(names = "--no-simulator", description = "start the pipeline only")
    boolean noSimulator;

    @Option(names = "--partitions", defaultValue = "3", description = "partitions per topic when topics are created (default ${DEFAULT-VALUE})")
    int partitions;

    @Mixin
    SimulationOptions simulation;

    @Spec
    CommandSpec spec;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "forewarn-local-log4j2.xml");
        }
        CommandLine command = new CommandLine(new LocalMain());
        // The log file lives under --home, so it is known before logging starts; a bad command line is left to execute,
        // which answers it with the reason and the usage (exit 2) instead of a stack trace.
        Path home = Path.of(".forewarn");
        try {
            home = command.parseArgs(args).matchedOptionValue("--home", home);
        } catch (CommandLine.ParameterException badCommandLine) {
            // execute below reports it; nothing has logged yet
        }
        System.setProperty("forewarn.home", home.toAbsolutePath().toString());
        System.exit(command.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (partitions < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--partitions must be at least 1, got " + partitions);
        }
        if (!noSimulator) {
            simulation.check(spec.commandLine());
        }
        out.println("Forewarn local stack — data in " + home.toAbsolutePath() + (fresh ? " (wiped)" : "")
                + "; logs in " + home.toAbsolutePath().resolve("logs"));
        LocalStack.Options options = LocalStack.Options.defaults(home).withFresh(fresh).withPartitions(partitions);
        // The hook is in place before the first part starts: Ctrl-C during start-up stops what has started.
        LocalStack stack = new LocalStack();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println();
            out.println("stopping (reverse order) …");
            stack.close();
            out.println("stopped; data kept in " + home.toAbsolutePath() + " (--fresh wipes it)");
            stopped.countDown();
        }, "forewarn-local-stop"));
        try {
            stack.startParts(options, System.getenv(), out);
        } catch (RuntimeException e) {
            // What started is stopped already; the user gets the reason, the log file the whole trace (WARN: not echoed to the console).
            org.slf4j.LoggerFactory.getLogger(LocalMain.class).warn("the local stack did not start", e);
            System.err.println();
            System.err.println("forewarn-local: " + e.getMessage() + " (details in " + home.toAbsolutePath().resolve("logs") + ")");
            return 1;
        }
        out.println("running:");
        stack.printWhere(out);
        out.println("quality desk: open " + stack.deskUrl() + " and sign in with the token " + stack.deskToken() + " (local only)");
        stack.receiver().onAlert(alert -> out.printf("  ALERT %-18s %-16s %-8s%s score %5.1f → %s%n", alert.kind(), alert.entityKey(),
                alert.level(), alert.predicted() ? " (predicted)" : "", alert.score(), alert.owner()));
        stack.mail().onMail(mail -> out.printf("  MAIL  to %-28s %s  (%s)%n", mail.to(), mail.subject(), mail.file().getFileName()));
        if (!noSimulator) {
            Scenario scenario = simulation.scenario();
            Simulator simulator = new Simulator(new IngestClient(stack.ingestUrl(), Optional.empty()),
                    Optional.of(stack.receiver()), stack.receiver().url(), out);
            Simulator.print(simulator.run(scenario, simulation.replayTime(scenario), simulation.settle), true, out);
        }
        out.println("the pipeline keeps running: post signals to " + stack.ingestUrl() + ", see alerts in the desk at "
                + stack.deskUrl() + " (token " + stack.deskToken() + ") or at " + stack.urls().get("alerting-service")
                + "/v1/alerts — Ctrl-C stops it");
        stopped.await();
        return 0;
    }
}
