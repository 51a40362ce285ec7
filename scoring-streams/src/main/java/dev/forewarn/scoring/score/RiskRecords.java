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

    /** The entity's score at its own clock ({@link EntityState#evaluatedAt}). */
    public static RiskScore score(RiskModel model, EntityType type, String id, EntityState state) {
        long at = Math.max(state.evaluatedAt, 0);
        return RiskScore.newBuilder()
                .setEntityType(type).setEntityId(id)
                .setScore(model.score(state, at)).setLevel(state.level)
                .setPressure(Math.max(0, model.pressureAt(state, at))).setReferenceTime(Instant.ofEpochMilli(at))
                .setInflowPerDay(model.inflowPerDay(state, at)).setProjectedCriticalAt(withinHorizon(model, state, at))
                .setTopContributors(contributions(model, state, at))
                .setCounts(new SignalCounts(state.negativeReports, state.improvementReports, state.confirmationReports,
                        state.complaints, state.returns))
                .setOpenComplaints(state.openComplaints()).setBreachedSlas(state.breachedSlas)
                .setLastSignalAt(instant(state.lastSignalAt)).setUpdatedAt(Instant.ofEpochMilli(at))
                .build();
    }

    /** The projected CRITICAL if it lies within the model's horizon (the schema's "null if not within the horizon"). */
    private static Instant withinHorizon(RiskModel model, EntityState state, long at) {
        long projected = model.projectCritical(state, at);
        return projected == EntityState.NONE || projected - at > model.config().horizon().toMillis() ? null : instant(projected);
    }

    /** The entity's strongest contributors with their weight at {@code at}. */
    public static List<Contribution> contributions(RiskModel model, EntityState state, long at) {
        List<Contribution> top = new ArrayList<>(state.top.size());
        double halfLife = model.config().halfLife().toMillis();
        for (EntityState.Contributor c : state.top) {
            top.add(new Contribution(c.eventId(), c.kind(), c.productId(), Instant.ofEpochMilli(c.occurredAt()), c.weight(),
                    c.weight() * Math.pow(2, -(at - c.occurredAt()) / halfLife)));
        }
        return top;
    }

    private static Instant instant(long millis) {
        return millis == EntityState.NONE ? null : Instant.ofEpochMilli(millis);
    }
}
