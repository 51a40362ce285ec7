package dev.forewarn.scoring.intake;

import dev.forewarn.events.Complaint;
import dev.forewarn.events.CustomerReport;
import dev.forewarn.events.ProductReturn;
import dev.forewarn.scoring.model.Signal;
import dev.forewarn.serde.RegistryUnavailableException;
import dev.forewarn.topics.TopicCatalogue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Reads one signal topic's raw records: deserializes (Confluent wire format), validates what a
 * direct producer could get wrong, and turns each record into a {@link Signal} keyed by customer,
 * or into a DLQ record with headers saying why. A poison pill never stops the stream.
 */
public final class SignalIntake implements Processor<byte[], byte[], String, Intake> {

    public static final String HEADER_TOPIC = "forewarn.dlq.topic";
    public static final String HEADER_PARTITION = "forewarn.dlq.partition";
    public static final String HEADER_OFFSET = "forewarn.dlq.offset";
    public static final String HEADER_REASON = "forewarn.dlq.reason";
    public static final String HEADER_EXCEPTION = "forewarn.dlq.exception.class";
    public static final String HEADER_MESSAGE = "forewarn.dlq.exception.message";
    /** The dead-lettered record's own timestamp (epoch ms); the DLQ record's timestamp is when it was dead-lettered. */
    public static final String HEADER_ORIGINAL_TIMESTAMP = "forewarn.dlq.original.timestamp";

    private final Deserializer<? extends SpecificRecord> values;
    private final Consumer<String> rejectedCounter;
    private final java.util.function.LongConsumer pipelineLatency;
    private ProcessorContext<String, Intake> context;

    /**
     * @param values          the topic's Avro deserializer
     * @param rejectedCounter told the reason of every DLQ record (for metrics)
     */
    public SignalIntake(Deserializer<? extends SpecificRecord> values, Consumer<String> rejectedCounter) {
        this(values, rejectedCounter, millis -> { });
    }

    /** @param pipelineLatency told, for each signal ingest-service wrote, how long ago ingest took it (its {@code forewarn-ingested-at}) */
    public SignalIntake(Deserializer<? extends SpecificRecord> values, Consumer<String> rejectedCounter,
                        java.util.function.LongConsumer pipelineLatency) {
        this.pipelineLatency = pipelineLatency;
        this.values = values;
        this.rejectedCounter = rejectedCounter;
    }

    @Override
    public void init(ProcessorContext<String, Intake> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("unknown");
        SpecificRecord value;
        try {
            value = values.deserialize(topic, record.headers(), record.value());
        } catch (RegistryUnavailableException e) {
            throw e; // not a bad record: the thread waits and reads it again (StreamsSupervision)
        } catch (RuntimeException e) {
            reject(record, "deserialization", e.getClass().getName(), e.getMessage());
            return;
        }
        if (value == null) {
            reject(record, "validation", "null-value", "a signal topic does not take tombstones");
            return;
        }
        List<String> problems = new ArrayList<>();
        Signal signal = toSignal(value, problems);
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (signal != null && !signal.customerId().equals(key)) {
            problems.add("record key " + (key == null ? "null" : "'" + key + "'") + " is not the customerId; signals are keyed by customerId");
        }
        if (!problems.isEmpty()) {
            reject(record, "validation", "invalid-signal", String.join("; ", problems));
            return;
        }
        Header ingestedAt = record.headers().lastHeader(TopicCatalogue.INGESTED_AT_HEADER);
        if (ingestedAt != null) {
            try {
                pipelineLatency.accept(context.currentSystemTimeMs() - Long.parseLong(new String(ingestedAt.value(), StandardCharsets.UTF_8)));
            } catch (NumberFormatException e) {
                // a direct producer's header of the same name: not ingest's, not measured
            }
        }
        context.forward(record.withKey(signal.customerId()).withValue(new Intake.Accepted(signal))
                .withTimestamp(signal.occurredAt()));
    }

    /** The signal, or null with the problems found. */
    public static Signal toSignal(SpecificRecord value, List<String> problems) {
        if (value instanceof CustomerReport r) {
            check(problems, r.getEventId(), r.getCustomerId());
            printable(problems, "productId", r.getProductId());
            severity(problems, r.getSeverity());
            return problems.isEmpty() ? Signal.report(r.getEventId(), r.getCustomerId(), blankToNull(r.getProductId()),
                    r.getOccurredAt().toEpochMilli(), r.getKanoCategory(), r.getFeedbackType(), r.getSeverity()).withSource(r.getSource()) : null;
        }
        if (value instanceof Complaint c) {
            check(problems, c.getEventId(), c.getCustomerId());
            printable(problems, "productId", c.getProductId());
            printable(problems, "complaintId", c.getComplaintId());
            severity(problems, c.getSeverity());
            if (c.getComplaintId() == null || c.getComplaintId().isBlank()) {
                problems.add("complaintId is empty");
            }
            return problems.isEmpty() ? Signal.complaint(c.getEventId(), c.getCustomerId(), blankToNull(c.getProductId()),
                    c.getOccurredAt().toEpochMilli(), c.getKanoCategory(), c.getComplaintId(), c.getStatus(), c.getSeverity(),
                    c.getSlaDueAt() == null ? null : c.getSlaDueAt().toEpochMilli()).withSource(c.getSource()) : null;
        }
        if (value instanceof ProductReturn r) {
            check(problems, r.getEventId(), r.getCustomerId());
            printable(problems, "productId", r.getProductId());
            if (r.getProductId() == null || r.getProductId().isBlank()) {
                problems.add("productId is required for a return");
            }
            if (r.getQuantity() < 1) {
                problems.add("quantity " + r.getQuantity() + " is below 1");
            }
            return problems.isEmpty() ? Signal.productReturn(r.getEventId(), r.getCustomerId(), r.getProductId(),
                    r.getOccurredAt().toEpochMilli(), r.getKanoCategory(), r.getReason()).withSource(r.getSource()) : null;
        }
        problems.add("unexpected record type " + value.getClass().getName());
        return null;
    }

    private static void check(List<String> problems, String eventId, String customerId) {
        if (eventId == null || eventId.isBlank()) {
            problems.add("eventId is empty");
        }
        if (customerId == null || customerId.isBlank()) {
            problems.add("customerId is empty");
        }
        printable(problems, "eventId", eventId);
        printable(problems, "customerId", customerId);
    }

    /** Ids go into keys, logs and messages: no control character, tab or line break (ingest refuses them the same way). */
    private static void printable(List<String> problems, String name, String id) {
        if (id != null && !dev.forewarn.service.Ids.isPrintable(id)) {
            problems.add(name + " contains control characters, tabs or line breaks");
        }
    }

    private static void severity(List<String> problems, int severity) {
        if (severity < 1 || severity > 5) {
            problems.add("severity " + severity + " is outside 1..5");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private void reject(Record<byte[], byte[]> record, String reason, String exception, String message) {
        rejectedCounter.accept(reason);
        Headers headers = record.headers();
        context.recordMetadata().ifPresent(meta -> {
            headers.add(HEADER_TOPIC, utf8(meta.topic()));
            headers.add(HEADER_PARTITION, utf8(Integer.toString(meta.partition())));
            headers.add(HEADER_OFFSET, utf8(Long.toString(meta.offset())));
        });
        headers.add(HEADER_REASON, utf8(reason));
        headers.add(HEADER_EXCEPTION, utf8(exception));
        headers.add(HEADER_MESSAGE, utf8(message == null ? "" : message));
        headers.add(HEADER_ORIGINAL_TIMESTAMP, utf8(Long.toString(record.timestamp())));
        // Stamped with the time it was dead-lettered: a back-dated signal would otherwise expire from the DLQ at once.
        context.forward(new Record<String, Intake>(null, new Intake.Rejected(record.key(), record.value()),
                context.currentSystemTimeMs(), headers));
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
