package dev.forewarn.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forewarn.serde.registry.CompatibilityLevel;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class RegistryStateTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Schema schema(String field) {
        return SchemaBuilder.record("R").fields().requiredString("id").optionalInt(field).endRecord();
    }

    private static JsonNode key(String subject, int version) {
        return JSON.createObjectNode().put("keytype", "SCHEMA").put("subject", subject).put("version", version).put("magic", 1);
    }

    private static JsonNode value(String subject, int version, int id, Schema schema) {
        return JSON.createObjectNode().put("subject", subject).put("version", version).put("id", id)
                .put("schema", schema.toString()).put("deleted", false);
    }

    private static RegistryState replay(List<JsonNode[]> log) {
        RegistryState state = new RegistryState(CompatibilityLevel.BACKWARD);
        log.forEach(record -> state.apply(record[0], record[1]));
        return state;
    }

    @Test
    void shouldLetTheFirstProposalInLogOrderWinAConflict() {
        // given: two instances proposed different schemas as version 1 with id 1
        JsonNode[] winner = {key("s", 1), value("s", 1, 1, schema("a"))};
        JsonNode[] loser = {key("s", 1), value("s", 1, 1, schema("b"))};

        // when
        RegistryState state = replay(List.of(winner, loser));

        // then: everyone derives the same answer, and the loser's schema is simply not there
        assertThat(state.version("s", "1").schema()).isEqualTo(schema("a"));
        assertThat(state.schemaById(1)).contains(schema("a"));
        assertThat(state.find("s", schema("b"))).isEmpty();
        assertThat(state.nextVersion("s")).isEqualTo(2);
        assertThat(state.idFor(schema("b"))).isEqualTo(2);
    }

    @Test
    void shouldReuseAGlobalIdForTheSameSchemaInAnotherSubject() {
        RegistryState state = replay(List.<JsonNode[]>of(new JsonNode[] {key("s", 1), value("s", 1, 7, schema("a"))}));
        assertThat(state.idFor(schema("a"))).isEqualTo(7);
        assertThat(state.idFor(schema("z"))).isEqualTo(8);

        boolean sameIdElsewhere = state.apply(key("t", 1), value("t", 1, 7, schema("a")));
        boolean otherIdForSameSchema = state.apply(key("u", 1), value("u", 1, 9, schema("a")));

        assertThat(sameIdElsewhere).isTrue();
        assertThat(state.version("t", "1").id()).isEqualTo(7);
        assertThat(otherIdForSameSchema).isFalse();
        assertThat(state.hasSubject("u")).isFalse();
    }

    @Test
    void shouldIgnoreADuplicateOfASchemaAlreadyInTheSubject() {
        RegistryState state = replay(List.of(
                new JsonNode[] {key("s", 1), value("s", 1, 1, schema("a"))},
                new JsonNode[] {key("s", 2), value("s", 2, 1, schema("a"))}));

        assertThat(state.versions("s")).containsExactly(1);
    }

    @Test
    void shouldApplyConfigRecordsAndClearThemWithATombstone() {
        RegistryState state = new RegistryState(CompatibilityLevel.BACKWARD);
        JsonNode subjectKey = JSON.createObjectNode().put("keytype", "CONFIG").put("subject", "s").put("magic", 0);
        JsonNode globalKey = JSON.createObjectNode().put("keytype", "CONFIG").putNull("subject").put("magic", 0);

        state.apply(globalKey, JSON.createObjectNode().put("compatibilityLevel", "FULL"));
        state.apply(subjectKey, JSON.createObjectNode().put("compatibilityLevel", "NONE"));
        assertThat(state.effectiveLevel("s")).isEqualTo(CompatibilityLevel.NONE);

        state.apply(subjectKey, null);
        assertThat(state.effectiveLevel("s")).isEqualTo(CompatibilityLevel.FULL);
    }

    @Test
    void shouldAnswerConfluentErrorCodesForMissingSubjectsAndVersions() {
        RegistryState state = replay(List.<JsonNode[]>of(new JsonNode[] {key("s", 1), value("s", 1, 1, schema("a"))}));

        assertThatThrownBy(() -> state.version("nope", "latest"))
                .isInstanceOfSatisfying(RegistryError.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
        assertThatThrownBy(() -> state.version("s", "9"))
                .isInstanceOfSatisfying(RegistryError.class, e -> assertThat(e.errorCode()).isEqualTo(40402));
        assertThatThrownBy(() -> state.version("s", "x"))
                .isInstanceOfSatisfying(RegistryError.class, e -> assertThat(e.errorCode()).isEqualTo(42202));
    }

    @Test
    void shouldCheckOnlyTheLatestVersionUnlessTransitive() {
        Schema v1 = SchemaBuilder.record("R").fields().requiredString("id").requiredInt("n").endRecord();
        Schema v2 = SchemaBuilder.record("R").fields().requiredString("id").endRecord();
        Schema v3 = SchemaBuilder.record("R").fields().requiredString("id").name("n").type().intType().noDefault()
                .endRecord();

        assertThat(Compatibility.problems(CompatibilityLevel.FORWARD, v3, List.of(v1, v2))).isEmpty();
        assertThat(Compatibility.problems(CompatibilityLevel.BACKWARD, v3, List.of(v1, v2)))
                .singleElement().asString().contains("field n");
        assertThat(Compatibility.problems(CompatibilityLevel.BACKWARD, v3, List.of(v1))).isEmpty();
        assertThat(Compatibility.problems(CompatibilityLevel.NONE, v3, List.of(v1, v2))).isEmpty();
    }
}
