package dev.forewarn.scoring.score;

import dev.forewarn.events.EntityType;
import dev.forewarn.events.RiskLevel;
import dev.forewarn.events.SignalKind;
import dev.forewarn.events.TransitionKind;
import dev.forewarn.topics.TopicCatalogue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@link ScoringMetrics} as Micrometer meters. The meters touched for every record (signals scored,
 * scores, event lag, duplicates) are resolved once here, not looked up per record; the rare ones
 * (transitions, DLQ records) are registered on first use.
 */
public final class MicrometerScoringMetrics implements ScoringMetrics {

    private final MeterRegistry registry;
    private final Map<EntityType, Map<SignalKind, Counter>> signals = new EnumMap<>(EntityType.class);
    private final Map<EntityType, DistributionSummary> scores = new EnumMap<>(EntityType.class);
    private final Timer eventLag;
    private final Timer pipelineLatency;
    private final Counter duplicates;
    private final Counter dedupForgotten;

    public MicrometerScoringMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (EntityType entity : EntityType.values()) {
            Map<SignalKind, Counter> byKind = new EnumMap<>(SignalKind.class);
            for (SignalKind kind : SignalKind.values()) {
                byKind.put(kind, Counter.builder("forewarn.scoring.signals").tag("entity", entity.name())
                        .tag("kind", kind.name()).register(registry));
            }
            signals.put(entity, byKind);
            scores.put(entity, DistributionSummary.builder("forewarn.scoring.score").tag("entity", entity.name())
                    .serviceLevelObjectives(20, 40, 60, 80, 100).register(registry));
        }
        pipelineLatency = Timer.builder("forewarn.scoring.pipeline.latency")
                .description("from ingest-service taking a signal (its forewarn-ingested-at header) to scoring reading it")
                .publishPercentileHistogram().register(registry);
        eventLag = Timer.builder("forewarn.scoring.event.lag").description("now minus occurredAt when a customer signal is scored")
                .publishPercentileHistogram().register(registry);
        duplicates = Counter.builder("forewarn.scoring.duplicates").register(registry);
        dedupForgotten = Counter.builder("forewarn.scoring.dedup.forgotten")
                .description("recent events a customer's deduplication forgot before its horizon (SCORING_DEDUP_MAX_EVENTS reached)")
                .register(registry);
        // The input DLQ series exist at 0 from the start, so dashboards and increase() alerts see them before the first rejection.
        for (String topic : java.util.List.of(TopicCatalogue.REPORTS.name(), TopicCatalogue.COMPLAINTS.name(),
                TopicCatalogue.RETURNS.name())) {
            for (String reason : java.util.List.of("deserialization", "validation")) {
                Counter.builder("forewarn.scoring.dlq").tag("topic", topic).tag("reason", reason).register(registry);
            }
        }
    }

    @Override
    public void scored(EntityType entity, SignalKind kind, long eventLagMs) {
        signals.get(entity).get(kind).increment();
        if (entity == EntityType.CUSTOMER) {
            eventLag.record(Math.max(0, eventLagMs), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void duplicate() {
        duplicates.increment();
    }

    @Override
    public void dedupForgotten() {
        dedupForgotten.increment();
    }

    @Override
    public void transition(EntityType entity, TransitionKind kind, RiskLevel to) {
        Counter.builder("forewarn.scoring.transitions").tag("entity", entity.name()).tag("kind", kind.name())
                .tag("level", to.name()).register(registry).increment();
    }

    @Override
    public void score(EntityType entity, double score) {
        scores.get(entity).record(score);
    }

    @Override
    public void rejected(String sourceTopic, String reason) {
        Counter.builder("forewarn.scoring.dlq").tag("topic", sourceTopic).tag("reason", reason).register(registry).increment();
    }

    @Override
    public void pipelineLatency(long millis) {
        pipelineLatency.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }
}
