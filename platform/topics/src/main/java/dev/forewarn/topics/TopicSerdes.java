package dev.forewarn.topics;

import dev.forewarn.serde.AvroSerde;
import dev.forewarn.serde.AvroSerdeConfig;
import dev.forewarn.serde.registry.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * The serdes of the catalogue's topics: Avro in the Confluent wire format through one registry
 * client. Topologies take one of these instead of building their own client, so a test can hand
 * them an in-memory registry.
 */
public record TopicSerdes(SchemaRegistryClient registry, AvroSerdeConfig config) {

    /** The serdes on the registry at {@code registryUrl}, with the default serde settings. */
    public static TopicSerdes of(String registryUrl) {
        AvroSerdeConfig config = AvroSerdeConfig.of(registryUrl);
        return new TopicSerdes(SchemaRegistryClient.http(config.registry()), config);
    }

    /** The value serde of {@code topic}. */
    public <V extends SpecificRecord> Serde<V> value(TopicSpec<String, V> topic) {
        return value(topic.valueType());
    }

    /** The serde of {@code type}. */
    public <V extends SpecificRecord> Serde<V> value(Class<V> type) {
        return AvroSerde.specific(type, registry, config);
    }
}
