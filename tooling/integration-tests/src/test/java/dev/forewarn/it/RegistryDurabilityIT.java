package dev.forewarn.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forewarn.registry.RegistryConfig;
import dev.forewarn.registry.SchemaRegistryServer;
import dev.forewarn.serde.registry.RegistryClientConfig;
import dev.forewarn.serde.registry.SchemaRegistryClient;
import dev.forewarn.testsupport.ForewarnKafka;
import dev.forewarn.testsupport.KafkaTestEnvironment;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

/** The dev registry keeps ids in Kafka: they survive a restart and two instances agree. */
class RegistryDurabilityIT {

    private static final KafkaTestEnvironment KAFKA = ForewarnKafka.get();

    private static Schema schema(String name) {
        return SchemaBuilder.record(name).namespace("it.durability").fields()
                .requiredString("id").optionalInt("n").endRecord();
    }

    /** Schemas that BACKWARD-follow each other in any order: one record, a different optional field each. */
    private static Schema race(int i) {
        return SchemaBuilder.record("Race").namespace("it.durability").fields()
                .requiredString("id").optionalInt("f" + i).endRecord();
    }

    private static RegistryConfig onTopic(String topic) {
        RegistryConfig local = RegistryConfig.local(KAFKA.bootstrapServers(), 0);
        return new RegistryConfig(local.host(), 0, topic, local.defaultLevel(), local.timeout(), local.kafkaProperties(), local.writers());
    }

    private static SchemaRegistryClient client(SchemaRegistryServer server) {
        return SchemaRegistryClient.http(RegistryClientConfig.of(server.url()));
    }

    @Test
    void shouldKeepIdsAcrossARestart() {
        // given
        String topic = "_schemas-" + UUID.randomUUID();
        int reportId;
        int returnId;
        try (SchemaRegistryServer first = SchemaRegistryServer.start(onTopic(topic))) {
            SchemaRegistryClient client = client(first);
            reportId = client.register("a-value", schema("Report"));
            returnId = client.register("b-value", schema("Return"));
            client.register("a-value", SchemaBuilder.record("Report").namespace("it.durability").fields()
                    .requiredString("id").optionalInt("n").optionalString("extra").endRecord());
        }

        // when
        try (SchemaRegistryServer restarted = SchemaRegistryServer.start(onTopic(topic))) {
            SchemaRegistryClient client = client(restarted);

            // then
            assertThat(client.lookup("a-value", schema("Report")).id()).isEqualTo(reportId);
            assertThat(client.schemaById(returnId)).isEqualTo(schema("Return"));
            assertThat(client.latest("a-value").version()).isEqualTo(2);
            assertThat(client.register("c-value", schema("New"))).isGreaterThan(Math.max(reportId, returnId) + 1);
        }
    }

    @Test
    void shouldAgreeOnIdsBetweenTwoInstancesOnOneTopic() {
        String topic = "_schemas-" + UUID.randomUUID();
        try (SchemaRegistryServer a = SchemaRegistryServer.start(onTopic(topic));
             SchemaRegistryServer b = SchemaRegistryServer.start(onTopic(topic))) {
            SchemaRegistryClient viaA = client(a);
            SchemaRegistryClient viaB = client(b);

            // a schema registered through one is the same id through the other
            int id = viaA.register("shared-value", schema("Shared"));
            assertThat(viaB.register("shared-value", schema("Shared"))).isEqualTo(id);
            assertThat(viaB.lookup("shared-value", schema("Shared")).id()).isEqualTo(id);

            // concurrent registrations of different schemas through both get distinct ids both agree on
            List<CompletableFuture<Integer>> registrations = IntStream.range(0, 12)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() ->
                            (i % 2 == 0 ? viaA : viaB).register("race-" + (i % 3) + "-value", race(i))))
                    .toList();
            List<Integer> ids = registrations.stream().map(CompletableFuture::join).toList();

            assertThat(ids).doesNotHaveDuplicates();
            assertThat(viaA.version("race-0-value", "4").version()).isEqualTo(4);
            assertThat(viaB.version("race-0-value", "latest").id()).isEqualTo(viaA.latest("race-0-value").id());
            for (int i = 0; i < ids.size(); i++) {
                SchemaRegistryClient fresh = client(i % 2 == 0 ? b : a);
                assertThat(fresh.schemaById(ids.get(i))).isEqualTo(race(i));
                assertThat(fresh.lookup("race-" + (i % 3) + "-value", race(i)).id()).isEqualTo(ids.get(i));
            }
        }
    }
}
