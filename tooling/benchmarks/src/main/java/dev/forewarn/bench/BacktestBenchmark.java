package dev.forewarn.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forewarn.tools.Backtest;
import dev.forewarn.tools.BacktestMain;
import dev.forewarn.tools.HistoryOptions;
import dev.forewarn.tools.ScenariosMain;
import dev.forewarn.scoring.model.RiskModel;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * How fast {@code forewarn backtest} replays history from files, on one thread: writes the labelled scenario families
 * ({@code forewarn scenarios}), then times, after a warm-up run, (1) reading the files with Jackson alone — the floor,
 * the baseline printed beside the figure; (2) reading them as the backtest does (ingest's parser, scoring's intake);
 * (3) one replay through the model; and (2)+(3), the figure the target (200,000 signals/s) is about.
 * {@code bin/bench-backtest} pins the JVM to one core.
 *
 * <pre>bin/bench-backtest [--customers=30000] [--days=180] [--runs=3]</pre>
 */
public final class BacktestBenchmark {

    private static final double TARGET = 200_000;

    record Options(int customers, int days, int runs) {
        static Options parse(String[] args) {
            BenchArgs given = new BenchArgs(args);
            return given.done(new Options(given.integer("customers", 30_000, 1), given.integer("days", 180, 1),
                    given.integer("runs", 3, 1)));
        }
    }

    public static void main(String[] args) throws Exception {
        Options options = BenchArgs.orExit("bin/bench-backtest", () -> Options.parse(args));
        int customers = options.customers();
        int days = options.days();
        int runs = options.runs();
        Path dir = Files.createTempDirectory("forewarn-bench-backtest");
        try {
            int status = new CommandLine(new ScenariosMain()).execute("--out", dir.toString(), "--customers", String.valueOf(customers),
                    "--days", String.valueOf(days), "--end", "2026-11-01T00:00:00Z");
            if (status != 0) {
                throw new IllegalStateException("writing the scenarios failed");
            }
            List<Path> files = List.of(dir.resolve("reports.ndjson"), dir.resolve("complaints.ndjson"), dir.resolve("returns.ndjson"));
            BacktestMain command = CommandLine.populateCommand(new BacktestMain(), "--reports", files.get(0).toString(),
                    "--complaints", files.get(1).toString(), "--returns", files.get(2).toString());
            HistoryOptions input = command.input;
            Backtest backtest = input.backtest();
            RiskModel.Config config = HistoryOptions.model(Map.of(), Map.of());
            double bestFloor = 0;
            double bestRead = 0;
            double bestReplay = 0;
            double bestTotal = 0;
            int signals = 0;
            for (int run = 0; run <= runs; run++) { // run 0 warms the JIT up and is not counted
                long t0 = System.nanoTime();
                long lines = 0;
                ObjectMapper json = new ObjectMapper();
                for (Path file : files) {
                    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                        String line;
                        while ((line = reader.readLine()) != null) {
                            lines += json.readTree(line).size();
                        }
                    }
                }
                long t1 = System.nanoTime();
                HistoryOptions.Loaded loaded = input.load();
                long t2 = System.nanoTime();
                Backtest.Report report = backtest.model(config, loaded.history());
                long t3 = System.nanoTime();
                signals = loaded.history().size();
                if (lines == 0 || report.customers().escalations() == 0) {
                    throw new IllegalStateException("nothing was read");
                }
                if (run > 0) {
                    bestFloor = Math.max(bestFloor, signals / ((t1 - t0) / 1e9));
                    bestRead = Math.max(bestRead, signals / ((t2 - t1) / 1e9));
                    bestReplay = Math.max(bestReplay, signals / ((t3 - t2) / 1e9));
                    bestTotal = Math.max(bestTotal, signals / ((t3 - t1) / 1e9));
                }
                System.out.printf(Locale.ROOT, "run %d%s: jackson %.2f s, read %.2f s, replay %.2f s%n", run, run == 0 ? " (warm-up)" : "",
                        (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9);
            }
            System.out.printf(Locale.ROOT, "java %s, %d available processor(s), %,d signals, best of %d runs:%n",
                    System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), signals, runs);
            System.out.printf(Locale.ROOT, "  baseline: reading the files with Jackson alone  %,10.0f signals/s%n", bestFloor);
            System.out.printf(Locale.ROOT, "  reading with ingest's parser and the intake      %,10.0f signals/s%n", bestRead);
            System.out.printf(Locale.ROOT, "  one replay through the model                     %,10.0f signals/s%n", bestReplay);
            System.out.printf(Locale.ROOT, "backtest from files: %,.0f signals/s (target %,.0f; baseline Jackson alone %,.0f)%n",
                    bestTotal, TARGET, bestFloor);
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
