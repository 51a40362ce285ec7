package dev.forewarn.serde.registry;

import org.apache.avro.Schema;

/**
 * What Kafka serdes and the services need of a schema registry speaking the Confluent REST API.
 * {@link #http} is the production client; tests without a registry use an in-memory one
 * ({@code dev.forewarn.testsupport.InMemorySchemaRegistryClient}).
 */
public interface SchemaRegistryClient {

    /** The registry's media type. */
    String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    /** The client for the registry at {@code config}'s URLs. */
    static SchemaRegistryClient http(RegistryClientConfig config) {
        return new HttpSchemaRegistryClient(config);
    }

    /** Registers {@code schema} under {@code subject} (or finds it there) and returns its global id. */
    int register(String subject, Schema schema);

    /** Finds {@code schema} among the versions of {@code subject}; 40401/40403 if it is not there. */
    RegisteredSchema lookup(String subject, Schema schema);

    /** The id of {@code schema} in {@code subject}. */
    int idOf(String subject, Schema schema);

    /** The schema with global id {@code id}; 40403 if there is none. */
    Schema schemaById(int id);

    /** The latest version of {@code subject}. */
    RegisteredSchema latest(String subject);

    /** A version of {@code subject}, by number or {@code "latest"}. */
    RegisteredSchema version(String subject, String version);

    /** Whether {@code schema} could be registered as the next version of {@code subject}. */
    boolean isCompatible(String subject, Schema schema);

    /** The global compatibility level. */
    CompatibilityLevel globalCompatibility();

    /** The compatibility level of {@code subject} (its own, else the global one). */
    CompatibilityLevel compatibility(String subject);

    /** Sets the global compatibility level. */
    void setGlobalCompatibility(CompatibilityLevel level);

    /** Sets {@code subject}'s compatibility level. */
    void setCompatibility(String subject, CompatibilityLevel level);

    /** Whether the registry answers (false while requests fail transiently); readiness reads it. */
    boolean isReachable();

    /** How many requests failed transiently, after retries (a counter for {@code forewarn_registry_errors_total}). */
    long transientFailures();
}
