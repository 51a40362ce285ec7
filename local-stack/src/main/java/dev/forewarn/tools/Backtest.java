package dev.forewarn.tools;

import dev.forewarn.events.RiskLevel;
import dev.forewarn.events.TransitionKind;
import dev.forewarn.scoring.model.EntityState;
import dev.forewarn.scoring.model.RiskModel;
import dev.forewarn.scoring.model.Signal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Replays a history of signals through the service's own {@link RiskModel} (no second implementation), in event-time
 * order, and measures how early it warns of escalations — next to a reactive rule (the first complaint of severity
 * 4 or more) on the same history. Pure: no Kafka, no I/O.
 *
 * <p>An entity (customer, or product of the signal) <em>escalates</em> at its first signal the predicate marks. An
 * <em>alert</em> fires when the entity's level reaches WARNING or CRITICAL or scoring predicts CRITICAL (the
 * conditions under which alerting-service fires), once per episode: a new one only after the entity fell back below
 * WARNING. Time-driven work (SLA breaches, decay below a level) runs at each signal's time, as the service's scorer
 * does on stream time. An alert is <em>true</em> when its entity escalates within {@code window} after it; its lead is
 * the escalation time minus the alert time. An alert at or after the entity's escalation is a reaction to it: it counts
 * neither as an alert nor as a false alarm (a model that reacts to the escalation itself is not thereby less precise).
 */
public final class Backtest {

    /** One signal of the history, and whether it is an escalation. */
    public record Event(Signal signal, boolean escalation) {
    }

    /** What one rule did on the history, for one kind of entity. */
    public record Figures(int entities, int escalations, int alerts, int trueAlerts, List<Long> leadsMs, double weeks) {

        /** Share of escalations warned at least {@code lead} ahead. */
        public double recall(Duration lead) {
            return escalations == 0 ? 0 : leadsMs.stream().filter(l -> l >= lead.toMillis()).count() / (double) escalations;
        }

        public double precision() {
            return alerts == 0 ? 0 : trueAlerts / (double) alerts;
        }

        /** False alarms per 1,000 entities per week of history. */
        public double falseAlarmsPerThousandEntityWeeks() {
            return entities == 0 || weeks <= 0 ? 0 : (alerts - trueAlerts) * 1000.0 / entities / weeks;
        }

        /** The {@code q} quantile of the leads of warned escalations (0 when none). */
        public Duration leadQuantile(double q) {
            List<Long> positive = leadsMs.stream().filter(l -> l > 0).sorted().toList();
            return positive.isEmpty() ? Duration.ZERO : Duration.ofMillis(positive.get((int) Math.floor(q * (positive.size() - 1))));
        }
    }

    /**
     * The figures, and per entity its escalation time and alert times (for per-entity rows).
     *
     * @param escalatedAt entity key ({@code CUSTOMER:id}, {@code PRODUCT:id}) → when it escalated
     * @param alerts      entity key → when each of its alerts fired
     */
    public record Report(Figures customers, Figures products, Map<String, Long> escalatedAt, Map<String, List<Long>> alerts) {
    }

    private record Due(long at, Entity entity) implements Comparable<Due> {
        @Override
        public int compareTo(Due o) {
            int t = Long.compare(at, o.at);
            return t != 0 ? t : entity.key.compareTo(o.entity.key);
        }
    }

    private final Duration window;
    /** Escalations from a labelled file (entity key → time), instead of the events' marks; null: the marks. */
    private final Map<String, Long> labels;
    /** The figures count escalations and alerts in [from, until) only; the history before still builds the state. */
    private final long from;
    private final long until;

    public Backtest(Duration window) {
        this(window, null);
    }

    public Backtest(Duration window, Map<String, Long> labels) {
        this(window, labels, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private Backtest(Duration window, Map<String, Long> labels, long from, long until) {
        this.window = window;
        this.labels = labels == null ? null : Map.copyOf(labels);
        this.from = from;
        this.until = until;
    }

    /**
     * The same backtest judged on [{@code from}, {@code until}) only (epoch milliseconds): escalations and alerts outside
     * are not counted, though every signal still shapes the scores. Calibration fits on one period and reports on the next.
     */
    public Backtest between(long fromMillis, long untilMillis) {
        return new Backtest(window, labels, fromMillis, untilMillis);
    }

    /** The model's figures on {@code history} (any order; replayed in event-time order). */
    public Report model(RiskModel.Config config, List<Event> history) {
        RiskModel model = new RiskModel(config);
        List<Event> sorted = sorted(history);
        Map<String, Entity> customers = new HashMap<>();
        Map<String, Entity> products = new HashMap<>();
        java.util.PriorityQueue<Due> due = new java.util.PriorityQueue<>();
        for (Event e : sorted) {
            long t = e.signal().occurredAt();
            while (!due.isEmpty() && due.peek().at() <= t) {
                Due d = due.poll();
                EntityState s = d.entity().state;
                if (s.scheduledAt == d.at()) {
                    s.scheduledAt = EntityState.NONE;
                    d.entity().observe(model.advance(s, t));
                    schedule(model, d.entity(), due);
                }
            }
            Entity customer = customers.computeIfAbsent(e.signal().customerId(), id -> new Entity("CUSTOMER:" + id));
            customer.observe(model.apply(customer.state, e.signal()));
            schedule(model, customer, due);
            if (e.signal().productId() != null) {
                Entity product = products.computeIfAbsent(e.signal().productId(), id -> new Entity("PRODUCT:" + id));
                product.observe(model.apply(product.state, e.signal()));
                schedule(model, product, due);
            }
        }
        Map<String, List<Long>> alerts = new HashMap<>();
        for (Map<String, Entity> entities : List.of(customers, products)) {
            entities.values().stream().filter(entity -> !entity.alerts.isEmpty()).forEach(entity -> alerts.put(entity.key, entity.alerts));
        }
        return report(sorted, alerts, customers.size(), products.size());
    }

    /** One entity of a replay: its state, whether an alert of it is firing, and when each of its alerts fired. */
    private static final class Entity {
        final String key;
        final EntityState state = new EntityState();
        final List<Long> alerts = new ArrayList<>(0);
        boolean alerting;

        Entity(String key) {
            this.key = key;
        }

        /** An alert fires on entering WARNING or CRITICAL or on a CRITICAL prediction; a new one only after falling below WARNING. */
        void observe(List<RiskModel.Transition> transitions) {
            for (RiskModel.Transition t : transitions) {
                RiskLevel level = t.kind() == TransitionKind.PREDICTED ? t.from() : t.to();
                boolean firing = level == RiskLevel.WARNING || level == RiskLevel.CRITICAL || t.kind() == TransitionKind.PREDICTED;
                if (firing && !alerting) {
                    alerts.add(t.occurredAt());
                }
                if (t.kind() != TransitionKind.PREDICTED) {
                    alerting = level == RiskLevel.WARNING || level == RiskLevel.CRITICAL;
                } else if (firing) {
                    alerting = true;
                }
            }
        }
    }

    /** The reactive rule's figures: an alert at an entity's first complaint of severity 4 or more. */
    public Report baseline(List<Event> history) {
        List<Event> sorted = sorted(history);
        Map<String, List<Long>> alerts = new HashMap<>();
        java.util.Set<String> customers = new java.util.HashSet<>();
        java.util.Set<String> products = new java.util.HashSet<>();
        for (Event e : sorted) {
            customers.add(e.signal().customerId());
            if (e.signal().productId() != null) {
                products.add(e.signal().productId());
            }
            if (e.signal().kind() == dev.forewarn.events.SignalKind.COMPLAINT && e.signal().severity() >= 4) {
                for (String key : keys(e.signal())) {
                    alerts.computeIfAbsent(key, k -> new ArrayList<>());
                    if (alerts.get(key).isEmpty()) {
                        alerts.get(key).add(e.signal().occurredAt());
                    }
                }
            }
        }
        return report(sorted, alerts, customers.size(), products.size());
    }

    /** Queues the entity's next due time; an entry it no longer matches ({@code scheduledAt}) is skipped when it comes up. */
    private static void schedule(RiskModel model, Entity entity, java.util.Queue<Due> due) {
        EntityState s = entity.state;
        long next = model.nextDue(s);
        if (next != s.scheduledAt && next != EntityState.NONE) {
            due.add(new Due(next, entity));
        }
        s.scheduledAt = next;
    }

    private Report report(List<Event> sorted, Map<String, List<Long>> alerts, int customerCount, int productCount) {
        Map<String, Long> escalatedAt = new HashMap<>();
        java.util.Set<String> labelledOnly = new java.util.HashSet<>();
        long first = sorted.isEmpty() ? 0 : sorted.get(0).signal().occurredAt();
        long last = sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1).signal().occurredAt();
        for (Event e : sorted) {
            if (labels == null && e.escalation()) {
                for (String key : keys(e.signal())) {
                    escalatedAt.putIfAbsent(key, e.signal().occurredAt());
                }
            }
        }
        if (labels != null) {
            escalatedAt.putAll(labels);
            labelledOnly.addAll(labels.keySet());
            if (!labelledOnly.isEmpty()) {
                sorted.forEach(e -> labelledOnly.remove("CUSTOMER:" + e.signal().customerId()));
            }
        }
        double weeks = (Math.min(last, until) - Math.max(first, from)) / (double) Duration.ofDays(7).toMillis();
        // A labelled customer without any signal is an entity of the history too (one the model could not warn of).
        return new Report(figures("CUSTOMER:", customerCount + labelledOnly.size(), escalatedAt, alerts, weeks),
                figures("PRODUCT:", productCount, escalatedAt, alerts, weeks), Map.copyOf(escalatedAt), Map.copyOf(alerts));
    }

    private Figures figures(String prefix, int entities, Map<String, Long> escalatedAt, Map<String, List<Long>> alerts,
                            double weeks) {
        int alertCount = 0;
        int trueAlerts = 0;
        List<Long> leads = new ArrayList<>();
        for (Map.Entry<String, List<Long>> entry : alerts.entrySet()) {
            if (!entry.getKey().startsWith(prefix)) {
                continue;
            }
            Long escalation = escalatedAt.get(entry.getKey());
            for (long at : entry.getValue()) {
                if (at < from || at >= until || escalation != null && at >= escalation) {
                    continue; // outside the period, or a reaction to the escalation: neither early nor false
                }
                alertCount++;
                if (escalation != null && at < escalation && escalation - at <= window.toMillis()) {
                    trueAlerts++;
                }
            }
        }
        int escalations = 0;
        for (Map.Entry<String, Long> entry : escalatedAt.entrySet()) {
            if (!entry.getKey().startsWith(prefix) || entry.getValue() < from || entry.getValue() >= until) {
                continue;
            }
            escalations++;
            long escalation = entry.getValue();
            // The earliest alert within the window before the escalation: how long its owner had.
            long lead = alerts.getOrDefault(entry.getKey(), List.of()).stream()
                    .filter(at -> at < escalation && escalation - at <= window.toMillis())
                    .mapToLong(at -> escalation - at).max().orElse(-1);
            leads.add(lead);
        }
        return new Figures(entities, escalations, alertCount, trueAlerts, leads, weeks);
    }

    /**
     * What a rule did for one family of entities (a labelled scenario set's grouping).
     *
     * @param entities    entities of the family
     * @param escalated   of those, escalated in the judged period
     * @param warned48h   escalated and warned at least 48 h ahead
     * @param alerted     entities with at least one alert in the judged period before their escalation (if any)
     * @param falseAlarms entities with an alert not followed by their escalation within the window
     */
    public record FamilyFigures(int entities, int escalated, int warned48h, int alerted, int falseAlarms) {
    }

    /** The report's figures per family ({@code families}: entity key → family); entities without a family are left out. */
    public Map<String, FamilyFigures> byFamily(Report report, Map<String, String> families) {
        Map<String, int[]> counts = new java.util.TreeMap<>();
        for (Map.Entry<String, String> entry : families.entrySet()) {
            int[] c = counts.computeIfAbsent(entry.getValue(), f -> new int[5]);
            c[0]++;
            Long escalation = report.escalatedAt().get(entry.getKey());
            boolean escalates = escalation != null && escalation >= from && escalation < until;
            List<Long> fired = report.alerts().getOrDefault(entry.getKey(), List.of()).stream()
                    .filter(at -> at >= from && at < until).toList();
            if (escalates) {
                c[1]++;
                // As the recall figures: an alert before the period still warned of an escalation inside it.
                if (report.alerts().getOrDefault(entry.getKey(), List.of()).stream().anyMatch(at -> at < escalation && escalation - at <= window.toMillis()
                        && escalation - at >= Duration.ofHours(48).toMillis())) {
                    c[2]++;
                }
            }
            List<Long> before = fired.stream().filter(at -> escalation == null || at < escalation).toList();
            if (!before.isEmpty()) {
                c[3]++;
                if (before.stream().anyMatch(at -> escalation == null || escalation - at > window.toMillis())) {
                    c[4]++;
                }
            }
        }
        Map<String, FamilyFigures> result = new java.util.LinkedHashMap<>();
        counts.forEach((family, c) -> result.put(family, new FamilyFigures(c[0], c[1], c[2], c[3], c[4])));
        return result;
    }

    /**
     * One row per entity that escalated or was alerted: {@code entity,escalatedAt,firstAlertAt,leadHours,outcome}, outcome
     * {@code warned} (an alert within the window before it), {@code missed}, or {@code false-alarm} (alerted, no
     * escalation within the window after an alert). Times ISO-8601, empty when none.
     */
    public List<String> rows(Report report) {
        List<String> rows = new ArrayList<>();
        rows.add("entity,escalatedAt,firstAlertAt,leadHours,outcome");
        java.util.Set<String> keys = new TreeSet<>(report.escalatedAt().keySet());
        keys.addAll(report.alerts().keySet());
        for (String key : keys) {
            Long escalation = report.escalatedAt().get(key);
            List<Long> fired = report.alerts().getOrDefault(key, List.of());
            Long firstAlert = fired.isEmpty() ? null : fired.get(0);
            long lead = escalation == null ? -1 : fired.stream().filter(at -> at < escalation && escalation - at <= window.toMillis())
                    .mapToLong(at -> escalation - at).max().orElse(-1);
            String outcome = escalation != null ? (lead > 0 ? "warned" : "missed") : "false-alarm";
            rows.add(key + "," + instant(escalation) + "," + instant(firstAlert) + ","
                    + (lead > 0 ? String.format(java.util.Locale.ROOT, "%.1f", lead / 3_600_000.0) : "") + "," + outcome);
        }
        return rows;
    }

    private static String instant(Long millis) {
        return millis == null ? "" : java.time.Instant.ofEpochMilli(millis).toString();
    }

    private static List<String> keys(Signal s) {
        return s.productId() == null ? List.of("CUSTOMER:" + s.customerId())
                : List.of("CUSTOMER:" + s.customerId(), "PRODUCT:" + s.productId());
    }

    private static final Comparator<Event> EVENT_TIME = Comparator.comparingLong((Event e) -> e.signal().occurredAt())
            .thenComparing(e -> e.signal().eventId());

    /** The history in event-time order: as it is when it already is (a loaded history is sorted once), else a sorted copy. */
    static List<Event> sorted(List<Event> history) {
        for (int i = 1; i < history.size(); i++) {
            if (EVENT_TIME.compare(history.get(i - 1), history.get(i)) > 0) {
                List<Event> sorted = new ArrayList<>(history);
                sorted.sort(EVENT_TIME);
                return sorted;
            }
        }
        return history;
    }
}
