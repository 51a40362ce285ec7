package dev.forewarn.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code forewarn scenarios}: writes the labelled scenario families of {@link ScenarioFamilies} as the ingest API's
 * NDJSON ({@code reports.ndjson}, {@code complaints.ndjson}, {@code returns.ndjson}), the ground truth as
 * {@code labels.csv} ({@code customerId,escalatedAt}) and each entity's family as {@code families.csv}
 * ({@code entity,family,escalatedAt}) — the inputs of {@code forewarn backtest} and {@code forewarn calibrate}.
 */
@Command(name = "scenarios", mixinStandardHelpOptions = true, version = "forewarn-scenarios 0.1",
        description = "Writes a labelled history of scenario families for the backtest and the calibration.")
public final class ScenariosMain implements Callable<Integer> {

    @Option(names = "--out", required = true, description = "directory to write the files to (created if missing)")
    Path out;

    @Option(names = "--customers", defaultValue = "2000", description = "population size (default 2000)")
    int customers;

    @Option(names = "--days", defaultValue = "120", description = "days of history (60..400, default 120)")
    int days;

    @Option(names = "--seed", defaultValue = "1", description = "random seed (default 1)")
    long seed;

    @Option(names = "--end", description = "end of the history, ISO-8601 (default: today 00:00 UTC)")
    Instant end;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(ForewarnMain.commandLine(new ScenariosMain()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        ScenarioFamilies scenarios = ScenarioFamilies.generate(new ScenarioFamilies.Settings(customers, Duration.ofDays(days), seed),
                end != null ? end : Instant.now().truncatedTo(ChronoUnit.DAYS));
        Files.createDirectories(out);
        Map<String, List<String>> byKind = new LinkedHashMap<>();
        for (String kind : List.of("reports", "complaints", "returns")) {
            byKind.put(kind, new ArrayList<>());
        }
        scenarios.events().forEach(e -> byKind.get(e.kind()).add(e.body().toString()));
        for (Map.Entry<String, List<String>> kind : byKind.entrySet()) {
            Files.write(out.resolve(kind.getKey() + ".ndjson"), kind.getValue(), StandardCharsets.UTF_8);
        }
        List<String> labels = new ArrayList<>(List.of("customerId,escalatedAt"));
        scenarios.escalations().forEach((entity, at) -> {
            if (entity.startsWith("CUSTOMER:")) {
                labels.add(entity.substring("CUSTOMER:".length()) + "," + Instant.ofEpochMilli(at));
            }
        });
        Files.write(out.resolve("labels.csv"), labels, StandardCharsets.UTF_8);
        List<String> families = new ArrayList<>(List.of("entity,family,escalatedAt"));
        scenarios.families().forEach((entity, family) -> {
            Long at = scenarios.escalations().get(entity);
            families.add(entity + "," + family + "," + (at == null ? "" : Instant.ofEpochMilli(at).toString()));
        });
        Files.write(out.resolve("families.csv"), families, StandardCharsets.UTF_8);
        PrintWriter print = spec.commandLine().getOut();
        print.printf("%,d signals (%,d reports, %,d complaints, %,d returns), %,d entities in %d families, %,d escalations → %s%n",
                scenarios.events().size(), byKind.get("reports").size(), byKind.get("complaints").size(), byKind.get("returns").size(),
                scenarios.families().size(), ScenarioFamilies.FAMILIES.size(), scenarios.escalations().size(), out);
        print.printf("backtest: forewarn backtest --reports %1$s/reports.ndjson --complaints %1$s/complaints.ndjson"
                + " --returns %1$s/returns.ndjson --families %1$s/families.csv%n", out);
        print.flush();
        return 0;
    }
}
