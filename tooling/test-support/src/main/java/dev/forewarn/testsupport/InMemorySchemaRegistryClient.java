package dev.forewarn.testsupport;

import dev.forewarn.serde.AvroSerdeConfig;
import dev.forewarn.serde.registry.CompatibilityLevel;
import dev.forewarn.serde.registry.RegisteredSchema;
import dev.forewarn.serde.registry.SchemaRegistryClient;
import dev.forewarn.serde.registry.SchemaRegistryException;
import dev.forewarn.topics.TopicSerdes;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * A schema registry in memory, for tests that need Avro in the Confluent wire format but no registry
 * process (TopologyTestDriver tests): global ids shared across subjects for equal schemas, versions
 * per subject, and BACKWARD compatibility against the latest version (or NONE when set), with the
 * Confluent error codes of the real registry. Thread-safe.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

    /** The URL this registry stands for in configurations (never called: {@code .invalid} does not resolve). */
    public static final String URL = "http://in-memory-registry.invalid";

    private static final URI ADDRESS = URI.create(URL);

    private final Map<Schema, Integer> ids = new HashMap<>();
    private final List<Schema> schemas = new ArrayList<>();
    private final Map<String, List<Schema>> subjects = new HashMap<>();
    private final Map<String, CompatibilityLevel> levels = new HashMap<>();
    private CompatibilityLevel global = CompatibilityLevel.BACKWARD;

    /** The catalogue's serdes on this registry, with the default serde settings. */
    public TopicSerdes serdes() {
        return new TopicSerdes(this, AvroSerdeConfig.of(URL));
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        List<Schema> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(schema)) {
            if (!isCompatible(subject, schema)) {
                throw new SchemaRegistryException(409, SchemaRegistryException.INCOMPATIBLE_SCHEMA, ADDRESS,
                        "schema is incompatible with the latest version of " + subject, null);
            }
            versions.add(schema);
        }
        return ids.computeIfAbsent(schema, s -> {
            schemas.add(s);
            return schemas.size();
        });
    }

    @Override
    public synchronized RegisteredSchema lookup(String subject, Schema schema) {
        List<Schema> versions = subjects.get(subject);
        if (versions == null) {
            throw notFound(SchemaRegistryException.SUBJECT_NOT_FOUND, "subject " + subject + " not found");
        }
        int index = versions.indexOf(schema);
        if (index < 0) {
            throw notFound(SchemaRegistryException.SCHEMA_NOT_FOUND, "schema not found in " + subject);
        }
        return new RegisteredSchema(subject, ids.get(schema), index + 1, schema);
    }

    @Override
    public int idOf(String subject, Schema schema) {
        return lookup(subject, schema).id();
    }

    @Override
    public synchronized Schema schemaById(int id) {
        if (id < 1 || id > schemas.size()) {
            throw notFound(SchemaRegistryException.SCHEMA_NOT_FOUND, "schema " + id + " not found");
        }
        return schemas.get(id - 1);
    }

    @Override
    public RegisteredSchema latest(String subject) {
        return version(subject, "latest");
    }

    @Override
    public synchronized RegisteredSchema version(String subject, String version) {
        List<Schema> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw notFound(SchemaRegistryException.SUBJECT_NOT_FOUND, "subject " + subject + " not found");
        }
        int number = "latest".equals(version) ? versions.size() : Integer.parseInt(version);
        if (number < 1 || number > versions.size()) {
            throw notFound(SchemaRegistryException.VERSION_NOT_FOUND, "version " + version + " of " + subject + " not found");
        }
        Schema schema = versions.get(number - 1);
        return new RegisteredSchema(subject, ids.get(schema), number, schema);
    }

    @Override
    public synchronized boolean isCompatible(String subject, Schema schema) {
        List<Schema> versions = subjects.getOrDefault(subject, List.of());
        if (versions.isEmpty() || compatibility(subject) == CompatibilityLevel.NONE) {
            return true;
        }
        Schema latest = versions.get(versions.size() - 1);
        return SchemaCompatibility.checkReaderWriterCompatibility(schema, latest).getType()
                == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    }

    @Override
    public synchronized CompatibilityLevel globalCompatibility() {
        return global;
    }

    @Override
    public synchronized CompatibilityLevel compatibility(String subject) {
        return Optional.ofNullable(levels.get(subject)).orElse(global);
    }

    @Override
    public synchronized void setGlobalCompatibility(CompatibilityLevel level) {
        global = level;
    }

    @Override
    public synchronized void setCompatibility(String subject, CompatibilityLevel level) {
        levels.put(subject, level);
    }

    @Override
    public boolean isReachable() {
        return true;
    }

    @Override
    public long transientFailures() {
        return 0;
    }

    private static SchemaRegistryException notFound(int code, String message) {
        return new SchemaRegistryException(404, code, ADDRESS, message, null);
    }
}
