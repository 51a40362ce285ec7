package dev.forewarn.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forewarn.events.Complaint;
import dev.forewarn.testsupport.ForewarnKafka;
import dev.forewarn.testsupport.KafkaTestEnvironment;
import dev.forewarn.testsupport.TestRecords;
import dev.forewarn.topics.TopicCatalogue;
import dev.forewarn.topics.TopicSerdes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The backtest reads a period of the signal topics on a real broker, through the registry, as a user would run it. */
class BacktestTopicsIT {

    @Test
    void shouldReplayOnlyTheSignalsOfThePeriodItIsGiven() throws Exception {
        KafkaTestEnvironment kafka = ForewarnKafka.get();
        kafka.createCatalogue();
        // A period of its own, years before what other tests write, so the count is exact.
        Instant start = Instant.parse("2019-05-01T00:00:00Z");
        Serializer<Complaint> values = TopicSerdes.of(kafka.schemaRegistryUrl()).value(TopicCatalogue.COMPLAINTS).serializer();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            // Written out of event-time order, as a backfill does: day 0..9, the later half first.
            for (int day : new int[] {5, 6, 7, 8, 9, 0, 1, 2, 3, 4}) {
                Instant at = start.plus(Duration.ofDays(day));
                Complaint complaint = TestRecords.complaint().setCustomerId("C-BT-" + day).setOccurredAt(at)
                        .setSlaDueAt(at.plus(Duration.ofDays(2))).setSeverity(day == 9 ? 5 : 3).setCategory("quality").build();
                producer.send(new ProducerRecord<>(TopicCatalogue.COMPLAINTS.name(), null, at.toEpochMilli(), complaint.getCustomerId(),
                        values.serialize(TopicCatalogue.COMPLAINTS.name(), complaint))).get();
            }
        }
        StringWriter out = new StringWriter();

        int status = new CommandLine(new BacktestMain()).setOut(new PrintWriter(out)).execute("--bootstrap-servers", kafka.bootstrapServers(),
                "--registry-url", kafka.schemaRegistryUrl(), "--from", start.plus(Duration.ofDays(2)).toString(),
                "--to", start.plus(Duration.ofDays(10)).toString());

        assertThat(status).as(out.toString()).isZero();
        assertThat(out.toString()).as("days 2..9: eight signals, one of them an escalation").startsWith("8 signals")
                .contains("1 escalations marked");
    }
}
