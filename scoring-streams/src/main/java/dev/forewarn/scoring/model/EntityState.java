package dev.forewarn.scoring.model;

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

    /** A complaint still open, with its SLA. */
    public static final class OpenComplaint {
        public final String complaintId;
        public long slaDueAt;
        public double kanoFactor;
        public boolean breached;
        public String productId;

        public OpenComplaint(String complaintId, long slaDueAt, double kanoFactor, boolean breached, String productId) {
            this.complaintId = complaintId;
            this.slaDueAt = slaDueAt;
            this.kanoFactor = kanoFactor;
            this.breached = breached;
            this.productId = productId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof OpenComplaint c && complaintId.equals(c.complaintId) && slaDueAt == c.slaDueAt
                    && kanoFactor == c.kanoFactor && breached == c.breached && Objects.equals(productId, c.productId);
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
    public final List<OpenComplaint> openComplaints = new ArrayList<>();
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

    @Override
    public boolean equals(Object o) {
        return o instanceof EntityState s && pressure == s.pressure && pressureAt == s.pressureAt && inflow == s.inflow
                && inflowAt == s.inflowAt && level == s.level && predicted == s.predicted && lastScore == s.lastScore
                && negativeReports == s.negativeReports && improvementReports == s.improvementReports
                && confirmationReports == s.confirmationReports && complaints == s.complaints && returns == s.returns
                && breachedSlas == s.breachedSlas && openComplaints.equals(s.openComplaints) && top.equals(s.top)
                && lastSignalAt == s.lastSignalAt && evaluatedAt == s.evaluatedAt && scheduledAt == s.scheduledAt
                && changeSeq == s.changeSeq;
    }

    @Override
    public int hashCode() {
        return Objects.hash(pressure, pressureAt, level, lastSignalAt);
    }
}
