package dev.forewarn.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code forewarn calibrate}: fits the model's settings to a history ({@link Calibration}) and prints them as the
 * {@code SCORING_*} variables scoring-streams reads, with today's and the fitted figures on the fit period and on the
 * held-out period after it.
 *
 * <pre>
 * bin/forewarn calibrate --reports reports.ndjson --complaints complaints.ndjson --returns returns.ndjson \
 *     [--precision-floor 0.7] [--fit-share 0.6] [--families families.csv]
 * </pre>
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true, version = "forewarn-calibrate 0.1",
        description = "Searches the risk model's settings for the best recall at 48 h above a precision floor, validated on later history.")
public final class CalibrateMain implements Callable<Integer> {

    @Mixin
    HistoryOptions input = new HistoryOptions();

    @Option(names = "--precision-floor", defaultValue = "0.7", description = "the lowest precision accepted (default 0.7)")
    double precisionFloor;

    @Option(names = "--fit-share", defaultValue = "0.6", description = "the earlier share of the history to fit on (default 0.6)")
    double fitShare;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Where today's configuration is read from: the process environment, as scoring-streams reads it. */
    Map<String, String> environment = System.getenv();

    public static void main(String[] args) {
        System.exit(ForewarnMain.commandLine(new CalibrateMain()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        HistoryOptions.Loaded loaded = input.loadSome(spec.commandLine());
        Backtest backtest = input.backtest();
        long started = System.nanoTime();
        Calibration.Result result = new Calibration(backtest, precisionFloor, fitShare).run(loaded.history(), environment);
        out.printf(Locale.ROOT, "%,d signals (%,d lines refused by ingest's rules); %d configurations replayed in %.1f s%n",
                loaded.history().size(), loaded.refused(), result.tried(), (System.nanoTime() - started) / 1e9);
        out.printf(Locale.ROOT, "fit on %s .. %s, held out %s .. %s%n", Instant.ofEpochMilli(result.start()),
                Instant.ofEpochMilli(result.split()), Instant.ofEpochMilli(result.split()), Instant.ofEpochMilli(result.end()));
        ObjectNode json = BacktestMain.JSON.createObjectNode();
        Map<String, Backtest.Report> reports = new LinkedHashMap<>();
        reports.put("fit period: today's configuration", result.todayFit());
        reports.put("fit period: fitted configuration", result.fittedFit());
        reports.put("held out: today's configuration", result.todayHeldOut());
        reports.put("held out: fitted configuration", result.fittedHeldOut());
        reports.forEach((name, report) -> BacktestMain.print(out, json, name, report));
        for (String period : List.of("fit period", "held out")) {
            out.printf(Locale.ROOT, "%s, customers and products together: recall@48h %.1f%% -> %.1f%%, precision %.1f%% -> %.1f%%%n",
                    period, 100 * Calibration.recall(reports.get(period + ": today's configuration")),
                    100 * Calibration.recall(reports.get(period + ": fitted configuration")),
                    100 * Calibration.precision(reports.get(period + ": today's configuration")),
                    100 * Calibration.precision(reports.get(period + ": fitted configuration")));
        }
        Map<String, Backtest.Report> heldOut = new LinkedHashMap<>();
        heldOut.put("held out: today's configuration", result.todayHeldOut());
        heldOut.put("held out: fitted configuration", result.fittedHeldOut());
        BacktestMain.printFamilies(out, json, backtest.between(result.split(), Long.MAX_VALUE), input.families(), heldOut);
        out.println(result.metFloor() ? "the fitted configuration reaches precision " + precisionFloor + " on the fit period"
                : "no configuration reached precision " + precisionFloor + " on the fit period; the fitted one is the most precise found");
        out.println(result.fitted().isEmpty() ? "fitted configuration: today's (nothing did better)"
                : "fitted configuration (environment of scoring-streams):");
        result.fitted().forEach((name, value) -> out.println("  " + name + "=" + value));
        ObjectNode fitted = json.putObject("fitted");
        result.fitted().forEach(fitted::put);
        json.put("metFloor", result.metFloor()).put("tried", result.tried());
        out.println(json);
        out.flush();
        return 0;
    }
}
