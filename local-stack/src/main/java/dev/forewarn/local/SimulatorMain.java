package dev.forewarn.local;

import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The simulator against any deployment: {@code java -cp local-stack/target/forewarn-local.jar
 * dev.forewarn.local.SimulatorMain --ingest-url https://… --api-key …}. With {@code --receiver-port}
 * it also receives the owners' webhooks (at {@code --receiver-url}, which the alerting service
 * must be able to reach and, if internal, allow-list) and reports how early alerts came.
 */
@Command(name = "forewarn-simulator", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Publishes a simulated population's owners and signals through ingest-service's HTTP API.")
public final class SimulatorMain implements Callable<Integer> {

    @Option(names = "--ingest-url", defaultValue = "http://localhost:8080", description = "ingest-service (default ${DEFAULT-VALUE})")
    String ingestUrl;

    @Option(names = "--api-key", description = "an INGEST_API_KEYS key (default: $FOREWARN_API_KEY, none)", defaultValue = "${env:FOREWARN_API_KEY}")
    String apiKey;

    @Option(names = "--receiver-port", description = "receive the owners' webhooks on this port (default: no receiver)")
    Integer receiverPort;

    @Option(names = "--receiver-url", description = "the base URL the alerting service reaches the receiver at (default http://127.0.0.1:<port>)")
    String receiverUrl;

    @Option(names = "--webhook-secret", defaultValue = "${env:ALERTING_WEBHOOK_SECRET}",
            description = "the alerting service's whsec_… signing secret (default: $ALERTING_WEBHOOK_SECRET)")
    String webhookSecret;

    @Mixin
    SimulationOptions simulation;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SimulatorMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        simulation.check(spec.commandLine());
        Optional<AlertReceiver> receiver = Optional.empty();
        if (receiverPort != null) {
            if (webhookSecret == null || webhookSecret.isBlank()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--receiver-port needs --webhook-secret (or ALERTING_WEBHOOK_SECRET) to verify signatures");
            }
            receiver = Optional.of(AlertReceiver.start("0.0.0.0", receiverPort, webhookSecret));
        }
        String base = receiverUrl != null ? receiverUrl : receiver.map(r -> "http://127.0.0.1:" + receiverPort).orElse("http://127.0.0.1:8090");
        try {
            Scenario scenario = simulation.scenario();
            Simulator simulator = new Simulator(new IngestClient(ingestUrl, Optional.ofNullable(apiKey).filter(k -> !k.isBlank())),
                    receiver, base, System.out);
            Simulator.print(simulator.run(scenario, simulation.replayTime(scenario), simulation.settle), receiver.isPresent(), System.out);
            return 0;
        } finally {
            receiver.ifPresent(AlertReceiver::close);
        }
    }
}
