package dev.forewarn.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forewarn.events.Complaint;
import dev.forewarn.events.ComplaintStatus;
import dev.forewarn.events.CustomerReport;
import dev.forewarn.events.FeedbackType;
import dev.forewarn.events.ProductReturn;
import dev.forewarn.events.ReturnReason;
import dev.forewarn.events.RiskLevel;
import dev.forewarn.events.RiskScore;
import dev.forewarn.events.RiskTransition;
import dev.forewarn.events.TransitionKind;
import dev.forewarn.schemas.AvroSchemas;
import dev.forewarn.scoring.intake.SignalIntake;
import dev.forewarn.scoring.score.ScoringMetrics;
import dev.forewarn.serde.AvroSerde;
import dev.forewarn.serde.AvroSerdeConfig;
import dev.forewarn.testsupport.InMemorySchemaRegistryClient;
import dev.forewarn.topics.TopicCatalogue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The production topology and Streams configuration in {@link TopologyTestDriver}, without a broker
 * or a registry: the serdes write the Confluent wire format through an in-memory registry. Time is driven explicitly: record timestamps are
 * the signals' {@code occurredAt}, and the driver's wall clock stands for the idle case.
 */
class ScoringTopologyTest {

    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    private TopologyTestDriver driver;
    private TestInputTopic<String, CustomerReport> reports;
    private TestInputTopic<String, Complaint> complaints;
    private TestInputTopic<String, ProductReturn> returns;
    private TestInputTopic<String, byte[]> rawReports;
    private TestOutputTopic<String, RiskScore> scores;
    private TestOutputTopic<String, RiskTransition> transitions;
    private TestOutputTopic<byte[], byte[]> reportsDlq;
    private TestOutputTopic<byte[], byte[]> returnsDlq;
    private int ids;

    @BeforeEach
    void start() {
        start(ScoringMetrics.NONE);
    }

    private void start(ScoringMetrics metrics) {
        if (driver != null) {
            driver.close();
        }
        AvroSchemas.trustGeneratedClasses();
        ScoringConfig config = ScoringConfig.of("scoring-ttd-" + UUID.randomUUID(), InMemorySchemaRegistryClient.URL,
                Path.of("target", "ttd-state", UUID.randomUUID().toString()), Map.of("bootstrap.servers", "unused:9092"))
                .withIdleAfter(Duration.ofSeconds(30), Duration.ofSeconds(5));
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        AvroSerdeConfig serde = registry.serdes().config();
        driver = new TopologyTestDriver(ScoringTopology.build(config, metrics, registry.serdes()),
                ScoringService.streamsProperties(config), T0.plus(Duration.ofMinutes(1)));
        reports = driver.createInputTopic(TopicCatalogue.REPORTS.name(), new StringSerializer(),
                AvroSerde.specific(CustomerReport.class, registry, serde).serializer());
        complaints = driver.createInputTopic(TopicCatalogue.COMPLAINTS.name(), new StringSerializer(),
                AvroSerde.specific(Complaint.class, registry, serde).serializer());
        returns = driver.createInputTopic(TopicCatalogue.RETURNS.name(), new StringSerializer(),
                AvroSerde.specific(ProductReturn.class, registry, serde).serializer());
        rawReports = driver.createInputTopic(TopicCatalogue.REPORTS.name(), new StringSerializer(), Serdes.ByteArray().serializer());
        scores = driver.createOutputTopic(TopicCatalogue.SCORES.name(), new StringDeserializer(),
                AvroSerde.specific(RiskScore.class, registry, serde).deserializer());
        transitions = driver.createOutputTopic(TopicCatalogue.TRANSITIONS.name(), new StringDeserializer(),
                AvroSerde.specific(RiskTransition.class, registry, serde).deserializer());
        reportsDlq = driver.createOutputTopic(TopicCatalogue.REPORTS_DLQ.name(), Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer());
        returnsDlq = driver.createOutputTopic(TopicCatalogue.RETURNS_DLQ.name(), Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private CustomerReport negative(String customer, String product, Instant at, int severity) {
        return CustomerReport.newBuilder().setEventId("e-" + ids++).setCustomerId(customer).setOccurredAt(at)
                .setSource("test").setProductId(product).setFeedbackType(FeedbackType.NEGATIVE).setSeverity(severity).build();
    }

    private Complaint complaint(String customer, String complaintId, ComplaintStatus status, Instant at, Instant due) {
        return Complaint.newBuilder().setEventId("e-" + ids++).setCustomerId(customer).setOccurredAt(at).setSource("test")
                .setProductId("P-9").setComplaintId(complaintId).setStatus(status).setSeverity(3).setSlaDueAt(due).build();
    }

    private <T extends SpecificRecord> void send(TestInputTopic<String, T> topic, String key, T value, Instant at) {
        topic.pipeInput(new TestRecord<>(key, value, at));
    }

    /** Lets the wall clock run to the next score pass, then reads the scores written. */
    private Map<String, RiskScore> latestScores() {
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        return scores.readKeyValuesToMap();
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldScoreCustomersAndProductsAndCountADuplicateOnce() {
        CustomerReport report = negative("C-1", "P-1", T0, 5);
        send(reports, "C-1", report, T0);
        send(reports, "C-1", report, T0); // redelivered
        send(reports, "C-2", negative("C-2", null, T0, 2), T0);

        Map<String, RiskScore> latest = latestScores();

        assertThat(latest).containsOnlyKeys("CUSTOMER:C-1", "PRODUCT:P-1", "CUSTOMER:C-2");
        RiskScore customer = latest.get("CUSTOMER:C-1");
        assertThat(customer.getCounts().getNegativeReports()).isEqualTo(1);
        assertThat(customer.getPressure()).isEqualTo(5.0);
        assertThat(customer.getScore()).isCloseTo(100 * (1 - Math.exp(-5.0 / dev.forewarn.scoring.model.RiskModel.Config.defaults().scale())), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(customer.getTopContributors()).singleElement().satisfies(c -> assertThat(c.getEventId()).isEqualTo(report.getEventId()));
        assertThat(latest.get("PRODUCT:P-1").getPressure()).isEqualTo(5.0);
    }

    @Test
    void shouldDeduplicateOnTheSourceSystemAndTheEventIdTogether() {
        CustomerReport fromCrm = negative("C-1", null, T0, 4);
        CustomerReport fromShop = CustomerReport.newBuilder(fromCrm).setSource("shop").build(); // the shop reuses the CRM's id
        send(reports, "C-1", fromCrm, T0);
        send(reports, "C-1", fromShop, T0);
        send(reports, "C-1", fromShop, T0); // redelivered by the shop

        RiskScore customer = latestScores().get("CUSTOMER:C-1");

        assertThat(customer.getCounts().getNegativeReports()).isEqualTo(2);
        assertThat(customer.getPressure()).isEqualTo(8.0);
    }

    @Test
    void shouldWriteTransitionsAtOnceAndEachChangedScoreOncePerPass() {
        for (int i = 0; i < 5; i++) {
            send(complaints, "C-1", complaint("C-1", "K-" + i, ComplaintStatus.OPENED, T0, null), T0);
        }

        assertThat(transitions.readValuesToList()).as("before any score pass")
                .anySatisfy(t -> assertThat(t.getKind()).isEqualTo(TransitionKind.ESCALATED));
        assertThat(scores.isEmpty()).as("no score pass yet").isTrue();

        driver.advanceWallClockTime(Duration.ofSeconds(1));
        List<KeyValue<String, RiskScore>> written = scores.readKeyValuesToList();
        assertThat(written).extracting(kv -> kv.key).containsExactlyInAnyOrder("CUSTOMER:C-1", "PRODUCT:P-9");
        assertThat(written).allSatisfy(kv -> assertThat(kv.value.getCounts().getComplaints()).isEqualTo(5));

        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(scores.isEmpty()).as("nothing changed since").isTrue();
    }

    @Test
    void shouldSendPoisonPillsAndInvalidSignalsToTheDlqAndGoOn() {
        rawReports.pipeInput(new TestRecord<>("C-1", new byte[]{0, 0, 0, 0, 42, 1, 2}, T0));
        rawReports.pipeInput(new TestRecord<>("C-1", "not avro".getBytes(StandardCharsets.UTF_8), T0));
        send(returns, "C-1", ProductReturn.newBuilder().setEventId("r-1").setCustomerId("C-1").setOccurredAt(T0)
                .setSource("shop").setReason(ReturnReason.DEFECTIVE).build(), T0);
        send(reports, "C-1", negative("C-1", null, T0, 9), T0);
        send(reports, "someone-else", negative("C-1", null, T0, 3), T0);
        send(reports, "C-1\r\nforged", negative("C-1\r\nforged", null, T0, 3), T0); // a direct producer's id with a line break
        send(reports, "C-1", negative("C-1", null, T0, 3), T0);

        List<TestRecord<byte[], byte[]>> dlq = reportsDlq.readRecordsToList();
        List<TestRecord<byte[], byte[]>> returnDlq = returnsDlq.readRecordsToList();

        assertThat(dlq).hasSize(5);
        assertThat(header(dlq.get(4), SignalIntake.HEADER_REASON)).isEqualTo("validation");
        assertThat(header(dlq.get(4), SignalIntake.HEADER_MESSAGE)).contains("customerId contains control characters");
        assertThat(dlq.get(0).value()).containsExactly(0, 0, 0, 0, 42, 1, 2);
        assertThat(header(dlq.get(0), SignalIntake.HEADER_REASON)).isEqualTo("deserialization");
        assertThat(header(dlq.get(0), SignalIntake.HEADER_TOPIC)).isEqualTo(TopicCatalogue.REPORTS.name());
        assertThat(header(dlq.get(0), SignalIntake.HEADER_OFFSET)).isEqualTo("0");
        assertThat(header(dlq.get(0), SignalIntake.HEADER_EXCEPTION)).isNotBlank();
        assertThat(header(dlq.get(2), SignalIntake.HEADER_MESSAGE)).contains("severity 9 is outside 1..5");
        assertThat(header(dlq.get(3), SignalIntake.HEADER_MESSAGE)).contains("is not the customerId");
        assertThat(returnDlq).singleElement().satisfies(r ->
                assertThat(header(r, SignalIntake.HEADER_MESSAGE)).contains("productId is required"));
        assertThat(latestScores().get("CUSTOMER:C-1").getCounts().getNegativeReports()).as("the stream went on").isEqualTo(1);
    }

    @Test
    void shouldDeadLetterARecordTheScorerThrowsOnAndGoOn() {
        // A deterministic bug in the customer scorer for one kind of signal: every return makes it throw.
        start(new ScoringMetrics() {
            @Override
            public void scored(dev.forewarn.events.EntityType entity, dev.forewarn.events.SignalKind kind, long eventLagMs) {
                if (entity == dev.forewarn.events.EntityType.CUSTOMER && kind == dev.forewarn.events.SignalKind.RETURN) {
                    throw new IllegalStateException("scorer bug");
                }
            }
        });
        send(returns, "C-1", ProductReturn.newBuilder().setEventId("r-1").setCustomerId("C-1").setOccurredAt(T0)
                .setSource("shop").setProductId("P-1").setReason(ReturnReason.DEFECTIVE).build(), T0);
        send(reports, "C-1", negative("C-1", null, T0, 4), T0.plusSeconds(1));

        List<TestRecord<byte[], byte[]>> dead = returnsDlq.readRecordsToList();
        assertThat(dead).singleElement().satisfies(record -> {
            assertThat(header(record, SignalIntake.HEADER_REASON)).isEqualTo("processing");
            assertThat(header(record, SignalIntake.HEADER_MESSAGE)).contains("scorer bug").contains("score-customers");
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("C-1");
        });
        // The stream went on: the report after the failed record is scored.
        assertThat(latestScores().get("CUSTOMER:C-1").getCounts().getNegativeReports()).isEqualTo(1);
    }

    @Test
    void shouldMeasureThePipelinesLatencyFromWhenIngestTookTheSignalNotFromItsEventTime() {
        List<Long> measured = new java.util.ArrayList<>();
        start(new ScoringMetrics() {
            @Override
            public void pipelineLatency(long millis) {
                measured.add(millis);
            }
        });
        long wallClock = T0.plus(Duration.ofMinutes(1)).toEpochMilli(); // the driver's wall clock
        TestRecord<String, CustomerReport> fromIngest = new TestRecord<>("C-1", negative("C-1", null, T0.minus(Duration.ofDays(300)), 2),
                T0.minus(Duration.ofDays(300)));
        fromIngest.headers().add(dev.forewarn.topics.TopicCatalogue.INGESTED_AT_HEADER,
                Long.toString(wallClock - 1_500).getBytes(StandardCharsets.UTF_8));
        reports.pipeInput(fromIngest);
        send(reports, "C-2", negative("C-2", null, T0, 2), T0); // written directly, without the header

        assertThat(measured).containsExactly(1_500L);
    }

    @Test
    void shouldCarryTheIngestTimeOfTheSignalThatCausedATransition() {
        TestRecord<String, CustomerReport> severe = new TestRecord<>("C-1", negative("C-1", null, T0, 5), T0);
        severe.headers().add(dev.forewarn.topics.TopicCatalogue.INGESTED_AT_HEADER, "1234".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 5; i++) { // pressure 25: WATCH
            reports.pipeInput(new TestRecord<>(severe.key(), negative("C-1", null, T0, 5), severe.headers(), T0));
        }

        List<TestRecord<String, RiskTransition>> written = transitions.readRecordsToList();
        assertThat(written).isNotEmpty().allSatisfy(t -> assertThat(new String(t.headers()
                .lastHeader(dev.forewarn.topics.TopicCatalogue.INGESTED_AT_HEADER).value(), StandardCharsets.UTF_8)).isEqualTo("1234"));
    }

    @Test
    void shouldCountAnSlaBreachWhenStreamTimePassesTheDueTime() {
        Instant due = T0.plus(Duration.ofHours(1));
        send(complaints, "C-1", complaint("C-1", "K-1", ComplaintStatus.OPENED, T0, due), T0);
        assertThat(latestScores().get("CUSTOMER:C-1").getBreachedSlas()).isZero();

        // Another customer's signal moves stream time past the due time.
        send(reports, "C-2", negative("C-2", null, due.plus(Duration.ofMinutes(5)), 1), due.plus(Duration.ofMinutes(5)));

        RiskScore customer = latestScores().get("CUSTOMER:C-1");
        assertThat(customer.getBreachedSlas()).isEqualTo(1);
        assertThat(customer.getTopContributors()).anySatisfy(c -> assertThat(c.getEventId()).isEqualTo("K-1#sla"));
    }

    @Test
    void shouldCountAnSlaBreachOnTheWallClockWhileInputIsIdle() {
        Instant due = T0.plus(Duration.ofHours(1));
        send(complaints, "C-1", complaint("C-1", "K-1", ComplaintStatus.OPENED, T0, due), T0);
        latestScores();

        driver.advanceWallClockTime(Duration.ofMinutes(30));
        assertThat(scores.isEmpty()).as("not due yet").isTrue();
        driver.advanceWallClockTime(Duration.ofMinutes(40));

        assertThat(latestScores().get("CUSTOMER:C-1").getBreachedSlas()).isEqualTo(1);
    }

    @Test
    void shouldNeverBreachAComplaintResolvedInTimeHoweverFastTheHistoryIsReplayed() {
        Instant due = T0.plus(Duration.ofHours(4));
        send(complaints, "C-1", complaint("C-1", "K-1", ComplaintStatus.OPENED, T0, due), T0);
        send(complaints, "C-1", complaint("C-1", "K-1", ComplaintStatus.RESOLVED, due.minusSeconds(1), null), due.minusSeconds(1));
        send(reports, "C-2", negative("C-2", null, T0.plus(Duration.ofDays(30)), 1), T0.plus(Duration.ofDays(30)));
        driver.advanceWallClockTime(Duration.ofDays(60));

        RiskScore customer = latestScores().get("CUSTOMER:C-1");
        assertThat(customer.getBreachedSlas()).isZero();
        assertThat(customer.getOpenComplaints()).isZero();
    }

    @Test
    void shouldEscalateThenResolveAfterDecayWithoutNewSignals() {
        for (int i = 0; i < 6; i++) {
            send(complaints, "C-1", complaint("C-1", "K-" + i, ComplaintStatus.OPENED, T0, null), T0);
        }
        driver.advanceWallClockTime(Duration.ofDays(200));

        List<RiskTransition> changes = transitions.readValuesToList().stream()
                .filter(t -> t.getEntityId().equals("C-1")).toList();
        assertThat(changes).extracting(RiskTransition::getKind)
                .containsSubsequence(TransitionKind.ESCALATED, TransitionKind.DEESCALATED, TransitionKind.RESOLVED);
        assertThat(changes.get(changes.size() - 1).getToLevel()).isEqualTo(RiskLevel.OK);
        assertThat(latestScores().get("CUSTOMER:C-1").getLevel()).isEqualTo(RiskLevel.OK);
    }
}
