package dev.forewarn.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forewarn.desk.EvidenceIndex;
import dev.forewarn.desk.QualityReport;
import dev.forewarn.scoring.model.RiskModel;
import dev.forewarn.scoring.model.Signal;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code forewarn backtest}: how early the model would have warned on a history, next to a reactive rule.
 *
 * <pre>
 * bin/forewarn backtest --complaints complaints.ndjson --reports reports.ndjson --returns returns.ndjson \
 *     [--families families.csv] [--candidate SCORING_HALF_LIFE=7d --candidate SCORING_WEIGHT_SLA_BREACH=12]
 * </pre>
 *
 * The history ({@link HistoryOptions}: files or a period of the topics) is replayed through {@link RiskModel}
 * ({@link Backtest}) with today's configuration (the {@code SCORING_*} variables of the environment) and, with
 * {@code --candidate NAME=VALUE}, a second one to compare. An escalation is a complaint of severity 5 or of category
 * {@code cancellation} (both configurable), or what {@code --labels} says.
 */
@Command(name = "backtest", mixinStandardHelpOptions = true, version = "forewarn-backtest 0.2",
        description = "Replays a history of signals through the risk model and measures how early it warns.")
public final class BacktestMain implements Callable<Integer> {

    static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    public HistoryOptions input = new HistoryOptions();

    @Option(names = "--entities", description = "write one CSV row per escalated or alerted entity (today's configuration) to this file")
    Path entities;

    @Option(names = "--candidate", description = "a SCORING_* setting of a second configuration to compare, NAME=VALUE (repeatable)")
    Map<String, String> candidate = new HashMap<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(ForewarnMain.commandLine(new BacktestMain()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        HistoryOptions.Loaded loaded = input.loadSome(spec.commandLine());
        long started = System.nanoTime();
        Backtest backtest = input.backtest();
        out.printf(Locale.ROOT, "%,d signals (%,d lines refused by ingest's rules), %,d escalations marked%n", loaded.history().size(),
                loaded.refused(), loaded.history().stream().filter(Backtest.Event::escalation).count());
        ObjectNode json = JSON.createObjectNode();
        Map<String, Backtest.Report> reports = new LinkedHashMap<>();
        reports.put("reactive baseline (first complaint of severity >= 4)", backtest.baseline(loaded.history()));
        reports.put("model (today's configuration)", backtest.model(HistoryOptions.model(System.getenv(), Map.of()), loaded.history()));
        if (!candidate.isEmpty()) {
            reports.put("model (candidate " + candidate + ")",
                    backtest.model(HistoryOptions.model(System.getenv(), candidate), loaded.history()));
        }
        reports.forEach((name, report) -> print(out, json, name, report));
        QualityReport desk = deskView(reports.get("model (today's configuration)"), loaded.history());
        out.printf(Locale.ROOT, "as the quality desk counts them (%s; caught by the customer's or the product's alert before it):"
                        + " %d escalations, %d caught, lead median %s%n", input.escalationRule().describe(), desk.escalations().size(),
                desk.caught(), desk.leadQuantile(0.5).map(BacktestMain::hours).orElse("-"));
        json.putObject("desk").put("escalations", desk.escalations().size()).put("caught", desk.caught())
                .put("leadMedianSeconds", desk.leadQuantile(0.5).map(Duration::toSeconds).orElse(0L));
        printFamilies(out, json, backtest, input.families(), reports);
        if (entities != null) {
            Files.write(entities, backtest.rows(reports.get("model (today's configuration)")), StandardCharsets.UTF_8);
            out.println("per-entity rows written to " + entities);
        }
        out.printf(Locale.ROOT, "replayed %d times in %.2f s%n", reports.size(), (System.nanoTime() - started) / 1e9);
        out.println(json);
        out.flush();
        return 0;
    }

    /**
     * The quality desk's "how good are the warnings" on the replayed alerts, computed by the desk's own
     * {@link QualityReport}: every escalating complaint (once per customer and complaint), caught when the customer's or
     * the product's alert fired before it. Like alerting-service, which keeps each alert's current firing only, an
     * entity's alert is its latest firing in the history.
     */
    static QualityReport deskView(Backtest.Report report, List<Backtest.Event> history) {
        long first = history.stream().mapToLong(e -> e.signal().occurredAt()).min().orElse(0);
        long last = history.stream().mapToLong(e -> e.signal().occurredAt()).max().orElse(0);
        List<JsonNode> alerts = new ArrayList<>();
        report.alerts().forEach((key, fired) -> alerts.add(JSON.createObjectNode().put("id", key)
                .put("firedScoredAt", Instant.ofEpochMilli(fired.get(fired.size() - 1)).toString())));
        Map<String, EvidenceIndex.Signal> escalations = new LinkedHashMap<>();
        for (Backtest.Event e : history) {
            Signal s = e.signal();
            if (e.escalation() && s.complaintId() != null) {
                escalations.putIfAbsent(s.customerId() + "/" + s.complaintId(), new EvidenceIndex.Signal(s.eventId(), "COMPLAINT", null,
                        s.customerId(), s.productId(), Instant.ofEpochMilli(s.occurredAt()), s.severity(), null, s.complaintId(),
                        s.complaintStatus() == null ? null : s.complaintStatus().name(), null, null, null));
            }
        }
        return QualityReport.compute(alerts, List.copyOf(escalations.values()), Instant.ofEpochMilli(first), Instant.ofEpochMilli(last + 1));
    }

    /** One rule's figures for customers and products, as text and into {@code json} under {@code name}. */
    static void print(PrintWriter out, ObjectNode json, String name, Backtest.Report report) {
        out.println(name);
        Map<String, Backtest.Figures> kinds = new LinkedHashMap<>();
        kinds.put("customers", report.customers());
        kinds.put("products", report.products());
        for (Map.Entry<String, Backtest.Figures> e : kinds.entrySet()) {
            Backtest.Figures f = e.getValue();
            out.printf(Locale.ROOT, "  %-9s escalations %4d  recall@24h %5.1f%%  @48h %5.1f%%  @72h %5.1f%%  lead p10 %s median %s"
                            + "  alerts %5d  precision %5.1f%%  false alarms/1000 entity-weeks %6.1f%n",
                    e.getKey(), f.escalations(), 100 * f.recall(Duration.ofHours(24)), 100 * f.recall(Duration.ofHours(48)),
                    100 * f.recall(Duration.ofHours(72)), hours(f.leadQuantile(0.1)), hours(f.leadQuantile(0.5)), f.alerts(),
                    100 * f.precision(), f.falseAlarmsPerThousandEntityWeeks());
            ObjectNode rule = json.has(name) ? (ObjectNode) json.get(name) : json.putObject(name);
            rule.putObject(e.getKey()).put("escalations", f.escalations()).put("recall24h", f.recall(Duration.ofHours(24)))
                    .put("recall48h", f.recall(Duration.ofHours(48))).put("recall72h", f.recall(Duration.ofHours(72)))
                    .put("alerts", f.alerts()).put("precision", f.precision())
                    .put("falseAlarmsPerThousandEntityWeeks", f.falseAlarmsPerThousandEntityWeeks());
        }
    }

    /** A lead time for people: {@code 76.7 h}. */
    static String hours(Duration d) {
        return String.format(Locale.ROOT, "%5.1f h", d.toMillis() / 3_600_000.0);
    }

    /**
     * Per family (when {@code families} is not empty): entities, escalated, and for each rule how many escalations it
     * warned 48 h ahead and how many entities it alerted falsely.
     */
    static void printFamilies(PrintWriter out, ObjectNode json, Backtest backtest, Map<String, String> families,
                              Map<String, Backtest.Report> reports) {
        if (families.isEmpty()) {
            return;
        }
        out.println("per family: entities, escalated; then per rule: warned >= 48 h ahead / entities falsely alerted");
        Map<String, Map<String, Backtest.FamilyFigures>> byRule = new LinkedHashMap<>();
        reports.forEach((name, report) -> byRule.put(name, backtest.byFamily(report, families)));
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "  %-22s %6s %6s", "family", "n", "esc"));
        int column = 1;
        for (String name : byRule.keySet()) {
            header.append(String.format(Locale.ROOT, "  %15s", "(" + column++ + ") warned/false"));
        }
        out.println(header);
        Map<String, Backtest.FamilyFigures> first = byRule.values().iterator().next();
        ObjectNode perFamily = json.putObject("families");
        for (String family : first.keySet()) {
            Backtest.FamilyFigures f = first.get(family);
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %-22s %6d %6d", family, f.entities(), f.escalated()));
            ObjectNode node = perFamily.putObject(family).put("entities", f.entities()).put("escalated", f.escalated());
            for (Map.Entry<String, Map<String, Backtest.FamilyFigures>> rule : byRule.entrySet()) {
                Backtest.FamilyFigures g = rule.getValue().get(family);
                row.append(String.format(Locale.ROOT, "  %15s", g.warned48h() + " / " + g.falseAlarms()));
                node.putObject(rule.getKey()).put("warned48h", g.warned48h()).put("alerted", g.alerted()).put("falseAlarms", g.falseAlarms());
            }
            out.println(row);
        }
        int column2 = 1;
        for (String name : byRule.keySet()) {
            out.println("  (" + column2++ + ") " + name);
        }
    }
}
