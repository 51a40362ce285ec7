package dev.forewarn.scoring.score;

import dev.forewarn.events.EntityType;
import dev.forewarn.events.RiskLevel;
import dev.forewarn.events.SignalKind;
import dev.forewarn.events.TransitionKind;

/** What the topology reports as it runs; the service binds it to Micrometer, tests may ignore it. */
public interface ScoringMetrics {

    ScoringMetrics NONE = new ScoringMetrics() {
    };

    default void scored(EntityType entity, SignalKind kind, long eventLagMs) {
    }

    default void duplicate() {
    }

    /** A customer's recent event was forgotten before the deduplication horizon (the per-customer bound was reached). */
    default void dedupForgotten() {
    }

    default void transition(EntityType entity, TransitionKind kind, RiskLevel to) {
    }

    default void score(EntityType entity, double score) {
    }

    default void rejected(String sourceTopic, String reason) {
    }

    /** A signal written by ingest-service reached scoring this long after ingest took it. */
    default void pipelineLatency(long millis) {
    }
}
