package dev.forewarn.desk;

import dev.forewarn.events.Complaint;
import dev.forewarn.events.CustomerReport;
import dev.forewarn.events.NotificationRecord;
import dev.forewarn.events.ProductReturn;
import dev.forewarn.serde.RegistryUnavailableException;
import dev.forewarn.topics.TopicCatalogue;
import dev.forewarn.topics.TopicSerdes;
import dev.forewarn.topics.TopicSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evidence behind scores, read from the signal topics, and the delivery audit: per customer and per product the newest signals (a
 * complaint's status changes folded into one entry that keeps what the customer wrote), the customers each product
 * affects, the severe complaints that count as escalations, and each alert's newest delivery outcomes. Bounded (entries per entity, entities kept, least
 * recently used forgotten first); rebuilt from the topics at each start, with no consumer group.
 */
public final class EvidenceIndex implements AutoCloseable {

    /** Text from a customer is shown in excerpts of at most this many characters (code points). */
    public static final int EXCERPT = 280;

    /**
     * One signal as the desk shows it. {@code text} is what the customer wrote (bounded); {@code status} and
     * {@code slaDueAt} are a complaint's latest.
     */
    public record Signal(String eventId, String kind, String detail, String customerId, String productId, Instant occurredAt,
                         Integer severity, String category, String complaintId, String status, Instant slaDueAt, String orderId,
                         String text) {

        /** A complaint still open past its SLA at {@code now}. */
        public boolean breached(Instant now) {
            return slaDueAt != null && status != null && !status.equals("RESOLVED") && now.isAfter(slaDueAt);
        }
    }

    /** One delivery outcome of a notification, from the audit ({@code alerts.notifications}; destinations are redacted there). */
    public record Delivery(String notificationId, String kind, String channel, String destination, String outcome, int attempt,
                           Integer httpStatus, String error, Instant at) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(EvidenceIndex.class);
    private static final int DELIVERIES_PER_ALERT = 30;
    private static final int MAX_CUSTOMERS_PER_PRODUCT = 500;
    private static final int MAX_ESCALATIONS = 100_000;

    private final int perEntity;
    private final Map<String, Deque<Signal>> byCustomer;
    private final Map<String, Deque<Signal>> byProduct;
    private final Map<String, Map<String, Integer>> customersOfProduct;
    private final Map<String, Signal> escalations = new LinkedHashMap<>();
    private final Map<String, Deque<Delivery>> deliveries;
    private final EscalationRule escalation;
    private final AtomicBoolean caughtUp = new AtomicBoolean();
    private final AtomicBoolean failed = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong unreadable = new java.util.concurrent.atomic.AtomicLong();
    private volatile Consumer<byte[], byte[]> consumer;
    private Thread thread;

    public EvidenceIndex(int perEntity, int maxEntities, EscalationRule escalation) {
        this.perEntity = perEntity;
        this.escalation = escalation;
        this.byCustomer = lru(maxEntities);
        this.byProduct = lru(maxEntities);
        this.customersOfProduct = lru(maxEntities);
        this.deliveries = lru(maxEntities);
    }

    private static <V> Map<String, V> lru(int max) {
        return new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > max;
            }
        };
    }

    /** Reads the three signal topics and the delivery audit from their beginning on a thread of its own until {@link #close}. */
    public void start(Consumer<byte[], byte[]> kafka, TopicSerdes serdes) {
        this.consumer = kafka;
        Map<String, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>>> readers = Map.of(
                TopicCatalogue.REPORTS.name(), reader(TopicCatalogue.REPORTS, serdes, r -> add(report(r))),
                TopicCatalogue.COMPLAINTS.name(), reader(TopicCatalogue.COMPLAINTS, serdes, c -> add(complaint(c))),
                TopicCatalogue.RETURNS.name(), reader(TopicCatalogue.RETURNS, serdes, r -> add(productReturn(r))),
                TopicCatalogue.NOTIFICATIONS.name(), reader(TopicCatalogue.NOTIFICATIONS, serdes, this::addDelivery));
        thread = new Thread(() -> run(kafka, readers), "desk-evidence");
        thread.setDaemon(true);
        thread.start();
    }

    private <V extends SpecificRecord> java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> reader(
            TopicSpec<String, V> topic, TopicSerdes serdes, java.util.function.Consumer<V> use) {
        Deserializer<V> values = serdes.value(topic).deserializer();
        return record -> use.accept(values.deserialize(record.topic(), record.headers(), record.value()));
    }

    private void run(Consumer<byte[], byte[]> kafka, Map<String, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>>> readers) {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : readers.keySet()) {
                kafka.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            kafka.assign(partitions);
            kafka.seekToBeginning(partitions);
            Map<TopicPartition, Long> startEnds = kafka.endOffsets(partitions);
            while (!Thread.currentThread().isInterrupted()) {
                readBatch(kafka, readers, kafka.poll(Duration.ofMillis(500)));
                if (!caughtUp.get() && startEnds.entrySet().stream().allMatch(e -> kafka.position(e.getKey()) >= e.getValue())) {
                    caughtUp.set(true);
                    LOG.info("evidence index caught up with the signal topics");
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            failed.set(true);
            LOG.error("evidence index stopped: entity pages show no evidence until the desk restarts", e);
        } finally {
            kafka.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Indexes one batch, partition by partition. While the registry is unavailable (not bad data), every partition of the
     * batch is put back where it stopped and read again a second later: the rest of the batch is not lost to the index.
     * A record that cannot be read at all is counted and logged (scoring dead-letters it).
     */
    private void readBatch(Consumer<byte[], byte[]> kafka, Map<String, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>>> readers,
                           ConsumerRecords<byte[], byte[]> batch) throws InterruptedException {
        Map<TopicPartition, Long> next = new HashMap<>();
        batch.partitions().forEach(p -> next.put(p, batch.records(p).get(0).offset()));
        for (TopicPartition partition : batch.partitions()) {
            for (ConsumerRecord<byte[], byte[]> record : batch.records(partition)) {
                try {
                    if (record.value() != null) {
                        readers.get(record.topic()).accept(record);
                    }
                } catch (RegistryUnavailableException e) {
                    LOG.warn("schema registry unavailable; evidence waits ({})", e.getMessage());
                    next.forEach(kafka::seek);
                    Thread.sleep(1000);
                    return;
                } catch (SerializationException e) {
                    unreadable.incrementAndGet();
                    LOG.warn("skipped an unreadable record {}-{}@{} (scoring dead-letters it): {}", record.topic(), record.partition(),
                            record.offset(), e.getMessage());
                }
                next.put(partition, record.offset() + 1);
            }
        }
    }

    /** Records of the topics that could not be read (not Avro of a known schema). */
    public long unreadable() {
        return unreadable.get();
    }

    /** True once the signals that were on the topics at start have been read. */
    public boolean caughtUp() {
        return caughtUp.get();
    }

    /** True while the reading thread runs (or has not been started: tests feed {@link #add} directly). */
    public boolean healthy() {
        return !failed.get();
    }

    /** Adds one signal; a complaint's later status change replaces its earlier entry and keeps its text. */
    public synchronized void add(Signal signal) {
        Signal merged = signal;
        Deque<Signal> customer = byCustomer.computeIfAbsent(signal.customerId(), k -> new ArrayDeque<>());
        if (signal.complaintId() != null) {
            Optional<Signal> earlier = customer.stream().filter(s -> signal.complaintId().equals(s.complaintId())).findFirst();
            if (earlier.isPresent()) {
                merged = fold(earlier.get(), signal);
                customer.remove(earlier.get());
                if (signal.productId() != null) {
                    Deque<Signal> product = byProduct.get(signal.productId());
                    if (product != null) {
                        product.removeIf(s -> signal.complaintId().equals(s.complaintId()) && signal.customerId().equals(s.customerId()));
                    }
                }
            }
        }
        push(customer, merged);
        if (signal.productId() != null) {
            push(byProduct.computeIfAbsent(signal.productId(), k -> new ArrayDeque<>()), merged);
            Map<String, Integer> customers = customersOfProduct.computeIfAbsent(signal.productId(), k -> new HashMap<>());
            if (customers.size() < MAX_CUSTOMERS_PER_PRODUCT || customers.containsKey(signal.customerId())) {
                customers.merge(signal.customerId(), 1, Integer::sum);
            }
        }
        if ("COMPLAINT".equals(signal.kind()) && escalation.matches(signal.severity(), signal.category()) && signal.complaintId() != null) {
            // One escalation per complaint, when it was first seen this severe.
            escalations.putIfAbsent(signal.customerId() + "/" + signal.complaintId(), merged);
            if (escalations.size() > MAX_ESCALATIONS) {
                escalations.remove(escalations.keySet().iterator().next());
            }
        }
    }

    private void push(Deque<Signal> signals, Signal signal) {
        signals.addFirst(signal);
        // Newest first by event time (signals may arrive out of order); bounded.
        if (signals.size() > 1 && signals.stream().skip(1).findFirst().map(s -> s.occurredAt().isAfter(signal.occurredAt())).orElse(false)) {
            List<Signal> sorted = new ArrayList<>(signals);
            sorted.sort(Comparator.comparing(Signal::occurredAt).reversed());
            signals.clear();
            signals.addAll(sorted);
        }
        while (signals.size() > perEntity) {
            signals.removeLast();
        }
    }

    private static Signal fold(Signal earlier, Signal later) {
        boolean newer = !later.occurredAt().isBefore(earlier.occurredAt());
        Signal base = newer ? later : earlier;
        Signal other = newer ? earlier : later;
        // The entry keeps the first event's id (the opening, which the score's reasons name) and the latest status.
        return new Signal(other.eventId(), base.kind(), base.detail(), base.customerId(),
                base.productId() != null ? base.productId() : other.productId(), base.occurredAt(),
                Math.max(orZero(base.severity()), orZero(other.severity())), base.category() != null ? base.category() : other.category(),
                base.complaintId(), base.status(), base.slaDueAt() != null ? base.slaDueAt() : other.slaDueAt(), base.orderId(),
                base.text() != null ? base.text() : other.text());
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }

    /** Adds a delivery outcome from the audit; a notification's later attempts stay beside its earlier ones. */
    public synchronized void addDelivery(NotificationRecord r) {
        Deque<Delivery> list = deliveries.computeIfAbsent(r.getAlertId(), k -> new ArrayDeque<>());
        list.addFirst(new Delivery(r.getNotificationId(), r.getKind().name(), r.getChannel().name(), r.getDestination(),
                r.getOutcome().name(), r.getAttempt(), r.getHttpStatus(), excerpt(r.getError()), r.getAttemptedAt()));
        while (list.size() > DELIVERIES_PER_ALERT) {
            list.removeLast();
        }
    }

    /** The newest delivery outcomes of alert {@code alertId}, newest first. */
    public synchronized List<Delivery> deliveries(String alertId) {
        Deque<Delivery> list = deliveries.get(alertId);
        return list == null ? List.of() : List.copyOf(list);
    }

    public synchronized List<Signal> ofCustomer(String id) {
        Deque<Signal> signals = byCustomer.get(id);
        return signals == null ? List.of() : List.copyOf(signals);
    }

    public synchronized List<Signal> ofProduct(String id) {
        Deque<Signal> signals = byProduct.get(id);
        return signals == null ? List.of() : List.copyOf(signals);
    }

    /** The customers with signals on product {@code id}, most signals first. */
    public synchronized List<Map.Entry<String, Integer>> customersOf(String id) {
        Map<String, Integer> customers = customersOfProduct.get(id);
        if (customers == null) {
            return List.of();
        }
        return customers.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
                .thenComparing(Map.Entry.comparingByKey())).map(e -> Map.entry(e.getKey(), e.getValue())).toList();
    }

    /** Complaints at or above the escalation severity that occurred in [{@code from}, {@code to}). */
    public synchronized List<Signal> escalations(Instant from, Instant to) {
        return escalations.values().stream().filter(s -> !s.occurredAt().isBefore(from) && s.occurredAt().isBefore(to)).toList();
    }

    public EscalationRule escalation() {
        return escalation;
    }

    static String excerpt(CharSequence text) {
        if (text == null) {
            return null;
        }
        String value = text.toString().strip();
        if (value.codePointCount(0, value.length()) <= EXCERPT) {
            return value;
        }
        return value.substring(0, value.offsetByCodePoints(0, EXCERPT - 1)) + "…";
    }

    static Signal report(CustomerReport r) {
        return new Signal(r.getEventId(), "REPORT", r.getFeedbackType().name(), r.getCustomerId(), r.getProductId(), r.getOccurredAt(),
                r.getSeverity(), r.getKanoCategory() == null ? null : r.getKanoCategory().name(), null, null, null, null,
                excerpt(r.getText()));
    }

    static Signal complaint(Complaint c) {
        return new Signal(c.getEventId(), "COMPLAINT", c.getStatus().name(), c.getCustomerId(), c.getProductId(), c.getOccurredAt(),
                c.getSeverity(), c.getCategory(), c.getComplaintId(), c.getStatus().name(), c.getSlaDueAt(), null,
                excerpt(c.getDescription()));
    }

    static Signal productReturn(ProductReturn r) {
        return new Signal(r.getEventId(), "RETURN", r.getReason().name() + " ×" + r.getQuantity(), r.getCustomerId(), r.getProductId(),
                r.getOccurredAt(), null, r.getKanoCategory() == null ? null : r.getKanoCategory().name(), null, null, null,
                r.getOrderId(), excerpt(r.getComment()));
    }

    @Override
    public void close() throws InterruptedException {
        Consumer<byte[], byte[]> kafka = consumer;
        if (kafka != null) {
            kafka.wakeup();
        }
        if (thread != null) {
            thread.join(10_000);
        }
    }
}
