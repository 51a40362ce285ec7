package dev.forewarn.local;

import dev.forewarn.service.Env;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** The simulator's options, shared by the local stack and the standalone simulator. */
public final class SimulationOptions {

    @Option(names = "--customers", defaultValue = "500", description = "customers in the simulated population (default ${DEFAULT-VALUE}); products: a quarter")
    int customers;

    @Option(names = "--days", defaultValue = "30", description = "days of history the run covers, ending now (default ${DEFAULT-VALUE}, 16 to 400)")
    int days;

    @Option(names = "--duration", defaultValue = "90s", converter = DurationConverter.class,
            description = "wall time to replay that history in, e.g. 90s, 5m (default ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--rate", description = "signals per second to send; sets the replay time instead of --duration")
    Integer rate;

    @Option(names = "--seed", defaultValue = "42", description = "random seed: the same seed gives the same population and stories")
    long seed;

    @Option(names = "--settle", defaultValue = "10s", converter = DurationConverter.class,
            description = "how long to wait for the last alerts before the summary (default ${DEFAULT-VALUE})")
    Duration settle;

    /** Picocli's converter for {@code 90s}, {@code 5m}, {@code PT1M}. */
    public static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Env.parseDuration(value);
        }
    }

    /** Checks the options before anything starts: a scenario that cannot be generated is a bad command line. */
    void check(CommandLine command) {
        try {
            Scenario.Settings.of(customers, Duration.ofDays(days), seed);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(command, "--customers/--days: " + e.getMessage());
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new CommandLine.ParameterException(command, "--duration must be positive, got " + duration);
        }
        if (settle.isNegative()) {
            throw new CommandLine.ParameterException(command, "--settle must not be negative, got " + settle);
        }
        if (rate != null && rate < 1) {
            throw new CommandLine.ParameterException(command, "--rate must be at least 1 signal per second, got " + rate);
        }
    }

    Scenario scenario() {
        return Scenario.generate(Scenario.Settings.of(customers, Duration.ofDays(days), seed), Instant.now(),
                Long.toString(System.currentTimeMillis(), 36));
    }

    /** {@code --duration}, or the time {@code --rate} needs for the scenario's signals. */
    Duration replayTime(Scenario scenario) {
        return rate == null ? duration : Duration.ofMillis(Math.max(1_000, 1_000L * scenario.events().size() / Math.max(1, rate)));
    }
}
