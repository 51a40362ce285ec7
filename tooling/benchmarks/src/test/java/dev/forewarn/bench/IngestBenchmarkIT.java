package dev.forewarn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The benchmark runs end to end (tiny counts, no figures asserted: speed is not tested here). */
class IngestBenchmarkIT {

    @Test
    void shouldDriveTheServiceAndTheRawProducerAndSummariseBoth() throws Exception {
        ObjectNode summary = IngestBenchmark.run(IngestBenchmark.Options.parse(new String[]{
                "--batch-events=3000", "--batch-size=100", "--single-events=300", "--warmup-events=200",
                "--partitions=2", "--dir=" + Path.of("target", "bench-it-broker")}));

        assertThat(summary.path("bench").asText()).isEqualTo("ingest");
        assertThat(summary.path("failedRequests").asLong()).isZero();
        assertThat(summary.path("events").asLong()).isEqualTo(3000);
        assertThat(summary.path("batchEventsPerSec").asLong()).isPositive();
        assertThat(summary.path("singleEventsPerSec").asLong()).isPositive();
        assertThat(summary.path("rawProducerRecordsPerSec").asLong()).isPositive();
        assertThat(summary.path("recordBytes").asInt()).isBetween(60, 400);
        assertThat(summary.path("batchRatio").asDouble())
                .isEqualTo(summary.path("batchEventsPerSec").asDouble() / summary.path("rawProducerRecordsPerSec").asDouble(),
                        org.assertj.core.data.Offset.offset(0.01));
    }
}
