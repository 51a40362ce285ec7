package dev.forewarn.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class CompatibilityGuardTest {

    private static final String V1 = """
            {"type":"record","name":"Signal","namespace":"t","fields":[
              {"name":"id","type":"string"},
              {"name":"severity","type":"int"},
              {"name":"counts","type":{"type":"record","name":"Counts","fields":[{"name":"total","type":"long"}]}}
            ]}""";

    private static List<String> check(String current) {
        var released = new TreeMap<Integer, Schema>();
        released.put(1, new Schema.Parser().parse(V1));
        return CompatibilityGuard.violations("Signal", new Schema.Parser().parse(current), released);
    }

    @Test
    void shouldAcceptANewOptionalFieldWithDefault() {
        String v2 = V1.replace("{\"name\":\"id\",\"type\":\"string\"},",
                "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null},");

        assertThat(check(v2)).isEmpty();
    }

    @Test
    void shouldNameSchemaAndFieldWhenARequiredFieldIsAdded() {
        String v2 = V1.replace("{\"name\":\"id\",\"type\":\"string\"},",
                "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"region\",\"type\":\"string\"},");

        assertThat(check(v2)).singleElement().asString()
                .contains("Signal", "released v1", "field region", "READER_FIELD_MISSING_DEFAULT_VALUE");
    }

    @Test
    void shouldNameTheFieldWhenItsTypeChanges() {
        String v2 = V1.replace("{\"name\":\"severity\",\"type\":\"int\"}", "{\"name\":\"severity\",\"type\":\"string\"}");

        assertThat(check(v2)).isNotEmpty().allSatisfy(line -> assertThat(line).contains("field severity"));
    }

    @Test
    void shouldNameANestedFieldByItsPath() {
        String v2 = V1.replace("{\"name\":\"total\",\"type\":\"long\"}", "{\"name\":\"total\",\"type\":\"boolean\"}");

        assertThat(check(v2)).isNotEmpty().allSatisfy(line -> assertThat(line).contains("field counts.total"));
    }

    @Test
    void shouldStripJavaPropertiesAtAnyDepth() {
        Schema withJava = new Schema.Parser().parse("""
                {"type":"record","name":"R","fields":[
                  {"name":"a","type":{"type":"string","avro.java.string":"String"}},
                  {"name":"b","type":{"type":"array","items":{"type":"string","avro.java.string":"String"}}}]}""");

        Schema stripped = AvroSchemas.withoutJavaProperties(withJava);

        assertThat(stripped.toString()).doesNotContain("avro.java");
        assertThat(stripped).isNotEqualTo(withJava);
        assertThat(AvroSchemas.withoutJavaProperties(stripped)).isSameAs(stripped);
    }
}
