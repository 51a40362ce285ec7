package dev.forewarn.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forewarn.testsupport.ForewarnKafka;
import dev.forewarn.testsupport.KafkaTestEnvironment;
import dev.forewarn.testsupport.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The dead-letter tool against a real broker: list, show, dry run and replay by reason and by offset range. */
class DlqMainIT {

    private static final KafkaTestEnvironment KAFKA = ForewarnKafka.get();
    private final String source = "dlq-it-" + UUID.randomUUID().toString().substring(0, 8);
    private final String dlq = source + ".dlq";

    @BeforeEach
    void deadLetters() throws Exception {
        Topics.create(KAFKA.clientProperties(), source, 1, false);
        Topics.create(KAFKA.clientProperties(), dlq, 1, false);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(new HashMap<>(KAFKA.clientProperties()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            String[] reasons = {"deserialization", "validation", "deserialization"};
            for (int i = 0; i < reasons.length; i++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add("trace-id", ("t" + i).getBytes(StandardCharsets.UTF_8));
                headers.add("forewarn.dlq.topic", source.getBytes(StandardCharsets.UTF_8));
                headers.add("forewarn.dlq.partition", "0".getBytes(StandardCharsets.UTF_8));
                headers.add("forewarn.dlq.offset", Integer.toString(40 + i).getBytes(StandardCharsets.UTF_8));
                headers.add("forewarn.dlq.reason", reasons[i].getBytes(StandardCharsets.UTF_8));
                headers.add("forewarn.dlq.exception.message", ("bad record " + i).getBytes(StandardCharsets.UTF_8));
                headers.add(DlqMain.ORIGINAL_TIMESTAMP, Long.toString(1_000_000L + i).getBytes(StandardCharsets.UTF_8));
                producer.send(new ProducerRecord<>(dlq, 0, System.currentTimeMillis(), ("C-" + i).getBytes(StandardCharsets.UTF_8),
                        new byte[] {0, 0, 0, 0, 1, (byte) i}, headers)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    private String run(String... args) {
        StringWriter out = new StringWriter();
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.add("--bootstrap-server=" + KAFKA.bootstrapServers());
        int code = new CommandLine(new DlqMain()).setOut(new PrintWriter(out)).execute(all.toArray(String[]::new));
        assertThat(code).as(out.toString()).isZero();
        return out.toString();
    }

    private List<ConsumerRecord<String, byte[]>> replayed() {
        return Topics.readToEnd(KAFKA, source, new ByteArrayDeserializer());
    }

    @Test
    void shouldListAndShowDeadLettersWithWhereTheyCameFromAndWhy() {
        String list = run("list", dlq);
        assertThat(list).contains("3 dead letter(s)").contains("from " + source + "/0@41").contains("reason=validation")
                .contains("bad record 2");

        String show = run("show", dlq, "--reason=validation");
        assertThat(show).contains(dlq + "/0@1").contains("original timestamp 1970-01-01T00:16:40.001Z").contains("key      C-1")
                .contains("header   trace-id=t1").doesNotContain("C-0");
    }

    @Test
    void shouldReplayByReasonWithADryRunFirstAndByOffsetRange() {
        assertThat(run("replay", dlq, "--reason=validation", "--dry-run")).contains("1 record(s) would be replayed");
        assertThat(replayed()).isEmpty();

        assertThat(run("replay", dlq, "--reason=validation")).contains("1 record(s) replayed");
        List<ConsumerRecord<String, byte[]>> back = replayed();
        assertThat(back).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("C-1");
            assertThat(r.value()).containsExactly(0, 0, 0, 0, 1, 1);
            assertThat(r.timestamp()).as("the original timestamp").isEqualTo(1_000_001L);
            assertThat(new String(r.headers().lastHeader("trace-id").value(), StandardCharsets.UTF_8)).isEqualTo("t1");
            assertThat(new String(r.headers().lastHeader(DlqMain.REPLAYED_FROM).value(), StandardCharsets.UTF_8)).isEqualTo(dlq + "/0@1");
            assertThat(r.headers().lastHeader("forewarn.dlq.reason")).isNull();
        });

        run("replay", dlq, "--partition=0", "--from=0", "--to=1");
        assertThat(replayed()).extracting(ConsumerRecord::key).containsExactly("C-1", "C-0", "C-1");
    }
}
