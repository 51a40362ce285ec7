package dev.forewarn.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forewarn.serde.registry.CompatibilityLevel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * The registry's state, rebuilt by applying the {@code _schemas} log in order. Pure: no Kafka,
 * no threads. Every instance that applies the same log reaches the same state, which is what lets
 * several registries share one topic: concurrent proposals are settled by log order, and a
 * proposal that conflicts with one already applied (its id or subject version taken by another
 * schema, or its schema already in the subject) is ignored by everyone alike.
 *
 * <p>Log format: key {@code {"keytype":"SCHEMA","subject":s,"version":v,"magic":1,"fingerprint":f}},
 * value {@code {"subject":s,"version":v,"id":n,"schema":text,"deleted":false}}; key
 * {@code {"keytype":"CONFIG","subject":s|null,"magic":0}}, value {@code {"compatibilityLevel":L}}
 * or null to clear a subject's level. The fingerprint keeps competing proposals under different
 * keys, so compaction can never replace an accepted schema by a rejected one.
 */
final class RegistryState {

    /** One version of a subject. */
    record Version(String subject, int version, int id, Schema schema) {
    }

    private final CompatibilityLevel defaultLevel;
    private final Map<String, TreeMap<Integer, Version>> subjects = new TreeMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<Schema, Integer> idsBySchema = new HashMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private Optional<CompatibilityLevel> globalLevel = Optional.empty();
    private int maxId;

    RegistryState(CompatibilityLevel defaultLevel) {
        this.defaultLevel = defaultLevel;
    }

    /** Applies one log record; returns true if it changed the state. Malformed records are skipped. */
    synchronized boolean apply(JsonNode key, JsonNode value) {
        String keyType = key.path("keytype").asText();
        if ("CONFIG".equals(keyType)) {
            return applyConfig(key, value);
        }
        if (!"SCHEMA".equals(keyType) || value == null || value.isNull() || value.path("deleted").asBoolean(false)) {
            return false;
        }
        String subject = value.path("subject").asText();
        int version = value.path("version").asInt();
        int id = value.path("id").asInt();
        Schema schema;
        try {
            schema = new Schema.Parser().setValidateDefaults(false).parse(value.path("schema").asText());
        } catch (SchemaParseException e) {
            return false;
        }
        TreeMap<Integer, Version> versions = subjects.computeIfAbsent(subject, s -> new TreeMap<>());
        Schema owner = schemasById.get(id);
        boolean idTaken = owner != null && !owner.equals(schema);
        boolean schemaHasOtherId = idsBySchema.containsKey(schema) && idsBySchema.get(schema) != id;
        boolean versionTaken = versions.containsKey(version);
        boolean alreadyInSubject = versions.values().stream().anyMatch(v -> v.schema().equals(schema));
        if (idTaken || schemaHasOtherId || versionTaken || alreadyInSubject || id <= 0 || version <= 0) {
            if (versions.isEmpty()) {
                subjects.remove(subject);
            }
            return false;
        }
        versions.put(version, new Version(subject, version, id, schema));
        schemasById.put(id, schema);
        idsBySchema.put(schema, id);
        maxId = Math.max(maxId, id);
        return true;
    }

    private boolean applyConfig(JsonNode key, JsonNode value) {
        JsonNode subject = key.path("subject");
        Optional<CompatibilityLevel> level = value == null || value.isNull() ? Optional.empty()
                : CompatibilityLevel.parse(value.path("compatibilityLevel").asText());
        if (subject.isMissingNode() || subject.isNull()) {
            globalLevel = level.or(() -> globalLevel);
        } else if (level.isPresent()) {
            subjectLevels.put(subject.asText(), level.get());
        } else {
            subjectLevels.remove(subject.asText());
        }
        return true;
    }

    synchronized List<String> subjects() {
        return List.copyOf(subjects.keySet());
    }

    synchronized List<Integer> versions(String subject) {
        return List.copyOf(versionsOf(subject).keySet());
    }

    /** A version by number or {@code latest}. */
    synchronized Version version(String subject, String version) {
        TreeMap<Integer, Version> versions = versionsOf(subject);
        if ("latest".equals(version) || "-1".equals(version)) {
            return versions.lastEntry().getValue();
        }
        int number;
        try {
            number = Integer.parseInt(version);
        } catch (NumberFormatException e) {
            throw RegistryError.invalidVersion(version);
        }
        if (number < 1) {
            throw RegistryError.invalidVersion(version);
        }
        Version found = versions.get(number);
        if (found == null) {
            throw RegistryError.versionNotFound(subject, version);
        }
        return found;
    }

    synchronized Optional<Version> find(String subject, Schema schema) {
        return Optional.ofNullable(subjects.get(subject))
                .flatMap(versions -> versions.values().stream().filter(v -> v.schema().equals(schema)).findFirst());
    }

    synchronized boolean hasSubject(String subject) {
        return subjects.containsKey(subject);
    }

    synchronized List<Version> allVersions(String subject) {
        TreeMap<Integer, Version> versions = subjects.get(subject);
        return versions == null ? List.of() : new ArrayList<>(versions.values());
    }

    synchronized Optional<Schema> schemaById(int id) {
        return Optional.ofNullable(schemasById.get(id));
    }

    /** The id a new registration of {@code schema} would get: its existing global id, else the next one. */
    synchronized int idFor(Schema schema) {
        Integer existing = idsBySchema.get(schema);
        return existing != null ? existing : maxId + 1;
    }

    synchronized int nextVersion(String subject) {
        TreeMap<Integer, Version> versions = subjects.get(subject);
        return versions == null || versions.isEmpty() ? 1 : versions.lastKey() + 1;
    }

    synchronized CompatibilityLevel globalLevel() {
        return globalLevel.orElse(defaultLevel);
    }

    synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    synchronized CompatibilityLevel effectiveLevel(String subject) {
        return subjectLevel(subject).orElse(globalLevel());
    }

    private TreeMap<Integer, Version> versionsOf(String subject) {
        TreeMap<Integer, Version> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw RegistryError.subjectNotFound(subject);
        }
        return versions;
    }
}
