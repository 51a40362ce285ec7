package dev.forewarn.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forewarn.local.Scenario;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The backtest on a simulated history written as the ingest API's NDJSON files, as a user would run it. */
class BacktestMainTest {

    @Test
    void shouldMeasureTheModelAndTheReactiveRuleOnTheSameHistory(@TempDir Path dir) throws Exception {
        Scenario scenario = Scenario.generate(Scenario.Settings.of(400, Duration.ofDays(60), 11), Instant.parse("2026-11-01T00:00:00Z"), "bt");
        Map<String, List<Scenario.Event>> byKind = scenario.events().stream().collect(Collectors.groupingBy(Scenario.Event::kind));
        List<String> args = new ArrayList<>();
        for (Map.Entry<String, List<Scenario.Event>> kind : byKind.entrySet()) {
            Path file = dir.resolve(kind.getKey() + ".ndjson");
            Files.write(file, kind.getValue().stream().map(e -> e.body().toString()).toList());
            args.add("--" + kind.getKey());
            args.add(file.toString());
        }
        Path rows = dir.resolve("entities.csv");
        args.addAll(List.of("--candidate", "SCORING_HALF_LIFE=2d", "--entities", rows.toString()));
        StringWriter out = new StringWriter();
        CommandLine command = new CommandLine(new BacktestMain()).setOut(new PrintWriter(out));

        int status = command.execute(args.toArray(String[]::new));

        assertThat(status).as(out.toString()).isZero();
        List<String> lines = out.toString().lines().toList();
        JsonNode figures = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        long customerEscalations = scenario.escalations().stream().filter(e -> e.entity().startsWith("CUSTOMER:")).count();
        JsonNode baseline = figures.path("reactive baseline (first complaint of severity >= 4)").path("customers");
        JsonNode model = figures.path("model (today's configuration)").path("customers");
        JsonNode candidate = figures.path("model (candidate {SCORING_HALF_LIFE=2d})").path("customers");
        assertThat(model.path("escalations").asLong()).as("the scenario's cancellations are the escalations")
                .isGreaterThanOrEqualTo(customerEscalations).isPositive();
        assertThat(model.path("recall48h").asDouble()).as("the model warns earlier than the reactive rule")
                .isGreaterThan(baseline.path("recall48h").asDouble());
        assertThat(candidate.path("alerts").asLong()).as("a different configuration alerts differently")
                .isNotEqualTo(model.path("alerts").asLong());
        assertThat(out.toString()).contains("recall@24h").contains("@48h").contains("precision");
        List<String> csv = Files.readAllLines(rows);
        assertThat(csv.get(0)).isEqualTo("entity,escalatedAt,firstAlertAt,leadHours,outcome");
        long warned = csv.stream().filter(r -> r.startsWith("CUSTOMER:") && r.endsWith(",warned")).count();
        assertThat(warned).as("every escalation warned 48 h ahead has its row (and those warned less early too)")
                .isGreaterThanOrEqualTo(Math.round(model.path("recall48h").asDouble() * model.path("escalations").asLong()));
        assertThat(csv).anyMatch(r -> r.endsWith(",missed")).anyMatch(r -> r.endsWith(",false-alarm"));
    }

    @Test
    void shouldTakeTheEscalationsFromALabelledFileWhenGivenOne(@TempDir Path dir) throws Exception {
        Path complaints = dir.resolve("complaints.ndjson");
        Files.write(complaints, List.of(
                "{\"customerId\":\"C-1\",\"occurredAt\":\"2026-03-01T10:00:00Z\",\"complaintId\":\"K-1\",\"status\":\"OPENED\",\"severity\":5}",
                "{\"customerId\":\"C-1\",\"occurredAt\":\"2026-03-01T11:00:00Z\",\"complaintId\":\"K-2\",\"status\":\"OPENED\",\"severity\":5}",
                "{\"customerId\":\"C-2\",\"occurredAt\":\"2026-03-02T10:00:00Z\",\"complaintId\":\"K-3\",\"status\":\"OPENED\",\"severity\":2}"));
        Path labels = dir.resolve("labels.csv");
        Files.write(labels, List.of("customerId,escalatedAt", "C-1,2026-03-05T10:00:00Z", "C-2,2026-03-03T10:00:00Z"));
        StringWriter out = new StringWriter();

        int status = new CommandLine(new BacktestMain()).setOut(new PrintWriter(out))
                .execute("--complaints", complaints.toString(), "--labels", labels.toString());

        assertThat(status).as(out.toString()).isZero();
        List<String> lines = out.toString().lines().toList();
        JsonNode model = new ObjectMapper().readTree(lines.get(lines.size() - 1)).path("model (today's configuration)").path("customers");
        assertThat(model.path("escalations").asLong()).as("the two labelled customers, not the severity-5 complaints").isEqualTo(2);
        assertThat(model.path("recall48h").asDouble()).as("C-1 alerted four days ahead, C-2 never").isEqualTo(0.5);
    }

    @Test
    void shouldCalibrateOnTheEarlierPartAndReportBothConfigurationsOnTheLater(@TempDir Path dir) throws Exception {
        Scenario scenario = Scenario.generate(Scenario.Settings.of(400, Duration.ofDays(60), 11), Instant.parse("2026-11-01T00:00:00Z"), "cal");
        List<String> args = new ArrayList<>(List.of("--calibrate", "--precision-floor", "0.5"));
        for (Map.Entry<String, List<Scenario.Event>> kind : scenario.events().stream()
                .collect(Collectors.groupingBy(Scenario.Event::kind)).entrySet()) {
            Path file = dir.resolve(kind.getKey() + ".ndjson");
            Files.write(file, kind.getValue().stream().map(e -> e.body().toString()).toList());
            args.add("--" + kind.getKey());
            args.add(file.toString());
        }
        StringWriter out = new StringWriter();

        int status = new CommandLine(new BacktestMain()).setOut(new PrintWriter(out)).execute(args.toArray(String[]::new));

        assertThat(status).as(out.toString()).isZero();
        List<String> lines = out.toString().lines().toList();
        JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertThat(json.path("fitted").size()).as("the four searched settings").isEqualTo(4);
        assertThat(out.toString()).contains("calibration: 192 configurations").contains("SCORING_HALF_LIFE=")
                .contains("SCORING_HORIZON=");
        long all = json.path("model (today's configuration)").path("customers").path("escalations").asLong();
        long heldOut = json.path("held out: today's configuration").path("customers").path("escalations").asLong();
        assertThat(heldOut).as("the held-out period holds only the later escalations").isPositive().isLessThan(all);
        assertThat(json.path("held out: fitted configuration").path("customers").path("escalations").asLong()).isEqualTo(heldOut);
    }
}
