package dev.forewarn.scoring.model;

import dev.forewarn.events.ComplaintStatus;
import dev.forewarn.events.KanoCategory;
import dev.forewarn.events.ReturnReason;
import dev.forewarn.events.RiskLevel;
import dev.forewarn.events.SignalKind;
import dev.forewarn.events.TransitionKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The risk model of DESIGN.md, in one place and without Kafka: weights, decay, score, levels
 * with hysteresis, the projection to CRITICAL, SLA breaches and time-driven re-evaluation.
 *
 * <p>Pressure {@code P} is a decayed sum of signal weights referenced at a time {@code t}: a
 * signal of weight {@code w} at {@code te >= t} gives {@code P = P·2^(-(te-t)/H) + w, t = te}; a
 * late one ({@code te < t}) gives {@code P = P + w·2^(-(t-te)/H)}. Both are the same sum
 * {@code Σ w_i·2^(-(t-t_i)/H)}, so the order of signals does not matter. The sum is signed
 * (confirmations subtract); the score reads {@code max(0, P)}, so risk is never below 0 while the
 * sum itself stays exact and order-independent. {@code risk = 100·(1 - e^(-P/S))}.
 *
 * <p>Time-driven work (SLA breaches, a decaying score crossing a level's exit point) happens at
 * its own due time, before any later signal of the entity is applied, so a replay of history
 * gives the same scores and transitions as the live run did.
 */
public final class RiskModel {

    /** Weights of DESIGN.md; every one configurable. */
    public record Weights(double complaintOpenedPerSeverity, double complaintReopened, double complaintResolvedInSla,
                          double slaBreach, double returnBase, Map<ReturnReason, Double> returnFactor,
                          double negativePerSeverity, double improvement, double confirmation,
                          Map<KanoCategory, Double> kanoFactor, double kanoAbsent) {

        public static Weights defaults() {
            Map<ReturnReason, Double> reasons = new EnumMap<>(ReturnReason.class);
            reasons.put(ReturnReason.DEFECTIVE, 1.5);
            reasons.put(ReturnReason.DAMAGED, 1.2);
            reasons.put(ReturnReason.NOT_AS_DESCRIBED, 1.2);
            reasons.put(ReturnReason.WRONG_ITEM, 1.0);
            reasons.put(ReturnReason.LATE_DELIVERY, 0.8);
            reasons.put(ReturnReason.NO_LONGER_NEEDED, 0.3);
            reasons.put(ReturnReason.OTHER, 0.5);
            Map<KanoCategory, Double> kano = new EnumMap<>(KanoCategory.class);
            kano.put(KanoCategory.MUST_BE, 2.0);
            kano.put(KanoCategory.PERFORMANCE, 1.0);
            kano.put(KanoCategory.ATTRACTIVE, 0.5);
            kano.put(KanoCategory.INDIFFERENT, 0.25);
            // Calibrated (forewarn calibrate on the scenario families, DESIGN.md): a confirmation -1 (was -2).
            return new Weights(10.0 / 3, 12, -4, 8, 6, Map.copyOf(reasons), 1, 1, -1, Map.copyOf(kano), 1.0);
        }

        double kano(KanoCategory category) {
            return category == null ? kanoAbsent : kanoFactor.getOrDefault(category, kanoAbsent);
        }
    }

    /**
     * The model's parameters.
     *
     * @param halfLife       H, how fast pressure decays (14 days)
     * @param scale          S in {@code 100·(1 - e^(-P/S))} (40)
     * @param inflowHalfLife half-life of the inflow rate λ (1 day)
     * @param horizon        how far ahead a projected CRITICAL is announced as PREDICTED (96 h)
     * @param hysteresis     points below its threshold at which a level is left (10)
     * @param topContributors how many explaining signals a score keeps (5)
     * @param maxOpenComplaints open complaints tracked per entity (32; beyond, the one due last is dropped)
     * @param maxClosedComplaints closed complaints remembered per entity, for status changes that arrive late (8;
     *                           beyond, the one closed earliest is forgotten)
     * @param complaintMemory    how long a closed complaint is remembered after its latest status change, on the
     *                           entity's clock (30 days)
     * @param netInflow          whether the inflow rate λ counts what lowers risk too (resolutions in time,
     *                           confirmations), as the pressure does: then {@code λ/k} is the level the pressure really
     *                           tends to, and a customer whose many complaints are all resolved in time is not projected to
     *                           CRITICAL; otherwise λ counts only what raises risk (true; false before calibration)
     */
    public record Config(Weights weights, Duration halfLife, double scale, Duration inflowHalfLife, Duration horizon,
                         double hysteresis, int topContributors, int maxOpenComplaints, int maxClosedComplaints,
                         Duration complaintMemory, boolean netInflow) {

        public static Config defaults() {
            // Calibrated (forewarn calibrate on the scenario families, DESIGN.md): scale 40 (was 20), inflow half-life 1 day
            // (was 2), horizon 96 h (was 72), hysteresis 10 (was 5), net inflow (was only what raises risk).
            return new Config(Weights.defaults(), Duration.ofDays(14), 40, Duration.ofDays(1), Duration.ofHours(96), 10, 5, 32,
                    8, Duration.ofDays(30), true);
        }

        /** This configuration with closed complaints remembered as given (tests of late status changes). */
        public Config withComplaintMemory(int maxClosed, Duration memory) {
            return new Config(weights, halfLife, scale, inflowHalfLife, horizon, hysteresis, topContributors, maxOpenComplaints,
                    maxClosed, memory, netInflow);
        }
    }

    /** Status changes a complaint keeps; one beyond still counts its own weight but no longer changes the lifecycle. */
    static final int MAX_STATUS_CHANGES = 16;

    /** A level change or prediction, at {@code occurredAt}; {@code projectedCriticalAt} is {@link EntityState#NONE} when none. */
    public record Transition(TransitionKind kind, RiskLevel from, RiskLevel to, double score, double previousScore,
                             long projectedCriticalAt, String triggeringEventId, long signalOccurredAt, long occurredAt) {
    }

    private static final double[] THRESHOLDS = {0, 40, 60, 80};
    private static final RiskLevel[] LEVELS = RiskLevel.values();
    private static final double LN2 = Math.log(2);
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    private final Config config;
    private final double halfLifeMs;
    private final double inflowHalfLifeMs;
    private final double criticalPressure;

    public RiskModel(Config config) {
        this.config = config;
        this.halfLifeMs = config.halfLife().toMillis();
        this.inflowHalfLifeMs = config.inflowHalfLife().toMillis();
        this.criticalPressure = pressureForRisk(THRESHOLDS[RiskLevel.CRITICAL.ordinal()]);
    }

    public Config config() {
        return config;
    }

    // --- the math ------------------------------------------------------------------------------

    /** Risk 0..100 from pressure. */
    public double risk(double pressure) {
        return Math.min(100, Math.max(0, 100 * (1 - Math.exp(-Math.max(0, pressure) / config.scale()))));
    }

    /** The pressure at which risk reaches {@code risk}. */
    double pressureForRisk(double risk) {
        return -config.scale() * Math.log(1 - risk / 100);
    }

    /** {@code value} referenced at {@code from}, seen at {@code to}. */
    static double decay(double value, long from, long to, double halfLifeMs) {
        return from == EntityState.NONE || to == from ? value : value * Math.pow(2, -(to - from) / halfLifeMs);
    }

    /** The entity's pressure at {@code at}. */
    public double pressureAt(EntityState s, long at) {
        return decay(s.pressure, s.pressureAt, at, halfLifeMs);
    }

    /** The inflow rate λ at {@code at}, in weight per day. */
    public double inflowPerDay(EntityState s, long at) {
        return decay(s.inflow, s.inflowAt, at, inflowHalfLifeMs) * LN2 / (inflowHalfLifeMs / DAY_MS);
    }

    public double score(EntityState s, long at) {
        return risk(pressureAt(s, at));
    }

    /**
     * A key that orders entities by their score at any common time: pressure decays by the same factor for every
     * entity, so {@code ln P + t·ln2/H} (P referenced at t) does not change as time passes, and ranks what
     * {@link #score} would rank at any moment. Entities without positive pressure rank last.
     */
    public double rankKey(EntityState s) {
        return s.pressure <= 0 || s.pressureAt == EntityState.NONE ? Double.NEGATIVE_INFINITY
                : Math.log(s.pressure) + s.pressureAt * LN2 / halfLifeMs;
    }

    /** A contributor's weight seen at {@code at}, decayed as pressure decays. */
    public double weightAt(EntityState.Contributor c, long at) {
        return decay(c.weight(), c.occurredAt(), at, halfLifeMs);
    }

    /**
     * Why the entity scores what it scores at {@code at}: the one explanation the scorer writes to
     * {@code risk.scores} and the queries answer with.
     *
     * @param at                  when it is read (epoch ms)
     * @param projectedCriticalAt when the score reaches CRITICAL if inflow keeps its pace, {@link EntityState#NONE} if never
     * @param reasons             the strongest contributors, with their weight now
     */
    public record Explanation(long at, double score, RiskLevel level, double pressure, double inflowPerDay, long projectedCriticalAt,
                              List<Reason> reasons) {

        /** The projection if it lies within {@code horizon} of {@code at}, else {@link EntityState#NONE}. */
        public long projectedWithin(Duration horizon) {
            return projectedCriticalAt == EntityState.NONE || projectedCriticalAt - at > horizon.toMillis() ? EntityState.NONE : projectedCriticalAt;
        }
    }

    /** One contributor of an explanation: the signal, its weight when it happened and its weight now. */
    public record Reason(String eventId, SignalKind kind, String productId, long occurredAt, double weight, double weightNow) {
    }

    public Explanation explain(EntityState s, long at) {
        List<Reason> reasons = new ArrayList<>(s.top.size());
        for (EntityState.Contributor c : s.top) {
            reasons.add(new Reason(c.eventId(), c.kind(), c.productId(), c.occurredAt(), c.weight(), weightAt(c, at)));
        }
        return new Explanation(at, score(s, at), s.level, Math.max(0, pressureAt(s, at)), inflowPerDay(s, at), projectCritical(s, at),
                List.copyOf(reasons));
    }

    /** The level for {@code risk} coming from {@code current}: up at a threshold, down only {@code hysteresis} below it. */
    public RiskLevel level(RiskLevel current, double risk) {
        RiskLevel plain = RiskLevel.OK;
        for (RiskLevel candidate : LEVELS) {
            if (risk >= THRESHOLDS[candidate.ordinal()]) {
                plain = candidate;
            }
        }
        if (plain.ordinal() >= current.ordinal()) {
            return plain;
        }
        for (int l = current.ordinal(); l > plain.ordinal(); l--) {
            if (risk >= THRESHOLDS[l] - config.hysteresis()) {
                return LEVELS[l];
            }
        }
        return plain;
    }

    /**
     * When the score reaches CRITICAL if inflow keeps its pace:
     * {@code P(τ) = P·e^(-kτ) + (λ/k)(1 - e^(-kτ))}, {@code k = ln2/H}, solved for {@code P(τ) = P_critical}.
     * Returns {@code at} when already critical, {@link EntityState#NONE} when it never gets there.
     */
    public long projectCritical(EntityState s, long at) {
        double p = Math.max(0, pressureAt(s, at));
        if (p >= criticalPressure) {
            return at;
        }
        double k = LN2 / (halfLifeMs / DAY_MS);
        double asymptote = inflowPerDay(s, at) / k;
        if (asymptote <= criticalPressure) {
            return EntityState.NONE;
        }
        double days = Math.log((asymptote - p) / (asymptote - criticalPressure)) / k;
        return at + (long) Math.ceil(days * DAY_MS);
    }

    /**
     * The weight of a signal by itself. A complaint's SLA breach and its resolution credit are not
     * any one signal's: they follow from its status changes together ({@link #lifecycle}).
     */
    public double weight(Signal signal) {
        Weights w = config.weights();
        double kano = w.kano(signal.kano());
        return kano * switch (signal.kind()) {
            case REPORT -> switch (signal.feedbackType()) {
                case NEGATIVE -> w.negativePerSeverity() * signal.severity();
                case IMPROVEMENT -> w.improvement();
                case CONFIRMATION -> w.confirmation();
            };
            case RETURN -> w.returnBase() * w.returnFactor().getOrDefault(signal.returnReason(), 1.0);
            case COMPLAINT -> switch (signal.complaintStatus()) {
                case OPENED -> w.complaintOpenedPerSeverity() * signal.severity();
                case REOPENED -> w.complaintReopened();
                case ACKNOWLEDGED, RESOLVED -> 0;
            };
            case SLA_BREACH -> w.slaBreach();
        };
    }

    // --- updates -------------------------------------------------------------------------------

    /** Adds weight {@code w} at {@code te}, exactly and order-independently (see the class comment). */
    private void add(EntityState s, double w, long te) {
        add(s, w, te, inflowOf(w));
    }

    /** What a weight adds to the inflow rate: all of it with {@link Config#netInflow}, else its positive part. */
    private double inflowOf(double w) {
        return w > 0 || config.netInflow() ? w : 0;
    }

    /** Adds {@code w} to the pressure and {@code inflow} to the inflow sum, both at {@code te}. */
    private void add(EntityState s, double w, long te, double inflow) {
        if (s.pressureAt == EntityState.NONE || te >= s.pressureAt) {
            s.pressure = decay(s.pressure, s.pressureAt, te, halfLifeMs) + w;
            s.pressureAt = te;
        } else {
            s.pressure += decay(w, te, s.pressureAt, halfLifeMs);
        }
        if (inflow != 0) {
            if (s.inflowAt == EntityState.NONE || te >= s.inflowAt) {
                s.inflow = decay(s.inflow, s.inflowAt, te, inflowHalfLifeMs) + inflow;
                s.inflowAt = te;
            } else {
                s.inflow += decay(inflow, te, s.inflowAt, inflowHalfLifeMs);
            }
        }
    }

    /**
     * Applies one signal: first the entity's time-driven work due up to the signal's time, then the
     * signal. Returns the transitions in the order they happened.
     */
    public List<Transition> apply(EntityState s, Signal signal) {
        List<Transition> transitions = advance(s, signal.occurredAt()); // a new list of its own
        double w = weight(signal);
        switch (signal.kind()) {
            case REPORT -> {
                switch (signal.feedbackType()) {
                    case NEGATIVE -> s.negativeReports++;
                    case IMPROVEMENT -> s.improvementReports++;
                    case CONFIRMATION -> s.confirmationReports++;
                }
            }
            case RETURN -> s.returns++;
            case COMPLAINT -> complaint(s, signal);
            case SLA_BREACH -> throw new IllegalArgumentException("SLA breaches are derived, not received");
        }
        if (w != 0) {
            add(s, w, signal.occurredAt());
            remember(s, new EntityState.Contributor(signal.eventId(), signal.kind(), signal.productId(), signal.occurredAt(), w));
        }
        s.lastSignalAt = Math.max(s.lastSignalAt, signal.occurredAt());
        evaluate(s, Math.max(s.evaluatedAt, signal.occurredAt()), signal, transitions);
        bound(s, s.evaluatedAt);
        return transitions;
    }

    /** Records a complaint's status change and brings its breaches and resolution credit up to date. */
    private void complaint(EntityState s, Signal signal) {
        s.complaints += signal.complaintStatus() == ComplaintStatus.OPENED ? 1 : 0;
        EntityState.Complaint c = find(s, signal.complaintId());
        if (c == null) {
            c = new EntityState.Complaint(signal.complaintId());
            s.complaintLog.add(c);
        }
        if (c.changes.size() >= MAX_STATUS_CHANGES) {
            return;
        }
        long clock = Math.max(s.evaluatedAt, signal.occurredAt());
        List<EntityState.Contributor> before = lifecycle(c, clock).effects();
        if (signal.occurredAt() < c.firstAt) {
            c.firstAt = signal.occurredAt();
            c.productId = signal.productId();
            c.kanoFactor = config.weights().kano(signal.kano());
        }
        EntityState.StatusChange change = new EntityState.StatusChange(signal.occurredAt(), signal.complaintStatus(),
                signal.slaDueAt() == null ? EntityState.NONE : signal.slaDueAt());
        int at = 0;
        while (at < c.changes.size() && STATUS_ORDER.compare(c.changes.get(at), change) <= 0) {
            at++;
        }
        c.changes.add(at, change);
        reconcile(s, before, lifecycle(c, clock).effects());
    }

    /** Status changes in time order; at the same instant, openings before a resolution. */
    private static final Comparator<EntityState.StatusChange> STATUS_ORDER = Comparator
            .comparingLong(EntityState.StatusChange::at)
            .thenComparing(change -> change.status() == ComplaintStatus.RESOLVED)
            .thenComparing(EntityState.StatusChange::status)
            .thenComparingLong(EntityState.StatusChange::slaDueAt);

    /**
     * What a complaint's status changes add up to, seen at {@code clock}: an SLA breach (at its due
     * time) for each episode still open when its SLA ran out, a resolution credit (at the resolution)
     * for each episode closed in time, and the due time of the open episode's SLA not yet breached.
     * Episodes run from an OPENED, ACKNOWLEDGED or REOPENED after a resolution to the next RESOLVED;
     * a RESOLVED with no opening before it in time waits for one.
     */
    record Lifecycle(List<EntityState.Contributor> effects, long pendingDue) {
    }

    Lifecycle lifecycle(EntityState.Complaint c, long clock) {
        return lifecycle(c, clock, true);
    }

    /** Only the due time of the complaint's open SLA not yet breached ({@link EntityState#NONE} if none): no effects built. */
    private long pendingDue(EntityState.Complaint c, long clock) {
        // A complaint whose last change (in time) is a resolution has no SLA running.
        if (!c.isOpen()) {
            return EntityState.NONE;
        }
        // Its status changes alone say when the open SLA runs out; the clock only says whether that is past. Asked for
        // every complaint of the entity on each signal (a product keeps dozens), so computed once per change of them.
        if (c.openDueFor != c.changes.size()) {
            c.openDue = lifecycle(c, Long.MIN_VALUE, false).pendingDue();
            c.openDueFor = c.changes.size();
        }
        return c.openDue != EntityState.NONE && c.openDue > clock ? c.openDue : EntityState.NONE;
    }

    private Lifecycle lifecycle(EntityState.Complaint c, long clock, boolean withEffects) {
        List<EntityState.Contributor> effects = withEffects ? new ArrayList<>(2) : null;
        boolean open = false;
        boolean breached = false;
        long due = EntityState.NONE;
        int episode = 0;
        for (EntityState.StatusChange change : c.changes) {
            if (open && !breached && due != EntityState.NONE && due < change.at()) {
                if (withEffects) {
                    effects.add(breach(c, episode, due));
                }
                breached = true;
            }
            if (change.status() == ComplaintStatus.RESOLVED) {
                if (open && !breached && withEffects) {
                    effects.add(new EntityState.Contributor(c.complaintId + "#resolved" + suffix(episode), SignalKind.COMPLAINT,
                            c.productId, change.at(), config.weights().complaintResolvedInSla() * c.kanoFactor));
                }
                open = false;
            } else if (!open) {
                open = true;
                breached = false;
                due = change.slaDueAt();
                episode++;
            } else if (change.slaDueAt() != EntityState.NONE) {
                due = change.slaDueAt();
            }
        }
        boolean pending = open && !breached && due != EntityState.NONE;
        if (pending && due <= clock) {
            if (withEffects) {
                effects.add(breach(c, episode, due));
            }
            pending = false;
        }
        return new Lifecycle(withEffects ? effects : List.of(), pending ? due : EntityState.NONE);
    }

    private EntityState.Contributor breach(EntityState.Complaint c, int episode, long due) {
        return new EntityState.Contributor(c.complaintId + "#sla" + suffix(episode), SignalKind.SLA_BREACH, c.productId, due,
                config.weights().slaBreach() * c.kanoFactor);
    }

    private static String suffix(int episode) {
        return episode <= 1 ? "" : "-" + episode;
    }

    /** Takes back the effects no longer there and adds the new ones, each at its own time. */
    private void reconcile(EntityState s, List<EntityState.Contributor> before, List<EntityState.Contributor> after) {
        for (EntityState.Contributor gone : before) {
            if (!after.contains(gone)) {
                add(s, -gone.weight(), gone.occurredAt(), -inflowOf(gone.weight()));
                s.top.remove(gone);
                s.breachedSlas -= gone.kind() == SignalKind.SLA_BREACH ? 1 : 0;
            }
        }
        for (EntityState.Contributor added : after) {
            if (!before.contains(added)) {
                add(s, added.weight(), added.occurredAt());
                remember(s, added);
                s.breachedSlas += added.kind() == SignalKind.SLA_BREACH ? 1 : 0;
            }
        }
    }

    private static EntityState.Complaint find(EntityState s, String complaintId) {
        for (EntityState.Complaint c : s.complaintLog) {
            if (c.complaintId.equals(complaintId)) {
                return c;
            }
        }
        return null;
    }

    /**
     * Keeps the complaint log bounded: at most {@code maxOpenComplaints} open ones (those whose SLA
     * runs out last go first; those without an SLA before them) and {@code maxClosedComplaints}
     * closed ones, none older than {@code complaintMemory}. A forgotten complaint's effects stay.
     */
    private void bound(EntityState s, long clock) {
        long forgetBefore = clock - config.complaintMemory().toMillis();
        if (s.complaintLog.isEmpty()) {
            return;
        }
        s.complaintLog.removeIf(c -> !c.isOpen() && c.lastAt() < forgetBefore);
        if (s.complaintLog.size() <= Math.min(config.maxOpenComplaints(), config.maxClosedComplaints())) {
            return; // within both bounds whatever the mix
        }
        List<EntityState.Complaint> open = new ArrayList<>();
        List<EntityState.Complaint> closed = new ArrayList<>();
        s.complaintLog.forEach(c -> (c.isOpen() ? open : closed).add(c));
        if (open.size() > config.maxOpenComplaints()) {
            open.sort(Comparator.comparingLong((EntityState.Complaint c) -> {
                long due = pendingDue(c, clock);
                return due == EntityState.NONE ? Long.MAX_VALUE : due;
            }).thenComparing(c -> c.complaintId));
            s.complaintLog.removeAll(open.subList(config.maxOpenComplaints(), open.size()));
        }
        if (closed.size() > config.maxClosedComplaints()) {
            closed.sort(Comparator.comparingLong(EntityState.Complaint::lastAt).reversed().thenComparing(c -> c.complaintId));
            s.complaintLog.removeAll(closed.subList(config.maxClosedComplaints(), closed.size()));
        }
    }

    /**
     * Keeps the strongest contributors. They are ranked by {@code |w|·2^(te/H)} (in logs), which is
     * their order at any common time, so the kept set does not depend on arrival order.
     */
    private void remember(EntityState s, EntityState.Contributor contributor) {
        // The list is kept in this order (rank descending, then event id), so the new one goes after every contributor
        // that orders before it or equal to it, where a stable sort of the list with it appended would place it. A list
        // stored under another half-life may be out of this order: then it is sorted whole, as it always was.
        double[] ranks = ranks(s);
        double rank = rank(contributor);
        int at = ranks.length;
        boolean ordered = true;
        for (int i = 0; i < ranks.length && ordered; i++) {
            EntityState.Contributor kept = s.top.get(i);
            ordered = i == 0 || ranks[i] < ranks[i - 1] || ranks[i] == ranks[i - 1] && kept.eventId().compareTo(s.top.get(i - 1).eventId()) >= 0;
            if (at == ranks.length && (ranks[i] < rank || ranks[i] == rank && kept.eventId().compareTo(contributor.eventId()) > 0)) {
                at = i;
            }
        }
        if (ordered) {
            s.top.add(at, contributor);
        } else {
            s.top.add(contributor);
            s.top.sort(Comparator.comparingDouble(this::rank).reversed().thenComparing(EntityState.Contributor::eventId));
        }
        while (s.top.size() > config.topContributors()) {
            s.top.remove(s.top.size() - 1);
        }
        if (ordered) { // the cache follows the list: the new rank at its place (the next call re-reads it otherwise)
            int n = s.top.size();
            EntityState.Contributor[] rankedTop = new EntityState.Contributor[n];
            double[] topRanks = new double[n];
            for (int i = 0; i < n; i++) {
                rankedTop[i] = s.top.get(i);
                topRanks[i] = i < at ? ranks[i] : i == at ? rank : ranks[i - 1];
            }
            s.rankedTop = rankedTop;
            s.topRanks = topRanks;
        }
    }

    /** The ranks of the entity's top contributors, from its cache when that still describes the list. */
    private double[] ranks(EntityState s) {
        boolean valid = s.rankedHalfLifeMs == halfLifeMs && s.rankedTop.length == s.top.size();
        for (int i = 0; valid && i < s.rankedTop.length; i++) {
            valid = s.rankedTop[i] == s.top.get(i);
        }
        if (!valid) {
            s.rankedTop = s.top.toArray(new EntityState.Contributor[0]);
            s.topRanks = new double[s.rankedTop.length];
            for (int i = 0; i < s.rankedTop.length; i++) {
                s.topRanks[i] = rank(s.rankedTop[i]);
            }
            s.rankedHalfLifeMs = halfLifeMs;
        }
        return s.topRanks;
    }

    private double rank(EntityState.Contributor c) {
        return Math.log(Math.abs(c.weight())) + c.occurredAt() * LN2 / halfLifeMs;
    }

    /** The next time something is due for the entity without new signals, or {@link EntityState#NONE}. */
    public long nextDue(EntityState s) {
        long next = Long.MAX_VALUE;
        for (EntityState.Complaint c : s.complaintLog) {
            long due = pendingDue(c, s.evaluatedAt);
            if (due != EntityState.NONE) {
                next = Math.min(next, Math.max(due, s.evaluatedAt));
            }
        }
        long crossing = exitCrossing(s);
        if (crossing != EntityState.NONE) {
            next = Math.min(next, crossing);
        }
        return next == Long.MAX_VALUE ? EntityState.NONE : next;
    }

    /** When the decaying pressure falls below the current level's exit point (1 ms after, so the level is left). */
    private long exitCrossing(EntityState s) {
        if (s.level == RiskLevel.OK || s.pressureAt == EntityState.NONE) {
            return EntityState.NONE;
        }
        double exit = pressureForRisk(THRESHOLDS[s.level.ordinal()] - config.hysteresis());
        if (s.pressure <= exit) {
            return Math.max(s.evaluatedAt, s.pressureAt) + 1;
        }
        long crossing = s.pressureAt + (long) Math.ceil(halfLifeMs * Math.log(s.pressure / exit) / LN2) + 1;
        return Math.max(crossing, s.evaluatedAt + 1);
    }

    /** Does the entity's time-driven work due up to {@code until}, in time order. */
    public List<Transition> advance(EntityState s, long until) {
        List<Transition> transitions = new ArrayList<>(2);
        for (int guard = 0; guard < 64 + config.maxOpenComplaints(); guard++) {
            long due = nextDue(s);
            if (due == EntityState.NONE || due > until) {
                break;
            }
            for (EntityState.Complaint c : s.complaintLog) {
                long pending = pendingDue(c, s.evaluatedAt);
                if (pending != EntityState.NONE && pending <= due) {
                    reconcile(s, lifecycle(c, s.evaluatedAt).effects(), lifecycle(c, due).effects());
                }
            }
            evaluate(s, due, null, transitions);
        }
        return transitions;
    }

    /** Re-reads the level and the projection at {@code at} and records the transitions. */
    private void evaluate(EntityState s, long at, Signal trigger, List<Transition> transitions) {
        s.evaluatedAt = Math.max(s.evaluatedAt, at);
        double score = score(s, at);
        RiskLevel previous = s.level;
        RiskLevel next = level(previous, score);
        String eventId = trigger == null ? null : trigger.eventId();
        // Time-driven work (an SLA breach, decay below a threshold) happened at its due time: that is its "signal" time.
        long signalAt = trigger == null ? at : trigger.occurredAt();
        long projected = next == RiskLevel.CRITICAL ? EntityState.NONE : projectCritical(s, at);
        boolean withinHorizon = projected != EntityState.NONE && projected - at <= config.horizon().toMillis();
        if (next != previous) {
            TransitionKind kind = next.ordinal() > previous.ordinal() ? TransitionKind.ESCALATED
                    : next == RiskLevel.OK ? TransitionKind.RESOLVED : TransitionKind.DEESCALATED;
            // A level change states the projection too when CRITICAL is within the horizon, so a reader can say both at once.
            transitions.add(new Transition(kind, previous, next, score, s.lastScore, withinHorizon ? projected : EntityState.NONE,
                    eventId, signalAt, at));
            s.level = next;
            s.predicted = false;
        }
        if (withinHorizon && !s.predicted) {
            transitions.add(new Transition(TransitionKind.PREDICTED, next, RiskLevel.CRITICAL, score, s.lastScore, projected,
                    eventId, signalAt, at));
        }
        s.predicted = withinHorizon;
        s.lastScore = score;
    }
}
