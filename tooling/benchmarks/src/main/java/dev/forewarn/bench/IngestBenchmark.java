package dev.forewarn.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forewarn.ingest.IngestService;
import dev.forewarn.ingest.config.IngestConfig;
import dev.forewarn.ingest.signal.SignalParser;
import dev.forewarn.ingest.signal.SignalType;
import dev.forewarn.registry.RegistryConfig;
import dev.forewarn.registry.SchemaRegistryServer;
import dev.forewarn.schemas.AvroSchemas;
import dev.forewarn.service.auth.ApiKeys;
import dev.forewarn.testsupport.KafkaBrokerProcess;
import dev.forewarn.testsupport.Topics;
import dev.forewarn.topics.TopicAdmin;
import dev.forewarn.topics.TopicCatalogue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;

/**
 * The ingest benchmark: one real broker (child JVM), the schema registry and ingest-service, driven
 * over HTTP/1.1 keep-alive in batch and single-event modes with a realistic signal mix; then, in
 * the same run and on the same broker, Kafka's own ProducerPerformance with the same record count
 * and the same Avro record size. Prints both side by side and, last, one JSON line.
 *
 * <p>Options as {@code --name=value}: {@code batch-events} (1000000), {@code batch-size} (500),
 * {@code batch-connections} (4), {@code single-events} (40000), {@code single-connections} (32),
 * {@code warmup-events} (20000), {@code partitions} (6), {@code dir} (target/bench-broker).
 */
public final class IngestBenchmark {

    private static final String KEY = "bench-key-0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();

    private IngestBenchmark() {
    }

    record Options(int batchEvents, int batchSize, int batchConnections, int singleEvents, int singleConnections,
                   int warmupEvents, int partitions, Path dir) {

        static Options parse(String[] args) {
            BenchArgs given = new BenchArgs(args);
            return given.done(new Options(given.integer("batch-events", 1_000_000, 1), given.integer("batch-size", 500, 1),
                    given.integer("batch-connections", 4, 1), given.integer("single-events", 40_000, 1),
                    given.integer("single-connections", 32, 1), given.integer("warmup-events", 20_000, 0),
                    given.integer("partitions", 6, 1), Path.of(given.string("dir", "target/bench-broker"))));
        }
    }

    public static void main(String[] args) throws Exception {
        System.out.println(run(BenchArgs.orExit("bin/bench-ingest", () -> Options.parse(args))).toString());
    }

    /** Runs the benchmark, prints the table, and returns the JSON summary. */
    static ObjectNode run(Options options) throws Exception {
        deleteRecursively(options.dir());
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.start(options.dir(), 0);
             SchemaRegistryServer registry = SchemaRegistryServer.start(RegistryConfig.local(broker.bootstrapServers(), 0))) {
            Map<String, Object> kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
            try (Admin admin = Admin.create(kafka)) {
                TopicAdmin.createMissing(admin, TopicCatalogue.all(), options.partitions(), (short) 1);
            }
            Topics.create(kafka, "bench.raw", options.partitions(), false);
            int recordBytes = averageRecordBytes(new SignalMix(7), 2_000);

            HttpLoad.Result batch;
            HttpLoad.Result single;
            try (IngestService service = IngestService.start(IngestConfig.of(registry.url(), ApiKeys.parse("bench:" + KEY), kafka))) {
                HttpLoad load = new HttpLoad(service.port(), KEY);
                SignalMix mix = new SignalMix(42);
                load.run(batches(mix, options.warmupEvents(), options.batchSize()), options.batchConnections());
                load.run(singles(mix, Math.max(1, options.warmupEvents() / 4)), options.singleConnections());
                batch = load.run(batches(mix, options.batchEvents(), options.batchSize()), options.batchConnections());
                single = load.run(singles(mix, options.singleEvents()), options.singleConnections());
            }
            RawProducerPerf.Result raw = RawProducerPerf.run(broker.bootstrapServers(), "bench.raw", options.batchEvents(), recordBytes);
            return report(options, recordBytes, batch, single, raw);
        }
    }

    private static List<HttpLoad.Request> batches(SignalMix mix, int events, int batchSize) {
        List<HttpLoad.Request> requests = new ArrayList<>();
        for (int sent = 0; sent < events; sent += batchSize) {
            int size = Math.min(batchSize, events - sent);
            SignalType type = mix.nextType();
            requests.add(new HttpLoad.Request("/v1/" + type.path(), mix.batch(type, size), size));
        }
        return requests;
    }

    private static List<HttpLoad.Request> singles(SignalMix mix, int events) {
        List<HttpLoad.Request> requests = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            SignalType type = mix.nextType();
            requests.add(new HttpLoad.Request("/v1/" + type.path(), mix.event(type), 1));
        }
        return requests;
    }

    /** The mean size of the mix's records in the Confluent wire format (5-byte header + Avro binary). */
    static int averageRecordBytes(SignalMix mix, int samples) throws IOException {
        AvroSchemas.trustGeneratedClasses();
        SignalParser parser = new SignalParser(SignalParser.Rules.defaults());
        long total = 0;
        for (int i = 0; i < samples; i++) {
            SignalType type = mix.nextType();
            SignalParser.Valid valid = (SignalParser.Valid) parser.parse(type, JSON.readTree(mix.event(type)), "bench", Optional.empty());
            SpecificRecord record = valid.record();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
            total += 5 + out.size();
        }
        return (int) Math.round((double) total / samples);
    }

    private static ObjectNode report(Options options, int recordBytes, HttpLoad.Result batch, HttpLoad.Result single,
                                     RawProducerPerf.Result raw) {
        double rawRate = raw.recordsPerSecond();
        System.out.printf(Locale.ROOT, "%nForewarn ingest benchmark: %d partitions per topic, %d-byte Avro records, broker in a child JVM;"
                + " registry, ingest-service and load generator in this JVM; ProducerPerformance in its own JVM.%n", options.partitions(), recordBytes);
        System.out.printf(Locale.ROOT, "%-34s %10s %12s %9s %9s %9s %8s%n", "path", "events", "events/s", "p50 ms", "p99 ms", "failed", "vs raw");
        row("ingest batch (" + options.batchSize() + "/req, " + options.batchConnections() + " conn)", batch, rawRate);
        row("ingest single (" + options.singleConnections() + " conn)", single, rawRate);
        System.out.printf(Locale.ROOT, "%-34s %10d %12.0f %9.1f %9.1f %9s %8s%n", "raw ProducerPerformance", raw.records(),
                rawRate, raw.p50Millis(), raw.p99Millis(), "-", "100 %");
        System.out.printf(Locale.ROOT, "targets: batch >= 50 %% of raw, single >= 10 %% of raw%n");
        ObjectNode json = JSON.createObjectNode().put("bench", "ingest")
                .put("batchEventsPerSec", Math.round(batch.eventsPerSecond()))
                .put("singleEventsPerSec", Math.round(single.eventsPerSecond()))
                .put("rawProducerRecordsPerSec", Math.round(rawRate))
                .put("batchRatio", round(batch.eventsPerSecond() / rawRate))
                .put("singleRatio", round(single.eventsPerSecond() / rawRate))
                .put("batchP50Ms", round(batch.p50Millis())).put("batchP99Ms", round(batch.p99Millis()))
                .put("singleP50Ms", round(single.p50Millis())).put("singleP99Ms", round(single.p99Millis()))
                .put("rawP50Ms", raw.p50Millis()).put("rawP99Ms", raw.p99Millis())
                .put("recordBytes", recordBytes).put("events", options.batchEvents())
                .put("failedRequests", batch.failedRequests() + single.failedRequests());
        return json;
    }

    private static void row(String name, HttpLoad.Result result, double rawRate) {
        System.out.printf(Locale.ROOT, "%-34s %10d %12.0f %9.1f %9.1f %9d %7.1f%%%n", name, result.acknowledged(),
                result.eventsPerSecond(), result.p50Millis(), result.p99Millis(), result.failedRequests(),
                100 * result.eventsPerSecond() / rawRate);
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
