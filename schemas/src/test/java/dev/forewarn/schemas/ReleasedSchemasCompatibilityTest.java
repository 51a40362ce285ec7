package dev.forewarn.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SortedMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The build's compatibility guard: an incompatible edit of a released schema fails {@code mvn verify}. */
class ReleasedSchemasCompatibilityTest {

    static Stream<Schema> records() {
        return AvroSchemas.RECORDS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    void shouldStayCompatibleWithEveryReleasedVersion(Schema generated) {
        Schema current = AvroSchemas.withoutJavaProperties(generated);
        SortedMap<Integer, Schema> released = ReleasedSchemas.of(current.getName());

        assertThat(released)
                .as("%s has no released version in %s; run ReleasedSchemas to snapshot it",
                        current.getName(), ReleasedSchemas.ROOT)
                .isNotEmpty();
        List<String> violations = CompatibilityGuard.violations(current.getName(), current, released);
        assertThat(violations).as(String.join("\n", violations)).isEmpty();
    }
}
