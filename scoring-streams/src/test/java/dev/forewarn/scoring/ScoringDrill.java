package dev.forewarn.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forewarn.events.Complaint;
import dev.forewarn.events.ComplaintStatus;
import dev.forewarn.events.CustomerReport;
import dev.forewarn.events.FeedbackType;
import dev.forewarn.events.KanoCategory;
import dev.forewarn.events.ProductReturn;
import dev.forewarn.events.ReturnReason;
import dev.forewarn.events.RiskScore;
import dev.forewarn.scoring.intake.SignalIntake;
import dev.forewarn.scoring.model.EntityState;
import dev.forewarn.scoring.model.RiskModel;
import dev.forewarn.scoring.model.Signal;
import dev.forewarn.serde.AvroSerdeConfig;
import dev.forewarn.serde.AvroSerializer;
import dev.forewarn.serde.registry.SchemaRegistryClient;
import dev.forewarn.testsupport.ChildJvm;
import dev.forewarn.testsupport.ForewarnKafka;
import dev.forewarn.testsupport.KafkaTestEnvironment;
import dev.forewarn.testsupport.Topics;
import dev.forewarn.topics.TopicCatalogue;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A scoring drill for fault tests: a mixed signal stream (with redelivered duplicates) for one run's
 * customers, the scoring service in child JVMs, and the check that every customer's final score is
 * what a reference computation applying each distinct event once gives.
 */
final class ScoringDrill {

    static final KafkaTestEnvironment KAFKA = ForewarnKafka.get();
    static final List<String> INPUTS = List.of(TopicCatalogue.REPORTS.name(), TopicCatalogue.COMPLAINTS.name(), TopicCatalogue.RETURNS.name());

    final String run = UUID.randomUUID().toString().substring(0, 8);
    final String applicationId;
    final Path stateDir;

    /** A drill whose application id starts with {@code applicationPrefix}, with its own run id and state directory. */
    ScoringDrill(String applicationPrefix) {
        this.applicationId = applicationPrefix + run;
        this.stateDir = Path.of("target", "drill-state", run);
    }

    /** The catalogue's topics: signals (back-dated up to 10 days here) and transitions are kept 400 days, as in production. */
    static void createTopics() {
        KAFKA.createCatalogue();
    }

    /** The scoring service in a child JVM reading its schemas from {@code registryUrl} and serving HTTP on {@code port} (0: any). */
    Process startChild(String name, String registryUrl, int port) throws Exception {
        ProcessBuilder builder = ChildJvm.service(ScoringService.class, "512m");
        Map<String, String> env = builder.environment();
        env.put("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers());
        env.put("SCHEMA_REGISTRY_URL", registryUrl);
        env.put("SCORING_APPLICATION_ID", applicationId);
        env.put("SCORING_AUTH_DISABLED", "true");
        env.put("SCORING_STATE_DIR", stateDir.toAbsolutePath().toString());
        env.put("SCORING_PORT", Integer.toString(port));
        env.put("KAFKA_COMMIT_INTERVAL_MS", "200");
        env.put("KAFKA_SESSION_TIMEOUT_MS", "10000"); // the killed member leaves the group sooner
        env.put("SCORING_PROCESSING_GUARANTEE", System.getProperty("crash.guarantee", "exactly_once_v2"));
        File log = stateDir.resolve(name + ".log").toFile();
        log.getParentFile().mkdirs();
        return builder.redirectErrorStream(true).redirectOutput(log).start();
    }

    record Sent(String topic, String customer, SpecificRecord value, long at) {
    }

    /** A mixed stream over {@code customers} customers, in time order per customer, with some events sent twice. */
    List<Sent> stream(int count, int customers) {
        SplittableRandom random = new SplittableRandom(7);
        Instant start = Instant.now().minus(Duration.ofDays(10));
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String customer = "X" + run + "-" + random.nextInt(customers);
            Instant at = start.plusMillis(i * 40_000L);
            String eventId = run + "-" + i;
            KanoCategory kano = random.nextInt(4) == 0 ? null : KanoCategory.values()[random.nextInt(4)];
            int draw = random.nextInt(100);
            Sent one;
            if (draw < 60) {
                one = new Sent(TopicCatalogue.REPORTS.name(), customer, CustomerReport.newBuilder().setEventId(eventId).setCustomerId(customer)
                        .setOccurredAt(at).setSource("crm").setProductId("P" + run + "-" + random.nextInt(20)).setKanoCategory(kano)
                        .setFeedbackType(FeedbackType.values()[random.nextInt(3)]).setSeverity(1 + random.nextInt(5)).build(), at.toEpochMilli());
            } else if (draw < 85) {
                one = new Sent(TopicCatalogue.COMPLAINTS.name(), customer, Complaint.newBuilder().setEventId(eventId).setCustomerId(customer)
                        .setOccurredAt(at).setSource("crm").setKanoCategory(kano).setComplaintId("K" + i)
                        .setStatus(ComplaintStatus.OPENED).setSeverity(1 + random.nextInt(5)).build(), at.toEpochMilli());
            } else {
                one = new Sent(TopicCatalogue.RETURNS.name(), customer, ProductReturn.newBuilder().setEventId(eventId).setCustomerId(customer)
                        .setOccurredAt(at).setSource("shop").setProductId("P" + run + "-" + random.nextInt(20)).setKanoCategory(kano)
                        .setReason(ReturnReason.values()[random.nextInt(7)]).build(), at.toEpochMilli());
            }
            sent.add(one);
            if (random.nextInt(50) == 0) {
                sent.add(one); // redelivered by the source system
            }
        }
        return sent;
    }

    void produce(List<Sent> records) throws Exception {
        AvroSerdeConfig serde = AvroSerdeConfig.of(KAFKA.schemaRegistryUrl());
        Map<String, Object> props = new HashMap<>(KAFKA.clientProperties());
        props.put("acks", "all");
        props.put("linger.ms", 5);
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(props, new StringSerializer(),
                new AvroSerializer<>(SchemaRegistryClient.http(serde.registry()), serde, false))) {
            for (Sent s : records) {
                producer.send(new ProducerRecord<>(s.topic(), null, s.at(), s.customer(), s.value()));
            }
            producer.flush();
        }
    }

    volatile String lag = "";

    /** Whether the application has committed offsets up to the end of every input partition and of its repartition topic. */
    boolean caughtUp() throws Exception {
        try (Admin admin = Admin.create(KAFKA.clientProperties())) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            // The product path reads the internal repartition topic: caught up only when it is read to its end too
            // (the input offsets alone say nothing about products still waiting in it).
            List<String> topics = new ArrayList<>(INPUTS);
            String repartition = applicationId + "-" + ScoringTopology.PRODUCT_REPARTITION + "-repartition";
            if (admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(repartition)) {
                topics.add(repartition);
            }
            admin.describeTopics(topics).allTopicNames().get().forEach((topic, d) ->
                    d.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(request).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
            lag = ends.entrySet().stream().filter(e -> e.getValue() > 0 && (!committed.containsKey(e.getKey())
                            || committed.get(e.getKey()).offset() < e.getValue()))
                    .map(e -> e.getKey() + " end " + e.getValue() + " committed " + committed.get(e.getKey()))
                    .collect(Collectors.joining(", "));
            return lag.isEmpty();
        }
    }

    Map<String, RiskScore> latestCustomerScores() {
        return latestScores("CUSTOMER:X" + run);
    }

    /** The latest committed score of each entity of this run whose key starts with {@code prefix}. */
    Map<String, RiskScore> latestScores(String prefix) {
        Map<String, Object> props = new HashMap<>(KAFKA.clientProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, RiskScore> latest = new LinkedHashMap<>();
        Topics.readToEnd(props, TopicCatalogue.SCORES.name(), Topics.avro(KAFKA, RiskScore.class)).forEach(r -> {
            if (r.key().startsWith(prefix)) {
                latest.put(r.key(), r.value());
            }
        });
        return latest;
    }

    /**
     * The run's transitions were written once each (no transition id twice, even across the crash),
     * and each entity's last level change is the level its latest score states.
     */
    void assertTransitionsMatchScores() {
        Map<String, Object> props = new HashMap<>(KAFKA.clientProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, dev.forewarn.events.RiskTransition> last = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>();
        Map<String, List<String>> byId = new HashMap<>();
        Topics.readToEnd(props, TopicCatalogue.TRANSITIONS.name(), Topics.avro(KAFKA, dev.forewarn.events.RiskTransition.class)).forEach(r -> {
            if (r.key().startsWith("CUSTOMER:X" + run) || r.key().startsWith("PRODUCT:P" + run)) {
                ids.add(r.value().getTransitionId());
                byId.computeIfAbsent(r.value().getTransitionId(), id -> new ArrayList<>()).add(r.partition() + "@" + r.offset() + " " + r.value());
                if (r.value().getKind() != dev.forewarn.events.TransitionKind.PREDICTED) {
                    last.put(r.key(), r.value());
                }
            }
        });
        assertThat(byId.values().stream().filter(copies -> copies.size() > 1).toList()).as("transitions written twice").isEmpty();
        assertThat(ids).as("transitions of this run").isNotEmpty();
        Map<String, RiskScore> scores = new LinkedHashMap<>(latestScores("CUSTOMER:X" + run));
        scores.putAll(latestScores("PRODUCT:P" + run));
        List<String> mismatches = scores.entrySet().stream().filter(e -> {
            dev.forewarn.events.RiskTransition t = last.get(e.getKey());
            return !e.getValue().getLevel().equals(t == null ? dev.forewarn.events.RiskLevel.OK : t.getToLevel());
        }).map(e -> e.getKey() + " score " + e.getValue().getLevel() + " last transition "
                + (last.get(e.getKey()) == null ? "none" : last.get(e.getKey()).getToLevel())).toList();
        assertThat(mismatches).as("entities whose last transition is not their level").isEmpty();
    }

    /** Every customer and product of the run has a score, and each is the reference computation's over {@code all}. */
    void assertScoresMatchReference(List<Sent> all) {
        RiskModel model = new RiskModel(RiskModel.Config.defaults());
        Map<String, EntityState> reference = new HashMap<>();
        Set<Long> seen = new java.util.HashSet<>();
        for (Sent s : all) {
            List<String> problems = new ArrayList<>();
            Signal signal = SignalIntake.toSignal(s.value(), problems);
            if (seen.add(signal.identityHash())) {
                model.apply(reference.computeIfAbsent("CUSTOMER:" + s.customer(), k -> new EntityState()), signal);
                if (signal.productId() != null) {
                    model.apply(reference.computeIfAbsent("PRODUCT:" + signal.productId(), k -> new EntityState()), signal);
                }
            }
        }
        Map<String, RiskScore> scores = new LinkedHashMap<>(latestCustomerScores());
        scores.putAll(latestScores("PRODUCT:P" + run));
        assertThat(scores.keySet()).isEqualTo(reference.keySet());
        List<String> mismatches = scores.entrySet().stream().filter(e -> {
            EntityState expected = reference.get(e.getKey());
            RiskScore actual = e.getValue();
            double pressure = Math.max(0, model.pressureAt(expected, actual.getReferenceTime().toEpochMilli()));
            return Math.abs(pressure - actual.getPressure()) > 1e-9 * Math.max(1, pressure)
                    || actual.getCounts().getNegativeReports() != expected.negativeReports
                    || actual.getCounts().getComplaints() != expected.complaints
                    || actual.getCounts().getReturns() != expected.returns
                    || actual.getCounts().getConfirmationReports() != expected.confirmationReports;
        }).map(Map.Entry::getKey).collect(Collectors.toList());
        assertThat(mismatches).as("entities whose final score differs from the reference").isEmpty();
    }
}
