package dev.forewarn.tools;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forewarn.desk.EscalationRule;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine.Option;

/**
 * Where a backtest's or a calibration's history comes from and what counts as an escalation: the options both
 * commands share. Files are NDJSON in the ingest API's format (one signal per line, as {@code POST /v1/<kind>} takes
 * them); each line is validated by ingest's own parser and turned into a signal by scoring's own intake. Instead of
 * files, {@code --bootstrap-servers} reads the signal topics from {@code --from} to {@code --to} (record timestamps are
 * the signals' event time; {@code offsetsForTimes} finds where to start), through scoring's intake too.
 */
public final class HistoryOptions {

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder().build());

    @Option(names = "--reports", description = "NDJSON of reports (the ingest API's format)")
    List<Path> reports = new ArrayList<>();

    @Option(names = "--complaints", description = "NDJSON of complaints")
    List<Path> complaints = new ArrayList<>();

    @Option(names = "--returns", description = "NDJSON of returns")
    List<Path> returns = new ArrayList<>();

    @Option(names = "--bootstrap-servers", description = "read the signal topics of this Kafka cluster instead of files")
    String bootstrapServers;

    @Option(names = "--registry-url", defaultValue = "${env:SCHEMA_REGISTRY_URL:-http://localhost:8081}",
            description = "the schema registry of those topics (default $SCHEMA_REGISTRY_URL or http://localhost:8081)")
    String registryUrl;

    @Option(names = "--from", description = "with --bootstrap-servers: first event time, ISO-8601 or a duration ago (90d); default: all")
    String from;

    @Option(names = "--to", description = "with --bootstrap-servers: end of the period (exclusive), ISO-8601 or a duration ago; default: now")
    String to;

    @Option(names = "--escalation-severity", defaultValue = "5",
            description = "a complaint at least this severe is an escalation (default 5; the desk's DESK_ESCALATION_SEVERITY)")
    int escalationSeverity;

    @Option(names = "--escalation-category", defaultValue = "cancellation",
            description = "a complaint of this category is an escalation too (default cancellation; the desk's DESK_ESCALATION_CATEGORY)")
    String escalationCategory;

    @Option(names = "--window", defaultValue = "30d", description = "an alert is true when its entity escalates within this long (default 30d)")
    String window;

    @Option(names = "--labels", description = "CSV of escalations, customerId,escalatedAt (ISO-8601) per line, instead of the complaint rule")
    Path labels;

    @Option(names = "--families", description = "CSV entity,family[,...] (as `forewarn scenarios` writes): figures per family too")
    Path families;

    /** Derived from the options once (the rule is asked for every record read). */
    private EscalationRule rule;
    private Backtest backtest;
    private Map<String, String> familyOf;

    /** The history read, and how many lines ingest's rules refused. */
    public record Loaded(List<Backtest.Event> history, int refused) {
    }

    /** The history, refused as a usage error (status 2) when there is none: a backtest of nothing is a mistake. */
    public Loaded loadSome(picocli.CommandLine command) throws IOException {
        // The other options first: a mistake in them should not wait for a long read (each is read once, kept).
        escalationRule();
        backtest();
        families();
        Loaded loaded = load();
        if (loaded.history().isEmpty()) {
            throw new picocli.CommandLine.ParameterException(command,
                    "no signals: give --reports, --complaints and/or --returns files, or --bootstrap-servers (" + loaded.refused()
                            + " lines refused)");
        }
        return loaded;
    }

    public Loaded load() throws IOException {
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
        return new Loaded(Backtest.sorted(history), refused);
    }

    public Backtest backtest() throws IOException {
        if (backtest == null) {
            backtest = newBacktest();
        }
        return backtest;
    }

    private Backtest newBacktest() throws IOException {
        Duration within;
        try {
            within = Env.parseDuration(window);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--window " + window + ": must be a duration such as 30d, 72h or PT30S");
        }
        return new Backtest(within, labels == null ? null : labels(labels));
    }

    /** Entity key → family from {@code --families}, empty without it. */
    Map<String, String> families() throws IOException {
        if (familyOf == null) {
            familyOf = readFamilies();
        }
        return familyOf;
    }

    private Map<String, String> readFamilies() throws IOException {
        Map<String, String> result = new LinkedHashMap<>();
        if (families == null) {
            return result;
        }
        List<String> lines = Files.readAllLines(families, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String[] parts = lines.get(i).split(",");
            if (lines.get(i).isBlank() || i == 0 && parts[0].equalsIgnoreCase("entity")) {
                continue;
            }
            if (parts.length < 2 || !parts[0].contains(":")) {
                throw new IllegalArgumentException(families + " line " + (i + 1) + ": expected entity,family (entity as CUSTOMER:id or PRODUCT:id)");
            }
            result.put(parts[0].trim(), parts[1].trim());
        }
        return result;
    }

    /**
     * Parses one NDJSON file with ingest's parser (no clock limit on age: history is old) into history events. The file is
     * read as one stream of JSON values (one parser for the whole file); a file with a line that is not JSON at all is
     * read again line by line, refusing that line and keeping the others.
     */
    private int read(SignalType type, Path file, List<Backtest.Event> history) throws IOException {
        SignalParser parser = new SignalParser(new SignalParser.Rules(Duration.ofMinutes(5), Duration.ofDays(365L * 100), false,
                Clock.systemUTC()));
        int[] refused = {0};
        List<Backtest.Event> read = new ArrayList<>();
        try (java.io.InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16);
             com.fasterxml.jackson.databind.MappingIterator<JsonNode> items = JSON.readerFor(JsonNode.class).readValues(in)) {
            while (items.hasNextValue()) {
                accept(type, parser, items.nextValue(), read, refused);
            }
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            read.clear();
            refused[0] = 0;
            try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode item;
                    try {
                        item = JSON.readTree(line);
                    } catch (IOException notJson) {
                        refused[0]++;
                        continue;
                    }
                    accept(type, parser, item, read, refused);
                }
            }
        }
        history.addAll(read);
        return refused[0];
    }

    /** One JSON value: validated by ingest's parser, turned into a signal by scoring's intake, or refused. */
    private void accept(SignalType type, SignalParser parser, JsonNode item, List<Backtest.Event> read, int[] refused) {
        if (!(parser.parse(type, item, "backtest", Optional.empty()) instanceof SignalParser.Valid valid)) {
            refused[0]++;
            return;
        }
        Signal signal = SignalIntake.toSignal(valid.record(), new ArrayList<>(0));
        if (signal == null) {
            refused[0]++;
            return;
        }
        read.add(new Backtest.Event(canonical(signal), escalation(valid.record())));
    }

    /** One instance of each customer, product and complaint id: a long history holds millions of copies of few ids. */
    private final Map<String, String> ids = new HashMap<>();

    private Signal canonical(Signal s) {
        return new Signal(s.eventId(), id(s.customerId()), id(s.productId()), s.kind(), s.occurredAt(), s.kano(), s.feedbackType(),
                s.severity(), s.returnReason(), id(s.complaintId()), s.complaintStatus(), s.slaDueAt(), id(s.source()));
    }

    private String id(String value) {
        return value == null ? null : ids.computeIfAbsent(value, v -> v);
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
                labels.merge("CUSTOMER:" + parts[0].trim(), Instant.parse(parts[1].trim()).toEpochMilli(), Math::min);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + " line " + number + ": expected customerId,escalatedAt (ISO-8601)");
            }
        }
        return labels;
    }

    /** The escalation rule the quality desk applies too ({@code DESK_ESCALATION_SEVERITY}, {@code DESK_ESCALATION_CATEGORY}). */
    public EscalationRule escalationRule() {
        if (rule == null) {
            try {
                rule = new EscalationRule(escalationSeverity, Optional.ofNullable(escalationCategory));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--escalation-severity " + escalationSeverity + ": must be 1..5");
            }
        }
        return rule;
    }

    private boolean escalation(SpecificRecord record) {
        return record instanceof Complaint c && escalationRule().matches(c.getSeverity(), c.getCategory());
    }

    /** The model configuration the service would read from {@code environment} with {@code overrides} on top. */
    public static RiskModel.Config model(Map<String, String> environment, Map<String, String> overrides) {
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
}
