package dev.forewarn.tools;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fits the model to a history by coordinate search: starting from today's configuration, each setting of
 * {@link #BOUNDS} in turn takes the candidate value that scores best on the earlier {@code fitShare} of the history
 * (by event time) while the others stay; passes repeat until one changes nothing (at most {@link #MAX_PASSES}). A
 * configuration scores by its recall at 48 h when its precision reaches the floor, and any configuration reaching the
 * floor beats every one that does not; below the floor the more precise one wins. Customers and products count
 * together: every alert reaches an owner. Today's and the fitted configuration are then judged on the later part,
 * which the search never saw (cross-validation by time: it cannot memorise the held-out escalations).
 *
 * <p>The bounds keep the model's meaning: confirmations and in-time resolutions never raise risk, an SLA breach never
 * lowers it, every harmful signal keeps a positive weight, must-be features keep weighing more than performance ones.
 * The levels' thresholds (40/60/80) are part of the API and stay; the scale S moves where they lie in pressure.
 */
final class Calibration {

    /** The settings searched and their candidate values, within the documented bounds. */
    static final Map<String, List<String>> BOUNDS = boundsOf();

    static final int MAX_PASSES = 3;
    private static final Duration LEAD = Duration.ofHours(48);

    /**
     * What the search found.
     *
     * @param fitted        the settings that differ from today's, as the service's environment variables
     * @param metFloor      whether the fitted one reached the precision floor on the fit period
     * @param tried         configurations replayed
     * @param start         first event time of the history
     * @param split         where the fit period ends and the held-out one starts
     * @param end           last event time
     * @param todayFit      today's configuration on the fit period
     * @param fittedFit     the fitted configuration on the fit period
     * @param todayHeldOut  today's configuration on the held-out period
     * @param fittedHeldOut the fitted configuration on the held-out period
     */
    record Result(Map<String, String> fitted, boolean metFloor, int tried, long start, long split, long end,
                  Backtest.Report todayFit, Backtest.Report fittedFit, Backtest.Report todayHeldOut, Backtest.Report fittedHeldOut) {
    }

    private final Backtest backtest;
    private final double precisionFloor;
    private final double fitShare;

    Calibration(Backtest backtest, double precisionFloor, double fitShare) {
        if (fitShare <= 0 || fitShare >= 1) {
            throw new IllegalArgumentException("--fit-share must be between 0 and 1 (exclusive)");
        }
        if (precisionFloor < 0 || precisionFloor > 1) {
            throw new IllegalArgumentException("--precision-floor must be between 0 and 1");
        }
        this.backtest = backtest;
        this.precisionFloor = precisionFloor;
        this.fitShare = fitShare;
    }

    Result run(List<Backtest.Event> history, Map<String, String> environment) {
        List<Backtest.Event> sorted = new ArrayList<>(history);
        sorted.sort(Comparator.comparingLong(e -> e.signal().occurredAt()));
        long start = sorted.get(0).signal().occurredAt();
        long end = sorted.get(sorted.size() - 1).signal().occurredAt();
        long split = start + (long) ((end - start) * fitShare);
        List<Backtest.Event> fitHistory = sorted.stream().filter(e -> e.signal().occurredAt() < split).toList();
        Backtest fit = backtest.between(Long.MIN_VALUE, split);
        Backtest heldOut = backtest.between(split, Long.MAX_VALUE);

        Map<String, String> best = new LinkedHashMap<>();
        Backtest.Report todayFit = fit.model(HistoryOptions.model(environment, best), fitHistory);
        double bestScore = score(todayFit);
        Backtest.Report bestFit = todayFit;
        int tried = 1;
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            boolean changed = false;
            for (Map.Entry<String, List<String>> setting : BOUNDS.entrySet()) {
                record Trial(String value, Backtest.Report report, double score) {
                }
                Map<String, String> base = best;
                List<Trial> trials = setting.getValue().parallelStream().filter(v -> !v.equals(base.get(setting.getKey()))).map(value -> {
                    Map<String, String> candidate = new LinkedHashMap<>(base);
                    candidate.put(setting.getKey(), value);
                    Backtest.Report report = fit.model(HistoryOptions.model(environment, candidate), fitHistory);
                    return new Trial(value, report, score(report));
                }).toList();
                tried += trials.size();
                for (Trial trial : trials) {
                    if (trial.score() > bestScore + 1e-9) {
                        best = new LinkedHashMap<>(base);
                        best.put(setting.getKey(), trial.value());
                        bestScore = trial.score();
                        bestFit = trial.report();
                        changed = true;
                    }
                }
            }
            if (!changed) {
                break;
            }
        }
        return new Result(best, met(bestFit), tried, start, split, end, todayFit, bestFit,
                heldOut.model(HistoryOptions.model(environment, Map.of()), sorted),
                heldOut.model(HistoryOptions.model(environment, best), sorted));
    }

    /** Above the floor: 1 + recall at 48 h (+ a little precision to break ties); below it: the precision alone. */
    private double score(Backtest.Report report) {
        double precision = precision(report);
        return met(report) ? 1 + recall(report) + precision * 1e-3 : precision;
    }

    private boolean met(Backtest.Report report) {
        return precision(report) >= precisionFloor;
    }

    /** Customers' and products' figures together. */
    static double recall(Backtest.Report r) {
        int escalations = r.customers().escalations() + r.products().escalations();
        return escalations == 0 ? 0 : (r.customers().recall(LEAD) * r.customers().escalations()
                + r.products().recall(LEAD) * r.products().escalations()) / escalations;
    }

    static double precision(Backtest.Report r) {
        int alerts = r.customers().alerts() + r.products().alerts();
        return alerts == 0 ? 0 : (r.customers().trueAlerts() + r.products().trueAlerts()) / (double) alerts;
    }

    private static Map<String, List<String>> boundsOf() {
        Map<String, List<String>> bounds = new LinkedHashMap<>();
        bounds.put("SCORING_SCALE", List.of("15", "20", "25", "30", "35", "40", "50"));
        bounds.put("SCORING_HALF_LIFE", List.of("5d", "7d", "10d", "14d", "21d", "28d"));
        bounds.put("SCORING_INFLOW_HALF_LIFE", List.of("1d", "2d", "3d", "4d", "7d"));
        bounds.put("SCORING_INFLOW_NET", List.of("false", "true"));
        bounds.put("SCORING_HORIZON", List.of("24h", "48h", "72h", "96h", "120h"));
        bounds.put("SCORING_HYSTERESIS", List.of("3", "5", "8", "10"));
        bounds.put("SCORING_WEIGHT_SLA_BREACH", List.of("0", "2", "4", "8", "12"));
        bounds.put("SCORING_WEIGHT_COMPLAINT_RESOLVED_IN_SLA", List.of("-8", "-4", "-2", "0"));
        bounds.put("SCORING_WEIGHT_COMPLAINT_OPENED_PER_SEVERITY", List.of("2", "2.5", "3.333", "4", "5"));
        bounds.put("SCORING_WEIGHT_COMPLAINT_REOPENED", List.of("6", "12", "18"));
        bounds.put("SCORING_WEIGHT_NEGATIVE_PER_SEVERITY", List.of("0.5", "1", "1.5", "2", "3"));
        bounds.put("SCORING_WEIGHT_IMPROVEMENT", List.of("0", "0.5", "1"));
        bounds.put("SCORING_WEIGHT_CONFIRMATION", List.of("-4", "-2", "-1", "0"));
        bounds.put("SCORING_WEIGHT_RETURN", List.of("3", "4.5", "6", "8"));
        bounds.put("SCORING_WEIGHT_KANO", List.of("MUST_BE:1.5", "MUST_BE:2", "MUST_BE:3"));
        return bounds;
    }
}
