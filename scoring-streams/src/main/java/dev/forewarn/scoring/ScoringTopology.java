package dev.forewarn.scoring;

import dev.forewarn.events.EntityType;
import dev.forewarn.events.RiskScore;
import dev.forewarn.events.RiskTransition;
import dev.forewarn.scoring.intake.Intake;
import dev.forewarn.scoring.intake.SignalIntake;
import dev.forewarn.scoring.model.RiskModel;
import dev.forewarn.scoring.model.Signal;
import dev.forewarn.scoring.score.EntityScorer;
import dev.forewarn.scoring.score.EntityStores;
import dev.forewarn.scoring.score.ScoringMetrics;
import dev.forewarn.scoring.serde.EntityStateSerde;
import dev.forewarn.scoring.serde.SignalSerde;
import dev.forewarn.topics.TopicCatalogue;
import dev.forewarn.topics.TopicSerdes;
import dev.forewarn.topics.TopicSpec;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * Turns the configuration into the scoring {@link Topology}, and nothing else. Every processor,
 * store and internal topic is named, so the topology can evolve without renaming state:
 *
 * <pre>
 * customer.{reports,complaints,returns} ─ intake-&lt;topic&gt; ─┬─ dlq-&lt;topic&gt; → &lt;topic&gt;.dlq
 *                                                         └─ merge
 *   ─ score-customers [customer-state (deduplicates too), customer-score-passes] ─┬─ risk.scores
 *                                                                                ├─ risk.transitions
 *                                           new signals with a product, by product ┘
 *   ─ signals-by-product (repartition) ─ score-products [product-state, product-score-passes] ─ (scores, transitions)
 * </pre>
 *
 * Topic names and value types come from the {@link TopicCatalogue}; the serdes are passed in.
 */
public final class ScoringTopology {

    public static final String CUSTOMER_STATE = EntityStores.CUSTOMER_STATE;
    public static final String PRODUCT_STATE = EntityStores.PRODUCT_STATE;
    public static final String CUSTOMER_SCORE_PASSES = EntityStores.CUSTOMER_SCORE_PASSES;
    public static final String PRODUCT_SCORE_PASSES = EntityStores.PRODUCT_SCORE_PASSES;
    public static final String PRODUCT_REPARTITION = "signals-by-product";

    private ScoringTopology() {
    }

    /**
     * The topology, a pure function of its configuration and its serdes: the service passes serdes on its
     * registry client (whose health its readiness reads), tests serdes on an in-memory registry.
     */
    public static Topology build(ScoringConfig config, ScoringMetrics metrics, TopicSerdes serdes) {
        RiskModel model = new RiskModel(config.model());
        StreamsBuilder builder = new StreamsBuilder();

        // The entity states; the scorers keep their due-time and pending-score indexes in memory, rebuilt from
        // here, and store only how far their last score pass got (one entry per task).
        for (String name : List.of(CUSTOMER_STATE, PRODUCT_STATE)) {
            builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(),
                    new EntityStateSerde()).withCachingEnabled());
        }
        for (String name : List.of(CUSTOMER_SCORE_PASSES, PRODUCT_SCORE_PASSES)) {
            builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.Long()));
        }
        for (String name : List.of(EntityStores.CUSTOMER_TOP, EntityStores.PRODUCT_TOP)) {
            builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.Double())
                    .withLoggingDisabled());
        }

        KStream<String, Signal> signals = null;
        for (TopicSpec<String, ? extends SpecificRecord> topic : List.of(TopicCatalogue.REPORTS, TopicCatalogue.COMPLAINTS,
                TopicCatalogue.RETURNS)) {
            KStream<String, Signal> accepted = intake(builder, topic, serdes.value(topic.valueType()), metrics);
            signals = signals == null ? accepted : signals.merge(accepted, Named.as("merge-" + topic.name()));
        }

        // The customer scorer deduplicates in the customer's state and passes each new signal naming a product on, keyed by it.
        KStream<String, Object> customerOutputs = signals.process(
                () -> new EntityScorer(settings(config, model, metrics, EntityType.CUSTOMER, CUSTOMER_STATE, CUSTOMER_SCORE_PASSES)),
                Named.as("score-customers"), CUSTOMER_STATE, CUSTOMER_SCORE_PASSES, EntityStores.CUSTOMER_TOP);
        KStream<String, Object> productOutputs = customerOutputs
                .filter((product, value) -> value instanceof Signal, Named.as("signals-with-product"))
                .mapValues(value -> (Signal) value, Named.as("as-signal"))
                .repartition(Repartitioned.<String, Signal>as(PRODUCT_REPARTITION)
                        .withKeySerde(Serdes.String()).withValueSerde(new SignalSerde()))
                .process(() -> new EntityScorer(settings(config, model, metrics, EntityType.PRODUCT, PRODUCT_STATE, PRODUCT_SCORE_PASSES)),
                        Named.as("score-products"), PRODUCT_STATE, PRODUCT_SCORE_PASSES, EntityStores.PRODUCT_TOP);

        Serde<RiskScore> scores = serdes.value(TopicCatalogue.SCORES);
        Serde<RiskTransition> transitions = serdes.value(TopicCatalogue.TRANSITIONS);
        write(customerOutputs, "customer", scores, transitions);
        write(productOutputs, "product", scores, transitions);
        return builder.build();
    }

    /** A signal topic read as bytes, decoded and checked by the intake: the accepted signals, the rest to the topic's DLQ. */
    private static KStream<String, Signal> intake(StreamsBuilder builder, TopicSpec<String, ? extends SpecificRecord> topic,
                                                  Serde<? extends SpecificRecord> values, ScoringMetrics metrics) {
        String name = topic.name();
        Map<String, KStream<String, Intake>> outcomes = builder
                .stream(name, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
                        .withOffsetResetPolicy(AutoOffsetReset.earliest()).withName("source-" + name))
                .process(() -> new SignalIntake(values.deserializer(), reason -> metrics.rejected(name, reason), metrics::pipelineLatency),
                        Named.as("intake-" + name))
                .split(Named.as("intake-" + name + "-"))
                .branch((key, value) -> value instanceof Intake.Rejected, Branched.as("rejected"))
                .defaultBranch(Branched.as("accepted"));
        outcomes.get("intake-" + name + "-rejected")
                .map((key, value) -> KeyValue.pair(((Intake.Rejected) value).key(), ((Intake.Rejected) value).value()),
                        Named.as("original-bytes-" + name))
                .to(topic.deadLetters().orElseThrow(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("dlq-" + name));
        return outcomes.get("intake-" + name + "-accepted").mapValues(value -> ((Intake.Accepted) value).signal(), Named.as("signal-" + name));
    }

    /** A scorer's outputs, split by kind: scores to {@code risk.scores}, transitions to {@code risk.transitions}. */
    private static void write(KStream<String, Object> outputs, String entity, Serde<RiskScore> scores,
                              Serde<RiskTransition> transitions) {
        outputs.split(Named.as(entity + "-"))
                .branch((key, value) -> value instanceof RiskScore, Branched.withConsumer(stream -> stream
                        .mapValues(value -> (RiskScore) value, Named.as(entity + "-as-score"))
                        .to(TopicCatalogue.SCORES.name(), Produced.with(Serdes.String(), scores).withName(entity + "-sink-scores")), "scores"))
                .branch((key, value) -> value instanceof RiskTransition, Branched.withConsumer(stream -> stream
                        .mapValues(value -> (RiskTransition) value, Named.as(entity + "-as-transition"))
                        .to(TopicCatalogue.TRANSITIONS.name(), Produced.with(Serdes.String(), transitions)
                                .withName(entity + "-sink-transitions")), "transitions"))
                .noDefaultBranch(); // the customer scorer's signals for products: taken above
    }

    private static EntityScorer.Settings settings(ScoringConfig config, RiskModel model, ScoringMetrics metrics,
                                                  EntityType type, String stateStore, String passStore) {
        return new EntityScorer.Settings(type, stateStore, passStore, EntityStores.top(type), EntityStores.TOP_SIZE, model,
                config.streamTimeInterval(), config.wallClockInterval(), config.idleAfter(), config.scoreInterval(),
                config.maxTimersPerPunctuation(), metrics,
                type == EntityType.CUSTOMER ? new EntityScorer.Dedup(config.dedupRetention(), config.dedupMaxEvents()) : null);
    }
}
