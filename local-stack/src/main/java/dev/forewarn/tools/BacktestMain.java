package dev.forewarn.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forewarn.events.Complaint;
import dev.forewarn.ingest.signal.SignalParser;
import dev.forewarn.ingest.signal.SignalType;
import dev.forewarn.scoring.ScoringConfig;
import dev.forewarn.scoring.intake.SignalIntake;
import dev.forewarn.scoring.model.RiskModel;
import dev.forewarn.scoring.model.Signal;
import dev.forewarn.service.Env;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code forewarn backtest}: how early the model would have warned on a history, next to a reactive rule.
 *
 * <pre>
 * java -cp forewarn-local.jar dev.forewarn.tools.BacktestMain --complaints complaints.ndjson --reports reports.ndjson \
 *     --returns returns.ndjson [--candidate SCORING_HALF_LIFE=7d --candidate SCORING_WEIGHT_SLA_BREACH=12]
 * </pre>
 *
 * Files are NDJSON in the ingest API's format (one signal per line, as {@code POST /v1/<kind>} takes them); each
 * line is validated by ingest's own parser and turned into a signal by scoring's own intake, then replayed through
 * {@link RiskModel} ({@link Backtest}). An escalation is a complaint of severity 5 or of category
 * {@code --escalation-category} (default {@code cancellation}). The model's configuration is today's (the
 * {@code SCORING_*} variables of the environment); {@code --candidate NAME=VALUE} adds a second one to compare.
 * Instead of files, {@code --bootstrap-servers} reads the signal topics from {@code --from} to {@code --to} (record
 * timestamps are the signals' event time; {@code offsetsForTimes} finds where to start), through scoring's intake too.
 * {@code --calibrate} searches the half-life, scale, inflow half-life and horizon (the weights keep their meaning)
 * for the highest customer recall at 48 h whose precision stays at or above {@code --precision-floor}, fitting on the
 * earlier {@code --fit-share} of the history and reporting today's and the fitted configuration on the rest.
 */
@Command(name = "forewarn-backtest", mixinStandardHelpOptions = true, version = "forewarn-backtest 0.1",
        description = "Replays a history of signals through the risk model and measures how early it warns.")
public final class BacktestMain implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--reports", description = "NDJSON of reports (the ingest API's format)")
    List<Path> reports = new ArrayList<>();

    @Option(names = "--complaints", description = "NDJSON of complaints")
    List<Path> complaints = new ArrayList<>();

    @Option(names = "--returns", description = "NDJSON of returns")
    List<Path> returns = new ArrayList<>();

    @Option(names = "--escalation-category", defaultValue = "cancellation", description = "complaint category that marks an escalation")
    String escalationCategory;

    @Option(names = "--window", defaultValue = "30d", description = "an alert is true when its entity escalates within this long (default 30d)")
    String window;

    @Option(names = "--labels", description = "CSV of escalations, customerId,escalatedAt (ISO-8601) per line, instead of the complaint rule")
    Path labels;

    @Option(names = "--entities", description = "write one CSV row per escalated or alerted entity (today's configuration) to this file")
    Path entities;

    @Option(names = "--candidate", description = "a SCORING_* setting of a second configuration to compare, NAME=VALUE (repeatable)")
    Map<String, String> candidate = new HashMap<>();

    @Option(names = "--bootstrap-servers", description = "read the signal topics of this Kafka cluster instead of files")
    String bootstrapServers;

    @Option(names = "--registry-url", defaultValue = "${env:SCHEMA_REGISTRY_URL:-http://localhost:8081}",
            description = "the schema registry of those topics (default $SCHEMA_REGISTRY_URL or http://localhost:8081)")
    String registryUrl;

    @Option(names = "--from", description = "with --bootstrap-servers: first event time, ISO-8601 or a duration ago (90d); default: all")
    String from;

    @Option(names = "--to", description = "with --bootstrap-servers: end of the period (exclusive), ISO-8601 or a duration ago; default: now")
    String to;

    @Option(names = "--calibrate", description = "search the model's settings for the best recall at 48 h above the precision floor")
    boolean calibrate;

    @Option(names = "--precision-floor", defaultValue = "0.7", description = "with --calibrate: the lowest precision accepted (default 0.7)")
    double precisionFloor;

    @Option(names = "--fit-share", defaultValue = "0.6", description = "with --calibrate: the earlier share of the history to fit on (default 0.6)")
    double fitShare;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BacktestMain()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        List<Backtest.Event> history = new ArrayList<>();
        int refused = 0;
        for (Map.Entry<SignalType, List<Path>> input : Map.of(SignalType.REPORT, reports, SignalType.COMPLAINT, complaints,
                SignalType.RETURN, returns).entrySet()) {
            for (Path file : input.getValue()) {
                refused += read(input.getKey(), file, history);
            }
        }
        if (bootstrapServers != null) {
            Instant now = Instant.now();
            refused += SignalTopics.read(bootstrapServers, registryUrl, from == null ? Instant.EPOCH : instant(from, now),
                    to == null ? now : instant(to, now), (record, signal) -> history.add(new Backtest.Event(signal, escalation(record))));
        }
        if (history.isEmpty()) {
            spec.commandLine().getErr().println("no signals: give --reports, --complaints and/or --returns files, or --bootstrap-servers");
            return 2;
        }
        Backtest backtest = new Backtest(duration(window), labels == null ? null : labels(labels));
        RiskModel.Config today = model(System.getenv(), Map.of());
        out.printf(Locale.ROOT, "%,d signals (%,d lines refused by ingest's rules), %,d escalations marked%n", history.size(), refused,
                history.stream().filter(Backtest.Event::escalation).count());
        ObjectNode json = JSON.createObjectNode();
        print(out, json, "reactive baseline (first complaint of severity >= 4)", backtest.baseline(history));
        Backtest.Report current = backtest.model(today, history);
        print(out, json, "model (today's configuration)", current);
        if (entities != null) {
            Files.write(entities, backtest.rows(current), StandardCharsets.UTF_8);
            out.println("per-entity rows written to " + entities);
        }
        if (!candidate.isEmpty()) {
            print(out, json, "model (candidate " + candidate + ")", backtest.model(model(System.getenv(), candidate), history));
        }
        if (calibrate) {
            Calibration.Result result = new Calibration(backtest, precisionFloor, fitShare).run(history, System.getenv());
            out.printf(Locale.ROOT, "%ncalibration: %d configurations fitted on %s .. %s, reported on %s .. %s%n", result.tried(),
                    Instant.ofEpochMilli(result.start()), Instant.ofEpochMilli(result.split()), Instant.ofEpochMilli(result.split()),
                    Instant.ofEpochMilli(result.end()));
            out.println(result.metFloor() ? "  the best recall at 48 h with precision >= " + precisionFloor + " on the fit period:"
                    : "  no configuration reached precision " + precisionFloor + " on the fit period; the most precise one:");
            print(out, json, "held out: today's configuration", result.todayHeldOut());
            print(out, json, "held out: fitted configuration", result.fittedHeldOut());
            out.println("fitted configuration (environment of scoring-streams):");
            result.fitted().forEach((name, value) -> out.println("  " + name + "=" + value));
            ObjectNode fitted = json.putObject("fitted");
            result.fitted().forEach(fitted::put);
        }
        out.println(json);
        out.flush();
        return 0;
    }

    /** Parses one NDJSON file with ingest's parser (no clock limit on age: history is old) into history events. */
    private int read(SignalType type, Path file, List<Backtest.Event> history) throws IOException {
        SignalParser parser = new SignalParser(new SignalParser.Rules(Duration.ofMinutes(5), Duration.ofDays(365L * 100), false,
                Clock.systemUTC()));
        int refused = 0;
        try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode item;
                try {
                    item = JSON.readTree(line);
                } catch (IOException e) {
                    refused++;
                    continue;
                }
                if (!(parser.parse(type, item, "backtest", Optional.empty()) instanceof SignalParser.Valid valid)) {
                    refused++;
                    continue;
                }
                List<String> problems = new ArrayList<>();
                Signal signal = SignalIntake.toSignal(valid.record(), problems);
                if (signal == null) {
                    refused++;
                    continue;
                }
                history.add(new Backtest.Event(signal, escalation(valid.record())));
            }
        }
        return refused;
    }

    /** {@code customerId,escalatedAt} lines (a header line and blank lines are skipped) → entity key → time. */
    static Map<String, Long> labels(Path file) throws IOException {
        Map<String, Long> labels = new HashMap<>();
        int number = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            number++;
            String[] parts = line.split(",");
            if (line.isBlank() || number == 1 && parts[0].trim().equalsIgnoreCase("customerId")) {
                continue;
            }
            try {
                labels.merge("CUSTOMER:" + parts[0].trim(), java.time.Instant.parse(parts[1].trim()).toEpochMilli(), Math::min);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + " line " + number + ": expected customerId,escalatedAt (ISO-8601)");
            }
        }
        return labels;
    }

    private boolean escalation(SpecificRecord record) {
        return record instanceof Complaint c && (c.getSeverity() >= 5
                || c.getCategory() != null && c.getCategory().equalsIgnoreCase(escalationCategory));
    }

    /** The model configuration the service would read from {@code environment} with {@code overrides} on top. */
    static RiskModel.Config model(Map<String, String> environment, Map<String, String> overrides) {
        Map<String, String> variables = new HashMap<>();
        environment.forEach((k, v) -> {
            if (k.startsWith("SCORING_")) {
                variables.put(k, v);
            }
        });
        variables.putAll(overrides);
        variables.put("SCORING_AUTH_DISABLED", "true"); // only the model is read
        return ScoringConfig.fromEnv(new Env(variables)).model();
    }

    /** An ISO-8601 instant, or a duration before {@code now} ({@code 30d}). */
    static Instant instant(String text, Instant now) {
        try {
            return Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            return now.minus(Env.parseDuration(text));
        }
    }

    private static Duration duration(String text) {
        return new Env(Map.of("WINDOW", text)).duration("WINDOW", Duration.ofDays(30));
    }

    private static void print(PrintWriter out, ObjectNode json, String name, Backtest.Report report) {
        out.println(name);
        for (Map.Entry<String, Backtest.Figures> e : Map.of("customers", report.customers(), "products", report.products()).entrySet()) {
            Backtest.Figures f = e.getValue();
            out.printf(Locale.ROOT, "  %-9s escalations %4d  recall@24h %5.1f%%  @48h %5.1f%%  @72h %5.1f%%  lead p10 %s median %s"
                            + "  alerts %5d  precision %5.1f%%  false alarms/1000 entity-weeks %6.1f%n",
                    e.getKey(), f.escalations(), 100 * f.recall(Duration.ofHours(24)), 100 * f.recall(Duration.ofHours(48)),
                    100 * f.recall(Duration.ofHours(72)), f.leadQuantile(0.1), f.leadQuantile(0.5), f.alerts(), 100 * f.precision(),
                    f.falseAlarmsPerThousandEntityWeeks());
            ObjectNode rule = json.has(name) ? (ObjectNode) json.get(name) : json.putObject(name);
            ObjectNode figures = rule.putObject(e.getKey());
            figures.put("escalations", f.escalations()).put("recall48h", f.recall(Duration.ofHours(48)))
                    .put("alerts", f.alerts()).put("precision", f.precision());
        }
    }
}
