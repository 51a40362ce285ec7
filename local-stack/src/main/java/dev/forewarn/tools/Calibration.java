package dev.forewarn.tools;

import dev.forewarn.scoring.model.RiskModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fits the model's time constants and scale to a history: every combination of {@link #GRID} is replayed on the
 * earlier {@code fitShare} of the history (by event time); the one with the highest customer recall at 48 h among
 * those with precision at or above the floor wins (ties: the higher precision), or the most precise one when none
 * reaches the floor. Today's and the fitted configuration are then judged on the later part, which the fit never saw.
 * The weights are left alone: their signs and order carry the model's meaning (confirmations lower risk, must-be
 * features weigh more), and their bounds are a decision for the model's owners, not for a search.
 */
final class Calibration {

    /** The settings searched and their candidate values (each within what DESIGN.md documents as sensible). */
    static final Map<String, List<String>> GRID = gridOf();

    /**
     * What the search found.
     *
     * @param fitted        the chosen settings as the service's environment variables
     * @param metFloor      whether the chosen one reached the precision floor on the fit period
     * @param tried         configurations replayed
     * @param start         first event time of the history
     * @param split         where the fit period ends and the held-out one starts
     * @param end           last event time
     * @param todayHeldOut  today's configuration on the held-out period
     * @param fittedHeldOut the fitted configuration on the held-out period
     */
    record Result(Map<String, String> fitted, boolean metFloor, int tried, long start, long split, long end,
                  Backtest.Report todayHeldOut, Backtest.Report fittedHeldOut) {
    }

    private static final Duration LEAD = Duration.ofHours(48);

    private final Backtest backtest;
    private final double precisionFloor;
    private final double fitShare;

    Calibration(Backtest backtest, double precisionFloor, double fitShare) {
        if (fitShare <= 0 || fitShare >= 1) {
            throw new IllegalArgumentException("--fit-share must be between 0 and 1 (exclusive)");
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

        Map<String, String> best = null;
        Backtest.Figures bestFigures = null;
        boolean bestMeets = false;
        int tried = 0;
        for (Map<String, String> candidate : combinations()) {
            tried++;
            Backtest.Figures f = fit.model(HistoryOptions.model(environment, candidate), fitHistory).customers();
            boolean meets = f.precision() >= precisionFloor;
            if (best == null || better(f, meets, bestFigures, bestMeets)) {
                best = candidate;
                bestFigures = f;
                bestMeets = meets;
            }
        }
        RiskModel.Config today = HistoryOptions.model(environment, Map.of());
        return new Result(best, bestMeets, tried, start, split, end, heldOut.model(today, sorted),
                heldOut.model(HistoryOptions.model(environment, best), sorted));
    }

    /** Above the floor beats below it; then the higher recall at 48 h (above the floor) or precision (below it); then precision. */
    private static boolean better(Backtest.Figures f, boolean meets, Backtest.Figures best, boolean bestMeets) {
        if (meets != bestMeets) {
            return meets;
        }
        if (meets) {
            int byRecall = Double.compare(f.recall(LEAD), best.recall(LEAD));
            return byRecall != 0 ? byRecall > 0 : f.precision() > best.precision();
        }
        int byPrecision = Double.compare(f.precision(), best.precision());
        return byPrecision != 0 ? byPrecision > 0 : f.recall(LEAD) > best.recall(LEAD);
    }

    private static List<Map<String, String>> combinations() {
        List<Map<String, String>> all = new ArrayList<>();
        all.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<String>> setting : GRID.entrySet()) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> partial : all) {
                for (String value : setting.getValue()) {
                    Map<String, String> extended = new LinkedHashMap<>(partial);
                    extended.put(setting.getKey(), value);
                    next.add(extended);
                }
            }
            all = next;
        }
        return all;
    }

    private static Map<String, List<String>> gridOf() {
        Map<String, List<String>> grid = new LinkedHashMap<>();
        grid.put("SCORING_HALF_LIFE", List.of("7d", "10d", "14d", "21d"));
        grid.put("SCORING_SCALE", List.of("15", "20", "25", "30"));
        grid.put("SCORING_INFLOW_HALF_LIFE", List.of("1d", "2d", "4d"));
        grid.put("SCORING_HORIZON", List.of("24h", "48h", "72h", "120h"));
        return grid;
    }
}
