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

    /** One OPENED complaint as a line of the ingest API's NDJSON. */
    private static String opened(String customer, String at, String complaint, int severity) {
        return "{\"customerId\":\"" + customer + "\",\"occurredAt\":\"" + at + "\",\"complaintId\":\"" + complaint
                + "\",\"status\":\"OPENED\",\"severity\":" + severity + "}";
    }

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
                opened("C-1", "2026-03-01T10:00:00Z", "K-1", 5),
                opened("C-1", "2026-03-01T11:00:00Z", "K-2", 5),
                opened("C-2", "2026-03-02T10:00:00Z", "K-3", 2)));
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
    void shouldRefuseOnlyTheLinesThatAreNotValidSignalsAndKeepTheRest(@TempDir Path dir) throws Exception {
        Path complaints = dir.resolve("complaints.ndjson");
        Files.write(complaints, List.of(
                opened("C-1", "2026-03-01T10:00:00Z", "K-1", 3),
                "this line is not JSON {",
                opened("C-2", "2026-03-01T11:00:00Z", "K-2", 9),
                "",
                opened("C-3", "2026-03-02T10:00:00Z", "K-3", 5)));
        Path reports = dir.resolve("reports.ndjson");
        Files.write(reports, List.of("{\"customerId\":\"C-1\",\"occurredAt\":\"2026-03-01T12:00:00Z\",\"feedbackType\":\"NEGATIVE\",\"severity\":2}"));
        StringWriter out = new StringWriter();

        int status = new CommandLine(new BacktestMain()).setOut(new PrintWriter(out))
                .execute("--complaints", complaints.toString(), "--reports", reports.toString());

        assertThat(status).as(out.toString()).isZero();
        assertThat(out.toString()).as("the garbage line and severity 9 refused, the three valid signals kept")
                .startsWith("3 signals (2 lines refused by ingest's rules), 1 escalations marked");
    }

    @Test
    void shouldCalibrateOnTheEarlierPartAndReportBothConfigurationsOnTheLater(@TempDir Path dir) throws Exception {
        StringWriter written = new StringWriter();
        assertThat(new CommandLine(new ScenariosMain()).setOut(new PrintWriter(written)).execute("--out", dir.toString(),
                "--customers", "600", "--days", "120", "--seed", "5", "--end", "2026-11-01T00:00:00Z")).isZero();
        // Today's configuration starts where the search starts: the pre-calibration model, so the search has work to do.
        Map<String, String> before = Map.of("SCORING_SCALE", "20", "SCORING_INFLOW_HALF_LIFE", "2d", "SCORING_INFLOW_NET", "false",
                "SCORING_HORIZON", "72h", "SCORING_HYSTERESIS", "5", "SCORING_WEIGHT_CONFIRMATION", "-2");
        StringWriter out = new StringWriter();
        CalibrateMain calibrate = new CalibrateMain();
        calibrate.environment = before;

        int status = new CommandLine(calibrate).setOut(new PrintWriter(out)).execute("--reports", dir.resolve("reports.ndjson").toString(),
                "--complaints", dir.resolve("complaints.ndjson").toString(), "--returns", dir.resolve("returns.ndjson").toString(),
                "--families", dir.resolve("families.csv").toString(), "--precision-floor", "0.7");

        assertThat(status).as(out.toString()).isZero();
        List<String> lines = out.toString().lines().toList();
        JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertThat(json.path("metFloor").asBoolean()).as(out.toString()).isTrue();
        assertThat(json.path("fitted").fieldNames()).toIterable().as("only settings the search may change")
                .isNotEmpty().allMatch(Calibration.BOUNDS::containsKey);
        assertThat(out.toString()).contains("fitted configuration (environment of scoring-streams):").contains("per family");
        JsonNode fitToday = json.path("fit period: today's configuration").path("customers");
        JsonNode fitFitted = json.path("fit period: fitted configuration").path("customers");
        assertThat(fitFitted.path("precision").asDouble()).as("the fit raises precision above the floor")
                .isGreaterThanOrEqualTo(0.7).isGreaterThan(fitToday.path("precision").asDouble());
        JsonNode heldToday = json.path("held out: today's configuration").path("customers");
        JsonNode heldFitted = json.path("held out: fitted configuration").path("customers");
        assertThat(heldToday.path("escalations").asLong()).as("the held-out period holds only the later escalations")
                .isPositive().isLessThan(fitToday.path("escalations").asLong() + heldToday.path("escalations").asLong());
        assertThat(heldFitted.path("escalations").asLong()).isEqualTo(heldToday.path("escalations").asLong());
        assertThat(heldFitted.path("precision").asDouble()).as("what was fitted earlier holds on the later history")
                .isGreaterThan(heldToday.path("precision").asDouble());
    }

    @Test
    void shouldWriteEachFamilyWithItsGroundTruthAndJudgeItPerFamily(@TempDir Path dir) throws Exception {
        assertThat(new CommandLine(new ScenariosMain()).execute("--out", dir.toString(), "--customers", "400", "--days", "90",
                "--end", "2026-11-01T00:00:00Z")).isZero();
        List<String> families = Files.readAllLines(dir.resolve("families.csv"));
        assertThat(families.stream().skip(1).map(line -> line.split(",")[1]).distinct())
                .containsExactlyInAnyOrderElementsOf(ScenarioFamilies.FAMILIES);
        assertThat(families.stream().filter(line -> line.contains(",frequent-small,") || line.contains(",isolated-severe,")
                || line.contains(",seasonal-returns,") || line.contains(",calm,"))).as("families that never escalate have no time")
                .allMatch(line -> line.endsWith(","));
        assertThat(families.stream().filter(line -> line.contains(",slow-deterioration,"))).allMatch(line -> !line.endsWith(","));
        List<String> labels = Files.readAllLines(dir.resolve("labels.csv"));
        StringWriter out = new StringWriter();

        int status = new CommandLine(new BacktestMain()).setOut(new PrintWriter(out)).execute("--reports", dir.resolve("reports.ndjson").toString(),
                "--complaints", dir.resolve("complaints.ndjson").toString(), "--returns", dir.resolve("returns.ndjson").toString(),
                "--families", dir.resolve("families.csv").toString());

        assertThat(status).as(out.toString()).isZero();
        List<String> lines = out.toString().lines().toList();
        JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertThat(json.path("model (today's configuration)").path("customers").path("escalations").asInt())
                .as("the complaint rule finds exactly the labelled escalations").isEqualTo(labels.size() - 1);
        JsonNode slow = json.path("families").path("slow-deterioration");
        assertThat(slow.path("escalated").asInt()).isEqualTo(slow.path("entities").asInt()).isPositive();
        assertThat(json.path("families").path("unwarnable").path("model (today's configuration)").path("warned48h").asInt())
                .as("nothing warns of a cancellation out of the blue").isZero();
        assertThat(json.path("families").path("calm").path("reactive baseline (first complaint of severity >= 4)").path("falseAlarms").asInt())
                .as("calm customers never complain severely").isZero();
    }
}
