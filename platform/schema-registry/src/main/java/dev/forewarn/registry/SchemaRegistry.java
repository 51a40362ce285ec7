package dev.forewarn.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forewarn.registry.RegistryState.Version;
import dev.forewarn.serde.registry.CompatibilityLevel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/** What the REST API does, over the state and the log; no HTTP here. */
final class SchemaRegistry {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REGISTRATION_ROUNDS = 10;

    private final RegistryState state;
    private final KafkaSchemaLog log;

    SchemaRegistry(RegistryState state, KafkaSchemaLog log) {
        this.state = state;
        this.log = log;
    }

    static Schema parse(String text, String schemaType) {
        if (schemaType != null && !schemaType.isEmpty() && !"AVRO".equals(schemaType)) {
            throw RegistryError.invalidSchema("schemaType " + schemaType + " is not supported; only AVRO");
        }
        if (text == null || text.isBlank()) {
            throw RegistryError.invalidSchema("the request has no \"schema\" field");
        }
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException | NullPointerException e) {
            throw RegistryError.invalidSchema(e.getMessage());
        }
    }

    /** Registers {@code schema} under {@code subject} (idempotently) and returns its id. */
    synchronized int register(String subject, Schema schema) {
        for (int round = 0; round < MAX_REGISTRATION_ROUNDS; round++) {
            log.syncToEnd();
            Optional<Version> existing = state.find(subject, schema);
            if (existing.isPresent()) {
                return existing.get().id();
            }
            List<Schema> earlier = state.allVersions(subject).stream().map(Version::schema).toList();
            List<String> problems = Compatibility.problems(state.effectiveLevel(subject), schema, earlier);
            if (!problems.isEmpty()) {
                throw RegistryError.incompatible(subject, String.join("; ", problems));
            }
            int version = state.nextVersion(subject);
            int id = state.idFor(schema);
            ObjectNode key = JSON.createObjectNode().put("keytype", "SCHEMA").put("subject", subject)
                    .put("version", version).put("magic", 1).put("fingerprint", fingerprint(schema));
            ObjectNode value = JSON.createObjectNode().put("subject", subject).put("version", version).put("id", id)
                    .put("schema", schema.toString()).put("deleted", false);
            log.append(key, value);
            // Another instance may have won this version or id first; then the next round sees its record.
        }
        throw RegistryError.unavailable("registration of " + subject + " kept losing to concurrent registrations");
    }

    Version lookup(String subject, Schema schema) {
        log.syncToEnd();
        if (!state.hasSubject(subject)) {
            throw RegistryError.subjectNotFound(subject);
        }
        return state.find(subject, schema).orElseThrow(() -> RegistryError.schemaNotFound("in subject '" + subject + "'"));
    }

    Schema schemaById(int id) {
        Optional<Schema> cached = state.schemaById(id);
        if (cached.isPresent()) {
            return cached.get();
        }
        log.syncToEnd();
        return state.schemaById(id).orElseThrow(() -> RegistryError.schemaNotFound("id " + id));
    }

    Version version(String subject, String version) {
        log.syncToEnd();
        return state.version(subject, version);
    }

    List<String> subjects() {
        log.syncToEnd();
        return state.subjects();
    }

    List<Integer> versions(String subject) {
        log.syncToEnd();
        return state.versions(subject);
    }

    /** Problems that would stop {@code schema} following {@code version} of {@code subject}. */
    List<String> compatibilityProblems(String subject, String version, Schema schema) {
        log.syncToEnd();
        if (!state.hasSubject(subject)) {
            return List.of();
        }
        CompatibilityLevel level = state.effectiveLevel(subject);
        List<Schema> against = "latest".equals(version)
                ? state.allVersions(subject).stream().map(Version::schema).toList()
                : List.of(state.version(subject, version).schema());
        return Compatibility.problems(level, schema, against);
    }

    CompatibilityLevel globalLevel() {
        log.syncToEnd();
        return state.globalLevel();
    }

    Optional<CompatibilityLevel> subjectLevel(String subject) {
        log.syncToEnd();
        return state.subjectLevel(subject);
    }

    void setLevel(Optional<String> subject, CompatibilityLevel level) {
        ObjectNode key = JSON.createObjectNode().put("keytype", "CONFIG").put("magic", 0);
        subject.ifPresentOrElse(s -> key.put("subject", s), () -> key.putNull("subject"));
        log.append(key, JSON.createObjectNode().put("compatibilityLevel", level.name()));
    }

    void clearLevel(String subject) {
        ObjectNode key = JSON.createObjectNode().put("keytype", "CONFIG").put("subject", subject).put("magic", 0);
        log.append(key, null);
    }

    boolean isReady() {
        return log.isReady();
    }

    private static String fingerprint(Schema schema) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(schema.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
