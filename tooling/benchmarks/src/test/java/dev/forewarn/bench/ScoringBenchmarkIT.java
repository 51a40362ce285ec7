package dev.forewarn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The scoring benchmark runs end to end, its three topologies (tiny counts, no figures asserted: speed is not tested here). */
class ScoringBenchmarkIT {

    @Test
    void shouldTimeBothTopologiesAndMeasureTheState() throws Exception {
        ObjectNode summary = ScoringBenchmark.run(ScoringBenchmark.Options.parse(new String[]{
                "--signals=3000", "--customers=300", "--products=30", "--partitions=2", "--streams=num.stream.threads=1",
                "--dir=" + Path.of("target", "bench-scoring-it")}));

        assertThat(summary.path("bench").asText()).isEqualTo("scoring");
        assertThat(summary.path("recordsPerSec").asLong()).isPositive();
        assertThat(summary.path("baselineRecordsPerSec").asLong()).isPositive();
        assertThat(summary.path("shapeRecordsPerSec").asLong()).as("scoring's shape without a model, timed too").isPositive();
        assertThat(summary.path("entities").asLong()).as("every customer and product tracked").isEqualTo(330);
        assertThat(summary.path("bytesPerEntity").asLong()).isBetween(50L, 1024L);
    }
}
