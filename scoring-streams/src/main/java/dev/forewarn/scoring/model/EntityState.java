package dev.forewarn.scoring.model;

import dev.forewarn.events.ComplaintStatus;
import dev.forewarn.events.RiskLevel;
import dev.forewarn.events.SignalKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the model remembers of one customer or product. Mutable, owned by one stream task;
 * {@link RiskModel} is the only code that changes it. Times are epoch milliseconds.
 */
public final class EntityState {

    /** Absent time. */
    public static final long NONE = Long.MIN_VALUE;

    /** One status change of a complaint, at its own time; {@code slaDueAt} is {@link #NONE} when it named none. */
    public record StatusChange(long at, ComplaintStatus status, long slaDueAt) {
    }

    /**
     * A complaint the entity remembers: its status changes in time order, whatever order they
     * arrived in. Whether it is open, when its SLA runs out, its breaches and its resolution credit
     * are all read from these ({@link RiskModel}), so a RESOLVED that arrives before its OPENED
     * waits here until the OPENED comes.
     */
    public static final class Complaint {
        public final String complaintId;
        /** Product and Kano factor of its earliest known status change. */
        public String productId;
        public double kanoFactor;
        public long firstAt = Long.MAX_VALUE;
        public final List<StatusChange> changes = new ArrayList<>(2);
        /**
         * A cache of the due time of its open episode's SLA not yet breached, whatever the clock ({@link RiskModel}), valid
         * while {@link #changes} has {@code openDueFor} entries (it only ever grows). Not part of the state.
         */
        long openDue;
        int openDueFor = -1;
        /** A cache of its encoding in the state format, valid while {@link #changes} has {@code encodedFor} entries, as above. */
        private byte[] encoded;
        private int encodedFor = -1;

        public Complaint(String complaintId) {
            this.complaintId = complaintId;
        }

        /** Open when its latest status change (in time) is not RESOLVED. */
        public boolean isOpen() {
            return !changes.isEmpty() && changes.get(changes.size() - 1).status() != ComplaintStatus.RESOLVED;
        }

        /**
         * Its encoding in the state format as {@link #encoded(byte[])} last kept it, or null when it has changed since: a
         * product keeps dozens of complaints and its state is written on each signal, while one complaint changes rarely.
         * Valid because every change to a complaint adds a status change ({@code RiskModel} sets its product, Kano factor and
         * first time only with one).
         */
        public byte[] encoded() {
            return encodedFor == changes.size() ? encoded : null;
        }

        /** Keeps {@code bytes} as its encoding until its next status change. */
        public void encoded(byte[] bytes) {
            encoded = bytes;
            encodedFor = changes.size();
        }

        public long lastAt() {
            return changes.isEmpty() ? NONE : changes.get(changes.size() - 1).at();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Complaint c && complaintId.equals(c.complaintId) && Objects.equals(productId, c.productId)
                    && kanoFactor == c.kanoFactor && firstAt == c.firstAt && changes.equals(c.changes);
        }

        @Override
        public int hashCode() {
            return complaintId.hashCode();
        }
    }

    /** One of the signals that contribute most, with its weight at its own time. */
    public record Contributor(String eventId, SignalKind kind, String productId, long occurredAt, double weight) {
    }

    /** Signed decayed sum of weights, referenced at {@link #pressureAt}. */
    public double pressure;
    public long pressureAt = NONE;
    /** Decayed sum of positive weights on the short inflow half-life, referenced at {@link #inflowAt}. */
    public double inflow;
    public long inflowAt = NONE;
    public RiskLevel level = RiskLevel.OK;
    public boolean predicted;
    public double lastScore;
    public long negativeReports;
    public long improvementReports;
    public long confirmationReports;
    public long complaints;
    public long returns;
    public int breachedSlas;
    /** Open complaints, and recently closed ones (a late status change may still reach them). */
    public final List<Complaint> complaintLog = new ArrayList<>();
    public final List<Contributor> top = new ArrayList<>();
    public long lastSignalAt = NONE;
    /** The entity's own clock: the latest time it was evaluated at (signal or time-driven work). */
    public long evaluatedAt = NONE;
    /** The due time under which the entity is in the timer index, or {@link #NONE}. */
    public long scheduledAt = NONE;
    /**
     * The owning task's change counter at this entity's latest change: its score is written once a
     * score pass has got past it (so marking a score written costs no second write of the state).
     */
    public long changeSeq;
    /** Customers only: the events seen lately, so a redelivered one is dropped (the deduplication horizon bounds them). */
    public final RecentEvents recentEvents = new RecentEvents();

    /**
     * A cache of the model's ranks of {@link #top} (a logarithm each), valid while {@code rankedTop[i]} is the very
     * contributor at {@code top.get(i)} and the half-life is the one they were computed under. Not part of the state.
     */
    Contributor[] rankedTop = new Contributor[0];
    double[] topRanks = new double[0];
    double rankedHalfLifeMs;

    /** How many of its complaints are open. */
    public int openComplaints() {
        int open = 0;
        for (Complaint c : complaintLog) {
            open += c.isOpen() ? 1 : 0;
        }
        return open;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EntityState s && pressure == s.pressure && pressureAt == s.pressureAt && inflow == s.inflow
                && inflowAt == s.inflowAt && level == s.level && predicted == s.predicted && lastScore == s.lastScore
                && negativeReports == s.negativeReports && improvementReports == s.improvementReports
                && confirmationReports == s.confirmationReports && complaints == s.complaints && returns == s.returns
                && breachedSlas == s.breachedSlas && complaintLog.equals(s.complaintLog) && top.equals(s.top)
                && lastSignalAt == s.lastSignalAt && evaluatedAt == s.evaluatedAt && scheduledAt == s.scheduledAt
                && changeSeq == s.changeSeq && recentEvents.equals(s.recentEvents);
    }

    @Override
    public int hashCode() {
        return Objects.hash(pressure, pressureAt, level, lastSignalAt);
    }
}
