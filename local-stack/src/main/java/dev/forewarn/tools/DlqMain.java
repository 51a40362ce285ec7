package dev.forewarn.tools;

import dev.forewarn.service.Env;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Lists, shows and replays dead letters: {@code <topic>.dlq} (scoring's, with {@code forewarn.dlq.*}
 * headers) and {@code alerts.dlq} (Kafka Streams', with {@code __streams.errors.*} headers). A
 * replay writes each selected record's original key, value, headers and timestamp back to its
 * source topic (named in its headers, else the DLQ's name without {@code .dlq}), adding
 * {@code forewarn.dlq.replayed-from}; a record that is still bad is dead-lettered again.
 *
 * <pre>
 * java -cp forewarn-local.jar dev.forewarn.tools.DlqMain list customer.reports.dlq
 * java -cp forewarn-local.jar dev.forewarn.tools.DlqMain show customer.reports.dlq --partition 0 --from 12 --to 12
 * java -cp forewarn-local.jar dev.forewarn.tools.DlqMain replay customer.reports.dlq --reason deserialization --dry-run
 * </pre>
 * Kafka client settings come from {@code KAFKA_*} variables (as in the services) or {@code --bootstrap-server}.
 */
@Command(name = "dlq", mixinStandardHelpOptions = true, version = "forewarn-dlq 0.1",
        description = "Lists, shows and replays dead-lettered records.",
        subcommands = {DlqMain.ListCommand.class, DlqMain.ShowCommand.class, DlqMain.ReplayCommand.class})
public final class DlqMain implements Callable<Integer> {

    /** Header naming the DLQ record a replayed record came from: {@code <dlq>/<partition>@<offset>}. */
    public static final String REPLAYED_FROM = "forewarn.dlq.replayed-from";
    /** Header with the original record's timestamp (epoch ms) on a dead letter. */
    public static final String ORIGINAL_TIMESTAMP = "forewarn.dlq.original.timestamp";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(ForewarnMain.commandLine(new DlqMain()).execute(args));
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 2;
    }

    /** Which dead letters: the DLQ topic, partition, offset range and reason. */
    static final class Selection {
        @Parameters(index = "0", description = "the DLQ topic, e.g. customer.reports.dlq or alerts.dlq")
        String topic;

        @Option(names = "--bootstrap-server", description = "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS or localhost:9092)")
        String bootstrap;

        @Option(names = "--partition", description = "only this partition")
        Integer partition;

        @Option(names = "--from", description = "first offset (inclusive)")
        Long from;

        @Option(names = "--to", description = "last offset (inclusive)")
        Long to;

        @Option(names = "--reason", description = "only records whose reason is this (e.g. deserialization, validation, production)")
        String reason;

        Map<String, Object> kafka() {
            Map<String, Object> props = new HashMap<>(Env.system().kafkaProperties());
            if (bootstrap != null) {
                props.put("bootstrap.servers", bootstrap);
            }
            props.putIfAbsent("bootstrap.servers", "localhost:9092");
            return props;
        }

        Predicate<ConsumerRecord<byte[], byte[]>> filter() {
            return r -> (partition == null || r.partition() == partition) && (from == null || r.offset() >= from)
                    && (to == null || r.offset() <= to) && (reason == null || reason.equals(DeadLetter.of(r).reason()));
        }

        /** The selected dead letters, read from the beginning to the end offsets at the time of the call. */
        List<ConsumerRecord<byte[], byte[]>> read() {
            Map<String, Object> props = kafka();
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            List<ConsumerRecord<byte[], byte[]>> selected = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .filter(p -> partition == null || p.partition() == partition)
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                if (partitions.isEmpty()) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "no such topic or partition: " + topic);
                }
                consumer.assign(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
                for (TopicPartition tp : partitions) {
                    consumer.seek(tp, Math.max(from == null ? 0 : from, consumer.beginningOffsets(List.of(tp)).get(tp)));
                }
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                    if (System.nanoTime() > deadline) {
                        // Never act on part of the selection as if it were all of it.
                        throw new IllegalStateException("could not read " + topic + " to its end offsets " + end + " within 2 minutes");
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition())) && filter().test(r)) {
                            selected.add(r);
                        }
                    }
                }
            }
            return selected;
        }
    }

    /** A dead letter's story, from either kind of DLQ header. */
    record DeadLetter(String sourceTopic, String sourcePartition, String sourceOffset, String reason, String exception,
                      String message, long originalTimestamp) {

        static DeadLetter of(ConsumerRecord<byte[], byte[]> r) {
            String dlq = r.topic();
            String source = header(r, "forewarn.dlq.topic").or(() -> header(r, "__streams.errors.topic"))
                    .orElse(dlq.endsWith(".dlq") ? dlq.substring(0, dlq.length() - 4) : dlq);
            return new DeadLetter(source,
                    header(r, "forewarn.dlq.partition").or(() -> header(r, "__streams.errors.partition")).orElse("?"),
                    header(r, "forewarn.dlq.offset").or(() -> header(r, "__streams.errors.offset")).orElse("?"),
                    header(r, "forewarn.dlq.reason").orElse(header(r, "__streams.errors.exception").isPresent() ? "streams" : "unknown"),
                    header(r, "forewarn.dlq.exception.class").or(() -> header(r, "__streams.errors.exception")).orElse(""),
                    header(r, "forewarn.dlq.exception.message").or(() -> header(r, "__streams.errors.message")).orElse(""),
                    header(r, ORIGINAL_TIMESTAMP).map(Long::parseLong).orElse(r.timestamp()));
        }

        private static Optional<String> header(ConsumerRecord<byte[], byte[]> r, String name) {
            Header h = r.headers().lastHeader(name);
            return h == null || h.value() == null ? Optional.empty() : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
        }
    }

    private static String printable(byte[] bytes, int max) {
        if (bytes == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, max); i++) {
            int b = bytes[i] & 0xff;
            out.append(b >= 0x20 && b < 0x7f && b != '\\' ? String.valueOf((char) b) : String.format("\\x%02x", b));
        }
        return out + (bytes.length > max ? "… (" + bytes.length + " bytes)" : "");
    }

    /** A subcommand over a selection of dead letters, printing to picocli's writer. */
    abstract static class OnSelection implements Callable<Integer> {
        @Mixin
        Selection selection;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        PrintStreamLike out() {
            return new PrintStreamLike(spec.commandLine().getOut());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "One line per dead letter: where it is, where it came from, why.")
    static final class ListCommand extends OnSelection {

        @Override
        public Integer call() {
            List<ConsumerRecord<byte[], byte[]>> records = selection.read();
            PrintStreamLike out = out();
            out.line("%d dead letter(s) in %s", records.size(), selection.topic);
            for (ConsumerRecord<byte[], byte[]> r : records) {
                DeadLetter d = DeadLetter.of(r);
                out.line("%s/%d@%d  from %s/%s@%s  %s  reason=%s  %s", r.topic(), r.partition(), r.offset(),
                        d.sourceTopic(), d.sourcePartition(), d.sourceOffset(), Instant.ofEpochMilli(r.timestamp()), d.reason(),
                        printable(d.message().getBytes(StandardCharsets.UTF_8), 160));
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Each selected dead letter in full: headers, key and value.")
    static final class ShowCommand extends OnSelection {

        @Override
        public Integer call() {
            PrintStreamLike out = out();
            for (ConsumerRecord<byte[], byte[]> r : selection.read()) {
                DeadLetter d = DeadLetter.of(r);
                out.line("%s/%d@%d dead-lettered at %s (original timestamp %s)", r.topic(), r.partition(), r.offset(),
                        Instant.ofEpochMilli(r.timestamp()), Instant.ofEpochMilli(d.originalTimestamp()));
                out.line("  from     %s/%s@%s", d.sourceTopic(), d.sourcePartition(), d.sourceOffset());
                out.line("  reason   %s  %s", d.reason(), d.exception());
                out.line("  message  %s", printable(d.message().getBytes(StandardCharsets.UTF_8), 2000));
                for (Header h : r.headers()) {
                    out.line("  header   %s=%s", h.key(), printable(h.value(), 200));
                }
                out.line("  key      %s", printable(r.key(), 200));
                out.line("  value    %s", printable(r.value(), 2000));
            }
            return 0;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Writes the selected dead letters back to their source topics (original key, value, headers, timestamp).")
    static final class ReplayCommand extends OnSelection {

        @Option(names = "--dry-run", description = "only say what would be replayed")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            List<ConsumerRecord<byte[], byte[]>> records = selection.read();
            PrintStreamLike out = out();
            if (dryRun) {
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    out.line("would replay %s/%d@%d to %s", r.topic(), r.partition(), r.offset(), DeadLetter.of(r).sourceTopic());
                }
                out.line("dry run: %d record(s) would be replayed", records.size());
                return 0;
            }
            Map<String, Object> props = selection.kafka();
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    DeadLetter d = DeadLetter.of(r);
                    RecordHeaders headers = new RecordHeaders();
                    for (Header h : r.headers()) {
                        if (!h.key().startsWith("forewarn.dlq.") && !h.key().startsWith("__streams.errors.")) {
                            headers.add(h);
                        }
                    }
                    headers.add(REPLAYED_FROM, (r.topic() + "/" + r.partition() + "@" + r.offset()).getBytes(StandardCharsets.UTF_8));
                    producer.send(new ProducerRecord<>(d.sourceTopic(), null, d.originalTimestamp(), r.key(), r.value(), headers)).get();
                    out.line("replayed %s/%d@%d to %s", r.topic(), r.partition(), r.offset(), d.sourceTopic());
                }
            }
            out.line("%d record(s) replayed", records.size());
            return 0;
        }
    }

    /** printf lines to picocli's writer. */
    private record PrintStreamLike(java.io.PrintWriter out) {
        void line(String format, Object... args) {
            out.printf(format + "%n", args);
            out.flush();
        }
    }
}
