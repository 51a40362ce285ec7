package dev.forewarn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forewarn.registry.RegistryConfig;
import dev.forewarn.registry.SchemaRegistryServer;
import dev.forewarn.serde.registry.CompatibilityLevel;
import dev.forewarn.serde.registry.RegistryClientConfig;
import dev.forewarn.serde.registry.SchemaRegistryClient;
import dev.forewarn.serde.registry.SchemaRegistryException;
import dev.forewarn.service.auth.ApiKeys;
import dev.forewarn.service.auth.Scopes;
import dev.forewarn.testsupport.ForewarnKafka;
import dev.forewarn.testsupport.KafkaTestEnvironment;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

/** The dev registry with SCHEMA_REGISTRY_API_TOKENS: anyone may read, only a token with schemas:write may write. */
class RegistryTokensIT {

    private static final KafkaTestEnvironment KAFKA = ForewarnKafka.get();
    private static final String TOKEN = "ci-writer-token-0123456789";

    @Test
    void shouldBeReadOnlyWithoutAWritersToken() {
        RegistryConfig local = RegistryConfig.local(KAFKA.bootstrapServers(), 0);
        RegistryConfig config = new RegistryConfig(local.host(), 0, "_schemas-" + UUID.randomUUID(), local.defaultLevel(),
                local.timeout(), local.kafkaProperties(), local.writers())
                .withWriters(ApiKeys.parse("ci:" + TOKEN, Set.of(Scopes.SCHEMAS_WRITE), Set.of(Scopes.SCHEMAS_WRITE)));
        Schema schema = SchemaBuilder.record("Guarded").namespace("it.tokens").fields().requiredString("id").endRecord();
        try (SchemaRegistryServer server = SchemaRegistryServer.start(config)) {
            SchemaRegistryClient anonymous = SchemaRegistryClient.http(RegistryClientConfig.of(server.url()));
            SchemaRegistryClient writer = SchemaRegistryClient.http(RegistryClientConfig.fromMap(Map.of(RegistryClientConfig.URL, server.url(),
                    RegistryClientConfig.BEARER_AUTH_SOURCE, "STATIC_TOKEN", RegistryClientConfig.BEARER_AUTH_TOKEN, TOKEN)));

            assertThatThrownBy(() -> anonymous.register("guarded-value", schema))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(401));
            assertThatThrownBy(() -> anonymous.setGlobalCompatibility(CompatibilityLevel.NONE))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(401));

            int id = writer.register("guarded-value", schema);

            assertThat(anonymous.schemaById(id)).isEqualTo(schema);
            assertThat(anonymous.lookup("guarded-value", schema).id()).isEqualTo(id);
            assertThat(anonymous.isCompatible("guarded-value", schema)).isTrue();
            assertThat(anonymous.globalCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
        }
    }
}
