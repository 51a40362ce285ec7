package dev.forewarn.scoring;

import dev.forewarn.events.EntityType;
import dev.forewarn.events.RiskScore;
import dev.forewarn.events.RiskTransition;
import dev.forewarn.scoring.intake.Intake;
import dev.forewarn.scoring.intake.SignalIntake;
import dev.forewarn.scoring.model.RiskModel;
import dev.forewarn.scoring.model.Signal;
import dev.forewarn.scoring.score.Deduplicator;
import dev.forewarn.scoring.score.EntityScorer;
import dev.forewarn.scoring.score.ScoringMetrics;
import dev.forewarn.scoring.serde.EntityStateSerde;
import dev.forewarn.scoring.serde.SignalSerde;
import dev.forewarn.serde.AvroSerde;
import dev.forewarn.serde.AvroSerdeConfig;
import dev.forewarn.serde.registry.SchemaRegistryClient;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
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
 *                                                         └─ merge ─ dedup [dedup-store]
 *   ─┬─ score-customers [customer-state, customer-score-passes] ─┐
 *    └─ key-by-product → signals-by-product (repartition)         ├─ risk.scores / risk.transitions
 *         ─ score-products [product-state, product-score-passes] ───┘
 * </pre>
 */
public final class ScoringTopology {

    public static final String DEDUP_STORE = "dedup-store";
    public static final String CUSTOMER_STATE = "customer-state";
    public static final String PRODUCT_STATE = "product-state";
    public static final String CUSTOMER_SCORE_PASSES = "customer-score-passes";
    public static final String PRODUCT_SCORE_PASSES = "product-score-passes";
    public static final String PRODUCT_REPARTITION = "signals-by-product";

    private ScoringTopology() {
    }

    public static Topology build(ScoringConfig config, ScoringMetrics metrics) {
        return build(config, metrics, new SchemaRegistryClient(AvroSerdeConfig.of(config.registryUrl()).registry()));
    }

    /** The topology with its Avro serdes on {@code registry} (whose health the service's readiness reads). */
    public static Topology build(ScoringConfig config, ScoringMetrics metrics, SchemaRegistryClient registry) {
        AvroSerdeConfig serdeConfig = AvroSerdeConfig.of(config.registryUrl());
        RiskModel model = new RiskModel(config.model());
        StreamsBuilder builder = new StreamsBuilder();

        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(DEDUP_STORE, config.dedupRetention(), config.dedupRetention(), false),
                Serdes.String(), Serdes.Long()));
        // The entity states; the scorers keep their due-time and pending-score indexes in memory, rebuilt from
        // here, and store only how far their last score pass got (one entry per task).
        for (String name : List.of(CUSTOMER_STATE, PRODUCT_STATE)) {
            builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(),
                    new EntityStateSerde()).withCachingEnabled());
        }
        for (String name : List.of(CUSTOMER_SCORE_PASSES, PRODUCT_SCORE_PASSES)) {
            builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.Long()));
        }

        Map<String, Class<? extends SpecificRecord>> sources = Map.of(
                ScoringConfig.REPORTS, dev.forewarn.events.CustomerReport.class,
                ScoringConfig.COMPLAINTS, dev.forewarn.events.Complaint.class,
                ScoringConfig.RETURNS, dev.forewarn.events.ProductReturn.class);
        KStream<String, Signal> signals = null;
        for (String topic : List.of(ScoringConfig.REPORTS, ScoringConfig.COMPLAINTS, ScoringConfig.RETURNS)) {
            Serde<? extends SpecificRecord> values = specific(sources.get(topic), registry, serdeConfig);
            KStream<String, Intake> intake = builder
                    .stream(topic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
                            .withOffsetResetPolicy(AutoOffsetReset.earliest()).withName("source-" + topic))
                    .process(() -> new SignalIntake(values.deserializer(), reason -> metrics.rejected(topic, reason)),
                            Named.as("intake-" + topic));
            intake.filter((key, value) -> value instanceof Intake.Rejected, Named.as("rejected-" + topic))
                    .map((key, value) -> KeyValue.pair(((Intake.Rejected) value).key(), ((Intake.Rejected) value).value()),
                            Named.as("original-bytes-" + topic))
                    .to(topic + ".dlq", Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("dlq-" + topic));
            KStream<String, Signal> accepted = intake
                    .filter((key, value) -> value instanceof Intake.Accepted, Named.as("accepted-" + topic))
                    .mapValues(value -> ((Intake.Accepted) value).signal(), Named.as("signal-" + topic));
            signals = signals == null ? accepted : signals.merge(accepted, Named.as("merge-" + topic));
        }

        KStream<String, Signal> unique = signals.processValues(
                () -> new Deduplicator(DEDUP_STORE, config.dedupRetention(), metrics::duplicate), Named.as("dedup"), DEDUP_STORE);

        KStream<String, SpecificRecord> customerOutputs = unique.process(
                () -> new EntityScorer(settings(config, model, metrics, EntityType.CUSTOMER, CUSTOMER_STATE, CUSTOMER_SCORE_PASSES)),
                Named.as("score-customers"), CUSTOMER_STATE, CUSTOMER_SCORE_PASSES);
        KStream<String, SpecificRecord> productOutputs = unique
                .filter((customer, signal) -> signal.productId() != null, Named.as("with-product"))
                .selectKey((customer, signal) -> signal.productId(), Named.as("key-by-product"))
                .repartition(Repartitioned.<String, Signal>as(PRODUCT_REPARTITION)
                        .withKeySerde(Serdes.String()).withValueSerde(new SignalSerde()))
                .process(() -> new EntityScorer(settings(config, model, metrics, EntityType.PRODUCT, PRODUCT_STATE, PRODUCT_SCORE_PASSES)),
                        Named.as("score-products"), PRODUCT_STATE, PRODUCT_SCORE_PASSES);

        KStream<String, SpecificRecord> outputs = customerOutputs.merge(productOutputs, Named.as("merge-outputs"));
        outputs.filter((key, value) -> value instanceof RiskScore, Named.as("scores"))
                .mapValues(value -> (RiskScore) value, Named.as("as-score"))
                .to(ScoringConfig.SCORES, Produced.with(Serdes.String(), specific(RiskScore.class, registry, serdeConfig))
                        .withName("sink-" + ScoringConfig.SCORES));
        outputs.filter((key, value) -> value instanceof RiskTransition, Named.as("transitions"))
                .mapValues(value -> (RiskTransition) value, Named.as("as-transition"))
                .to(ScoringConfig.TRANSITIONS, Produced.with(Serdes.String(), specific(RiskTransition.class, registry, serdeConfig))
                        .withName("sink-" + ScoringConfig.TRANSITIONS));
        return builder.build();
    }

    private static EntityScorer.Settings settings(ScoringConfig config, RiskModel model, ScoringMetrics metrics,
                                                  EntityType type, String stateStore, String passStore) {
        return new EntityScorer.Settings(type, stateStore, passStore, model, config.streamTimeInterval(), config.wallClockInterval(),
                config.idleAfter(), config.scoreInterval(), config.maxTimersPerPunctuation(), metrics);
    }

    private static <T extends SpecificRecord> Serde<T> specific(Class<T> type, SchemaRegistryClient registry,
                                                                 AvroSerdeConfig serdeConfig) {
        return AvroSerde.specific(type, registry, serdeConfig);
    }
}
