package dev.forewarn.scoring.score;

import dev.forewarn.events.Contribution;
import dev.forewarn.events.EntityType;
import dev.forewarn.events.RiskScore;
import dev.forewarn.events.RiskTransition;
import dev.forewarn.events.SignalCounts;
import dev.forewarn.scoring.model.EntityState;
import dev.forewarn.scoring.model.RiskModel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What scoring writes, as the Avro contracts other services read: the model's transitions and
 * scores turned into {@link RiskTransition} and {@link RiskScore}. Pure, so that alerting's
 * contract tests consume exactly the records scoring produces.
 */
public final class RiskRecords {

    private RiskRecords() {
    }

    /**
     * A transition of entity {@code id}, with a stable id (entity, kind, levels, time and the event
     * that caused it) so a replay keeps it. The cause is part of it: late signals of a product are
     * evaluated at the product's observed time, so one entity can go WATCH → WARNING twice at the
     * same time (a late confirmation in between), and those are two transitions (the crash test saw
     * them share an id when the id was entity, kind, level and time only).
     */
    public static RiskTransition transition(EntityType type, String id, RiskModel.Transition t, List<Contribution> top) {
        String key = type.name() + ":" + id;
        return RiskTransition.newBuilder()
                .setTransitionId(UUID.nameUUIDFromBytes((key + "|" + t.kind() + "|" + t.from() + "|" + t.to() + "|" + t.occurredAt()
                        + "|" + t.triggeringEventId()).getBytes(StandardCharsets.UTF_8)).toString())
                .setEntityType(type).setEntityId(id).setKind(t.kind())
                .setFromLevel(t.from()).setToLevel(t.to()).setScore(t.score()).setPreviousScore(t.previousScore())
                .setProjectedCriticalAt(instant(t.projectedCriticalAt())).setTopContributors(top)
                .setTriggeringEventId(t.triggeringEventId()).setSignalOccurredAt(instant(t.signalOccurredAt()))
                .setOccurredAt(Instant.ofEpochMilli(t.occurredAt()))
                .build();
    }

    /** The entity's score at its own clock ({@link EntityState#evaluatedAt}), as {@link RiskModel#explain} explains it. */
    public static RiskScore score(RiskModel model, EntityType type, String id, EntityState state) {
        RiskModel.Explanation e = model.explain(state, Math.max(state.evaluatedAt, 0));
        return RiskScore.newBuilder()
                .setEntityType(type).setEntityId(id)
                .setScore(e.score()).setLevel(e.level())
                .setPressure(e.pressure()).setReferenceTime(Instant.ofEpochMilli(e.at()))
                .setInflowPerDay(e.inflowPerDay())
                // the schema's "null if not within the horizon"
                .setProjectedCriticalAt(instant(e.projectedWithin(model.config().horizon())))
                .setTopContributors(contributions(e))
                .setCounts(new SignalCounts(state.negativeReports, state.improvementReports, state.confirmationReports,
                        state.complaints, state.returns))
                .setOpenComplaints(state.openComplaints()).setBreachedSlas(state.breachedSlas)
                .setLastSignalAt(instant(state.lastSignalAt)).setUpdatedAt(Instant.ofEpochMilli(e.at()))
                .build();
    }

    /** The entity's strongest contributors with their weight at {@code at}. */
    public static List<Contribution> contributions(RiskModel model, EntityState state, long at) {
        return contributions(model.explain(state, at));
    }

    private static List<Contribution> contributions(RiskModel.Explanation explanation) {
        List<Contribution> top = new ArrayList<>(explanation.reasons().size());
        for (RiskModel.Reason r : explanation.reasons()) {
            top.add(new Contribution(r.eventId(), r.kind(), r.productId(), Instant.ofEpochMilli(r.occurredAt()), r.weight(), r.weightNow()));
        }
        return top;
    }

    private static Instant instant(long millis) {
        return millis == EntityState.NONE ? null : Instant.ofEpochMilli(millis);
    }
}
