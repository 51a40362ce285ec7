package dev.forewarn.alerting.delivery;

import dev.forewarn.alerting.audit.AuditRecords;
import dev.forewarn.alerting.lifecycle.AlertLifecycle;
import dev.forewarn.alerting.metrics.AlertingMetrics;
import dev.forewarn.events.Alert;
import dev.forewarn.events.AlertNotification;
import dev.forewarn.events.DeliveryOutcome;
import dev.forewarn.events.NotificationChannel;
import dev.forewarn.events.NotificationDestination;
import dev.forewarn.events.NotificationKind;
import dev.forewarn.events.NotificationRecord;
import dev.forewarn.serde.RegistryUnavailableException;
import dev.forewarn.topics.TopicCatalogue;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the notifications of {@code alerts.outbox} at least once. Each notification goes to each
 * of its destinations concurrently (but after the same alert's previous notification to that
 * destination, so a receiver gets one alert's notifications in order), with retries and a token
 * bucket per destination host; every attempt's outcome is written to {@code alerts.notifications}.
 * An outbox offset is committed only when every notification at or below it has finished
 * (delivered, handed to the retry topic, or failed for good) and its audit records are
 * acknowledged, so a crash re-sends unfinished notifications with the same {@code webhook-id}.
 *
 * <p>Retries: {@code maxAttempts} quick attempts in memory (exponential backoff, full jitter);
 * then, while the destination keeps failing transiently, the notification waits in
 * {@code alerts.retry} (keyed and partitioned like the outbox, read by the same consumer), each
 * record carrying its attempt number, first attempt and due time, backing off up to
 * {@code maxBackoff} or the receiver's {@code Retry-After}, for {@code retryHorizon} (24 h) from its
 * first attempt. So a receiver outage never blocks other destinations or the outbox, and a restart
 * resumes the schedule. A destination that is waited for keeps its order: a later notification for
 * it queues behind in the retry topic (on a new assignment the outbox partition is paused until its
 * retry partition has been read, so the queue is known before new notifications arrive).
 *
 * <p>Undeliverable (a refused address, a 4xx other than 408/429, or the horizon passed): never
 * silent. The attempt is audited FAILED with "undeliverable: reason" (the lifecycle then lists the
 * destination on the alert), {@code forewarn_alerting_undeliverable_total} counts it, and the
 * notification goes to the default route with a {@code deliveryNote} saying what failed.
 *
 * <p>A notification of an alert that was acknowledged after the notification was decided is not
 * sent (audited as SILENCED, "acknowledged before delivery"): an acknowledged alert is never re-sent,
 * even when a restart re-delivers older outbox records.
 *
 * <p>Supervision: a channel that throws (or whose future fails) is an attempt that failed, retried
 * like an HTTP 503 and counted in {@code forewarn_alerting_channel_errors_total}. Any other
 * unexpected error (the poll loop, the audit producer, the retry scheduler) is fatal: it is
 * logged, counted in {@code forewarn_thread_failures_total{thread}}, readiness turns false and
 * {@code onFatal} runs (the service exits with status 1 so it is restarted; what was not committed
 * is re-sent). Nothing stops delivering while the service looks healthy.
 */
public final class NotificationDispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationDispatcher.class);

    /** Header of a retry record: the attempt it is for (the first is 1). */
    static final String HEADER_ATTEMPT = "forewarn.retry.attempt";
    /** Header of a retry record: epoch ms of the notification's first attempt to this destination. */
    static final String HEADER_FIRST = "forewarn.retry.first";
    /** Header of a retry record: epoch ms at which to attempt it. */
    static final String HEADER_DUE = "forewarn.retry.due";
    /** Header of a retry record: its place in its destination's queue (per alert and destination, increasing). */
    static final String HEADER_TICKET = "forewarn.retry.ticket";

    private final Consumer<String, AlertNotification> consumer;
    private final Producer<String, NotificationRecord> audit;
    private final Producer<String, AlertNotification> retries;
    private final dev.forewarn.alerting.route.DefaultRoute defaultRoute;
    /** Per lane (alert and destination): the notifications waiting in the retry topic, in the order they must go. */
    private final Map<String, Queue> queues = new ConcurrentHashMap<>();

    /**
     * A lane's queue in the retry topic: tickets in decision order. Only the first may be attempted;
     * the others wait behind it (re-parked after its due time when they come due first).
     */
    private static final class Queue {
        final java.util.TreeSet<Long> waiting = new java.util.TreeSet<>();
        long headDue;
        long lastTicket;
        /** Tickets up to here are finished (a duplicate record of one is skipped). */
        long done;
    }
    /** Outbox partitions paused until their retry partition has been read to this offset. */
    private final Map<TopicPartition, Long> catchingUp = new ConcurrentHashMap<>();
    private final Map<NotificationChannel, Channel> channels;
    private final Function<String, Optional<Alert>> alerts;
    private final java.util.function.BooleanSupplier viewsReady;
    private final DeliveryConfig config;
    private final AlertingMetrics metrics;
    private final Clock clock;
    private final OffsetTracker offsets = new OffsetTracker();
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    /** Per alert and destination, the delivery the next one waits for. */
    private final Map<String, CompletableFuture<Void>> lanes = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "alerting-retries");
        t.setDaemon(true);
        return t;
    });
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable fatal;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private int registryWaits;
    private final java.util.function.Consumer<Throwable> onFatal;
    /** Channel calls under way (not counting retries waiting for their backoff). */
    private final java.util.concurrent.atomic.AtomicInteger sending = new java.util.concurrent.atomic.AtomicInteger();

    public NotificationDispatcher(Consumer<String, AlertNotification> consumer, Producer<String, NotificationRecord> audit,
                                  Producer<String, AlertNotification> retries, dev.forewarn.alerting.route.DefaultRoute defaultRoute,
                                  Map<NotificationChannel, Channel> channels, Function<String, Optional<Alert>> alerts,
                                  java.util.function.BooleanSupplier viewsReady, DeliveryConfig config,
                                  AlertingMetrics metrics, Clock clock, java.util.function.Consumer<Throwable> onFatal) {
        this.onFatal = onFatal;
        this.retries = retries;
        this.defaultRoute = defaultRoute;
        this.viewsReady = viewsReady;
        this.consumer = consumer;
        this.audit = audit;
        this.channels = Map.copyOf(channels);
        this.alerts = alerts;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
        this.thread = new Thread(this::run, "alerting-dispatcher");
    }

    public void start() {
        thread.start();
    }

    /** Alive and no fatal error: what readiness reports. */
    public boolean isRunning() {
        return thread.isAlive() && fatal == null;
    }

    /** An unexpected error: loud (log, metric, readiness) and the process is told (see the class comment). */
    private void fatal(String where, Throwable error) {
        if (fatal != null) {
            return;
        }
        fatal = error;
        running = false;
        metrics.threadFailed(where);
        LOG.error("{} failed unexpectedly; delivery stops, readiness is false and the service exits to be restarted"
                + " (unfinished notifications are re-sent then)", where, error);
        consumer.wakeup();
        onFatal.accept(error);
    }


    private void run() {
        try {
            loop();
        } catch (WakeupException e) {
            if (running) {
                fatal("alerting-dispatcher", e);
            }
        } catch (Throwable e) {
            fatal("alerting-dispatcher", e);
        }
    }

    private void loop() {
        // The acknowledgement check reads the alerts view: deliver nothing before it is loaded.
        while (running && !viewsReady.getAsBoolean()) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        consumer.subscribe(List.of(TopicCatalogue.OUTBOX.name(), TopicCatalogue.RETRY.name()), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                commit();
                offsets.revoked(partitions);
                partitions.forEach(catchingUp::remove);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                // Read what waits in the retry topic before new notifications, so they queue behind it.
                List<TopicPartition> retry = partitions.stream().filter(p -> p.topic().equals(TopicCatalogue.RETRY.name())).toList();
                if (!retry.isEmpty()) {
                    consumer.endOffsets(retry).forEach((tp, end) -> {
                        if (end > consumer.position(tp)) {
                            catchingUp.put(tp, end);
                        }
                    });
                }
            }
        });
        long lastCommit = System.nanoTime();
        while (running) {
            ConsumerRecords<String, AlertNotification> records;
            try {
                records = consumer.poll(Duration.ofMillis(200));
                registryWaits = 0;
            } catch (RecordDeserializationException e) {
                unreadable(e);
                continue;
            }
            for (ConsumerRecord<String, AlertNotification> record : records) {
                TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                offsets.started(partition, record.offset());
                CompletableFuture<Void> done = record.topic().equals(TopicCatalogue.RETRY.name()) ? fromRetryTopic(record)
                        : deliver(record.value());
                done.whenComplete((ok, error) -> {
                    if (error != null) {
                        fatal("delivery of " + partition + "@" + record.offset(), error);
                    } else {
                        offsets.finished(partition, record.offset());
                    }
                });
            }
            pauseWhatMustWait();
            if (System.nanoTime() - lastCommit > 1_000_000_000L) {
                commit();
                lastCommit = System.nanoTime();
            }
        }
    }

    /**
     * Outbox partitions wait while too many notifications are being delivered, and while their
     * retry partition is being read after an assignment; retry partitions are never paused.
     */
    private void pauseWhatMustWait() {
        catchingUp.entrySet().removeIf(e -> !consumer.assignment().contains(e.getKey()) || consumer.position(e.getKey()) >= e.getValue());
        // Only notifications being delivered count: those waiting in the retry topic for their due time must not stop the outbox.
        boolean full = offsets.inFlight(TopicCatalogue.OUTBOX.name()) >= config.maxInFlight();
        List<TopicPartition> pause = new java.util.ArrayList<>();
        List<TopicPartition> resume = new java.util.ArrayList<>();
        for (TopicPartition tp : consumer.assignment()) {
            boolean waits = tp.topic().equals(TopicCatalogue.OUTBOX.name())
                    && (full || catchingUp.containsKey(new TopicPartition(TopicCatalogue.RETRY.name(), tp.partition())));
            (waits ? pause : resume).add(tp);
        }
        consumer.pause(pause);
        consumer.resume(resume.stream().filter(consumer.paused()::contains).toList());
    }

    /** A notification waiting in the retry topic: attempted at its due time, behind what waits for the same destination. */
    private CompletableFuture<Void> fromRetryTopic(ConsumerRecord<String, AlertNotification> record) {
        AlertNotification n = record.value();
        if (n == null || n.getDestinations().isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        NotificationDestination d = n.getDestinations().get(0);
        int attempt = (int) header(record, HEADER_ATTEMPT, 2);
        Instant first = Instant.ofEpochMilli(header(record, HEADER_FIRST, record.timestamp()));
        long due = header(record, HEADER_DUE, record.timestamp());
        long ticket = header(record, HEADER_TICKET, 1);
        Queue queue = queues.computeIfAbsent(lane(n, d), l -> new Queue());
        synchronized (queue) {
            if (ticket <= queue.done) {
                return CompletableFuture.completedFuture(null); // a copy of one already finished
            }
            queue.waiting.add(ticket);
            queue.lastTicket = Math.max(queue.lastTicket, ticket);
            if (queue.waiting.first() == ticket) {
                queue.headDue = due;
            }
        }
        Duration wait = Duration.ofMillis(Math.max(0, due - clock.millis()));
        return later(wait, () -> inOrder(n, d, new Try(attempt, first, ticket)));
    }

    private static long header(ConsumerRecord<?, ?> record, String name, long fallback) {
        org.apache.kafka.common.header.Header header = record.headers().lastHeader(name);
        try {
            return header == null ? fallback : Long.parseLong(new String(header.value(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /**
     * An outbox record that cannot be read. The registry being unavailable is not the record's
     * fault: wait (1 s doubling to 30 s, within {@code max.poll.interval.ms}) and read it again,
     * readiness being false meanwhile (the registry client says so). Anything else is a corrupt
     * record in a topic only this service writes: it is skipped loudly (error log naming its
     * offset, {@code forewarn_alerting_outbox_unreadable_total}); the record stays in the topic.
     */
    private void unreadable(RecordDeserializationException e) {
        if (RegistryUnavailableException.isCauseOf(e)) {
            long waitMillis = Math.min(30_000L, 1_000L << Math.min(registryWaits++, 5));
            LOG.warn("cannot read {}@{}: the schema registry is unavailable; reading it again in {} ms", e.topicPartition(),
                    e.offset(), waitMillis);
            long until = System.nanoTime() + waitMillis * 1_000_000;
            while (running && System.nanoTime() < until) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            return;
        }
        metrics.outboxUnreadable();
        LOG.error("skipping unreadable outbox record {}@{} (it stays in the topic): {}", e.topicPartition(), e.offset(), e.getMessage(), e);
        consumer.seek(e.topicPartition(), e.offset() + 1);
    }

    private void commit() {
        Map<TopicPartition, OffsetAndMetadata> committable = offsets.committable();
        committable.keySet().retainAll(consumer.assignment());
        if (committable.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(committable);
            offsets.committed(committable);
        } catch (RuntimeException e) {
            LOG.warn("outbox offset commit failed; the notifications since the last commit may be re-sent: {}", e.toString());
        }
    }

    private CompletableFuture<Void> deliver(AlertNotification notification) {
        if (notification == null) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<Void>> all = new ArrayList<>();
        Instant now = clock.instant();
        for (NotificationDestination destination : notification.getDestinations()) {
            all.add(inOrder(notification, destination, new Try(1, now, 0)));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    /**
     * Delivers {@code n} to {@code d} once the alert's previous notification to the same destination
     * has finished (delivered or failed for good, retries included): one alert's notifications reach
     * a destination in the order they were decided, while other alerts and destinations go on
     * concurrently. The outbox is keyed by alert id, so poll order is decision order.
     */
    private CompletableFuture<Void> inOrder(AlertNotification n, NotificationDestination d, Try start) {
        String lane = lane(n, d);
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> before = lanes.put(lane, mine);
        CompletableFuture<Void> turn = before == null ? CompletableFuture.completedFuture(null) : before.handle((ok, error) -> null);
        turn.thenCompose(ignored -> attempt(n, d, start)).whenComplete((ok, error) -> {
            lanes.remove(lane, mine);
            if (error != null) {
                mine.completeExceptionally(error);
            } else {
                mine.complete(null);
            }
        });
        return mine;
    }

    private static String lane(AlertNotification n, NotificationDestination d) {
        return n.getAlertId() + '\n' + d.getChannel() + '\n' + d.getAddress();
    }

    /**
     * Where a delivery to one destination stands: this attempt's number, the first attempt's time,
     * and its ticket in the destination's retry queue (0: it came from the outbox, not the queue).
     */
    private record Try(int attempt, Instant first, long ticket) {

        boolean fromRetryTopic() {
            return ticket > 0;
        }

        Try next() {
            return new Try(attempt + 1, first, ticket);
        }
    }

    private CompletableFuture<Void> attempt(AlertNotification n, NotificationDestination d, Try t) {
        int attempt = t.attempt();
        Optional<Alert> alert;
        try {
            alert = alerts.apply(n.getAlertId());
        } catch (RuntimeException e) {
            // The alerts view is not queryable (a rebalance moves its store): ask again in a second.
            LOG.debug("alerts view unavailable for {}; retrying in 1 s: {}", n.getAlertId(), e.toString());
            return later(Duration.ofSeconds(1), () -> attempt(n, d, t));
        }
        Queue queue = queues.get(lane(n, d));
        if (queue != null) {
            synchronized (queue) {
                if (t.fromRetryTopic() && t.ticket() <= queue.done) {
                    return CompletableFuture.completedFuture(null);
                }
                if (!queue.waiting.isEmpty() && (!t.fromRetryTopic() || queue.waiting.first() != t.ticket())) {
                    // An earlier notification for this destination waits in the retry topic: queue behind it.
                    long due = Math.max(queue.headDue, clock.millis()) + 1;
                    return park(n, d, t, due, "queued behind an earlier notification waiting for this destination");
                }
            }
        }
        if (n.getKind() != NotificationKind.RESOLVED && alert.isPresent() && alert.get().getAcknowledgedAt() != null
                && alert.get().getAcknowledgedAt().isAfter(n.getCreatedAt())) {
            finished(n, d, t);
            return record(n, d, DeliveryOutcome.SILENCED, attempt, null, "acknowledged before delivery");
        }
        Channel channel = channels.get(d.getChannel());
        if (channel == null) {
            finished(n, d, t);
            return record(n, d, DeliveryOutcome.FAILED, attempt, null, d.getChannel() + " is not configured");
        }
        ConsumptionProbe probe = bucket(d).tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            return later(Duration.ofNanos(probe.getNanosToWaitForRefill()), () -> attempt(n, d, t));
        }
        long start = System.nanoTime();
        sending.incrementAndGet();
        return send(channel, n, d).whenComplete((result, error) -> sending.decrementAndGet()).thenCompose(result -> {
            metrics.attempt(d.getChannel(), Duration.ofNanos(System.nanoTime() - start));
            switch (result.result()) {
                case DELIVERED -> {
                    if (n.getSignalOccurredAt() != null) {
                        metrics.endToEnd(n.getKind(), Duration.between(n.getSignalOccurredAt(), clock.instant()));
                    }
                    finished(n, d, t);
                    return record(n, d, DeliveryOutcome.DELIVERED, attempt, result.httpStatus(), null);
                }
                case RETRY -> {
                    metrics.retry(d.getChannel());
                    Duration retried = Duration.between(t.first(), clock.instant());
                    if (retried.compareTo(config.retryHorizon()) >= 0) {
                        finished(n, d, t);
                        return undeliverable(n, d, attempt, result.httpStatus(), result.error() + " (still failing after "
                                + attempt + " attempts over " + retried.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ")");
                    }
                    Duration wait = backoff(attempt);
                    if (result.retryAfter() != null && result.retryAfter().compareTo(wait) > 0) {
                        wait = result.retryAfter().compareTo(config.retryHorizon()) > 0 ? config.retryHorizon() : result.retryAfter();
                    }
                    // Quick attempts in memory first, unless the receiver said how long to wait.
                    if (!t.fromRetryTopic() && attempt < config.maxAttempts() && result.retryAfter() == null) {
                        Duration inMemory = wait;
                        return record(n, d, DeliveryOutcome.RETRYING, attempt, result.httpStatus(), result.error())
                                .thenCompose(ignored -> later(inMemory, () -> attempt(n, d, t.next())));
                    }
                    // The destination is down for a while: wait in the retry topic, not in the outbox partition's way.
                    long due = clock.millis() + Math.max(wait.toMillis(), config.backoff().toMillis());
                    String error = result.error();
                    return record(n, d, DeliveryOutcome.RETRYING, attempt, result.httpStatus(),
                            error + "; next attempt at " + Instant.ofEpochMilli(due))
                            .thenCompose(ignored -> park(n, d, t.next(), due, error));
                }
                default -> {
                    finished(n, d, t);
                    return undeliverable(n, d, attempt, result.httpStatus(), result.error());
                }
            }
        });
    }

    /** The channel's answer; a channel that throws, or whose future fails, answers "retry" with the error. */
    private CompletableFuture<Channel.Attempt> send(Channel channel, AlertNotification n, NotificationDestination d) {
        CompletableFuture<Channel.Attempt> sent;
        try {
            sent = channel.send(n, d);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.handle((result, error) -> {
            if (error == null && result != null) {
                return result;
            }
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
            metrics.channelError(d.getChannel());
            LOG.error("{} channel failed on notification {} of {}; retrying", d.getChannel(), n.getNotificationId(), n.getAlertId(), cause);
            return Channel.Attempt.retry(null, d.getChannel() + " channel error: " + (cause == null ? "no result" : cause));
        });
    }

    /** A delivery from the retry queue finished (delivered, or given up): the next one in its queue may go. */
    private void finished(AlertNotification n, NotificationDestination d, Try t) {
        if (!t.fromRetryTopic()) {
            return;
        }
        String lane = lane(n, d);
        Queue queue = queues.get(lane);
        if (queue != null) {
            synchronized (queue) {
                queue.waiting.remove(t.ticket());
                queue.done = Math.max(queue.done, t.ticket());
            }
            // Finished queues are kept for their watermark (copies of a finished record must be skipped), pruned when many.
            if (queues.size() > 10_000) {
                queues.values().removeIf(q -> {
                    synchronized (q) {
                        return q.waiting.isEmpty();
                    }
                });
            }
        }
    }

    /**
     * Hands the delivery to the retry topic, due at {@code due}, keeping its ticket (a new one, last
     * in the destination's queue, when it comes from the outbox); completes when Kafka has it.
     */
    private CompletableFuture<Void> park(AlertNotification n, NotificationDestination d, Try t, long due, String why) {
        Queue queue = queues.computeIfAbsent(lane(n, d), l -> new Queue());
        long ticket;
        synchronized (queue) {
            ticket = t.fromRetryTopic() ? t.ticket() : ++queue.lastTicket;
            queue.waiting.add(ticket);
            if (queue.waiting.first() == ticket) {
                queue.headDue = due;
            }
        }
        AlertNotification one = AlertNotification.newBuilder(n).setDestinations(List.of(d)).build();
        ProducerRecord<String, AlertNotification> record = new ProducerRecord<>(TopicCatalogue.RETRY.name(), null, clock.millis(),
                n.getAlertId(), one);
        record.headers().add(HEADER_ATTEMPT, Integer.toString(t.attempt()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        record.headers().add(HEADER_FIRST, Long.toString(t.first().toEpochMilli()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        record.headers().add(HEADER_DUE, Long.toString(due).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        record.headers().add(HEADER_TICKET, Long.toString(ticket).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        CompletableFuture<Void> written = new CompletableFuture<>();
        retries.send(record, (metadata, exception) -> {
            if (exception != null) {
                written.completeExceptionally(exception);
            } else {
                LOG.debug("notification {} to {} waits until {}: {}", n.getNotificationId(), AuditRecords.redact(d.getAddress()),
                        Instant.ofEpochMilli(due), why);
                written.complete(null);
            }
        });
        return written;
    }

    /**
     * Failed for good: audited ("undeliverable: …", which the lifecycle shows on the alert), counted,
     * and sent to the default route with a note saying which destination failed and why (unless it
     * was the default route's own, or already such a note).
     */
    private CompletableFuture<Void> undeliverable(AlertNotification n, NotificationDestination d, int attempt, Integer status,
                                                  String reason) {
        metrics.undeliverable(d.getChannel());
        List<NotificationDestination> fallback = dev.forewarn.alerting.route.Route.of(null, n.getKind(), defaultRoute).destinations();
        boolean reroute = n.getDeliveryNote() == null && !fallback.isEmpty() && !fallback.contains(d);
        String outcome = reason + (reroute ? "; sent to the default route instead" : "; there is no other route for it");
        return record(n, d, DeliveryOutcome.FAILED, attempt, status, AlertLifecycle.UNDELIVERABLE + " " + outcome).thenCompose(ignored -> {
            if (!reroute) {
                LOG.error("notification {} of {} to {} {} is undeliverable ({}) and has no other route", n.getNotificationId(),
                        n.getAlertId(), d.getChannel(), AuditRecords.redact(d.getAddress()), reason);
                return CompletableFuture.completedFuture(null);
            }
            AlertNotification rerouted = AlertNotification.newBuilder(n)
                    .setNotificationId(n.getNotificationId() + "-" + Integer.toHexString((d.getChannel() + d.getAddress()).hashCode()))
                    .setDestinations(fallback)
                    .setOwnerId(defaultRoute.ownerId())
                    .setOwnerName(null)
                    .setDeliveryNote("Could not deliver this notification to " + (n.getOwnerId() == null ? "its owner" : n.getOwnerId())
                            + " by " + d.getChannel().name().toLowerCase(Locale.ROOT) + " at " + AuditRecords.redact(d.getAddress()) + ": " + reason
                            + ". Sent to the default route instead.")
                    .build();
            return deliver(rerouted);
        });
    }

    /** Full jitter: uniform in [0, min(max, base * 2^(attempt-1))]. */
    Duration backoff(int attempt) {
        long cap = Math.min(config.maxBackoff().toMillis(), config.backoff().toMillis() << Math.min(attempt - 1, 30));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap + 1));
    }

    /** Runs {@code next} after {@code delay}; while shutting down it never runs, so the notification stays uncommitted and is re-sent after the restart. */
    private CompletableFuture<Void> later(Duration delay, java.util.function.Supplier<CompletableFuture<Void>> next) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        if (!running) {
            return result;
        }
        scheduler.schedule(() -> {
            try {
                next.get().whenComplete((ok, error) -> {
                    if (error != null) {
                        result.completeExceptionally(error);
                    } else {
                        result.complete(null);
                    }
                });
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
        return result;
    }

    private Bucket bucket(NotificationDestination d) {
        String key = d.getChannel() + ":" + host(d.getAddress());
        return buckets.computeIfAbsent(key, k -> Bucket.builder()
                .addLimit(limit -> limit.capacity(config.ratePerSecond()).refillGreedy(config.ratePerSecond(), Duration.ofSeconds(1)))
                .build());
    }

    private static String host(String address) {
        int at = address.lastIndexOf('@');
        if (at >= 0 && !address.contains("://")) {
            return address.substring(at + 1).toLowerCase(Locale.ROOT);
        }
        try {
            String host = URI.create(address).getHost();
            return host == null ? address : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return address;
        }
    }

    private CompletableFuture<Void> record(AlertNotification n, NotificationDestination d, DeliveryOutcome outcome, int attempt,
                                           Integer status, String error) {
        metrics.outcome(d.getChannel(), outcome);
        if (outcome == DeliveryOutcome.FAILED) {
            LOG.warn("notification {} of {} to {} {} failed: {}", n.getNotificationId(), n.getAlertId(), d.getChannel(), AuditRecords.redact(d.getAddress()), error);
        }
        NotificationRecord record = AuditRecords.attempt(n, d, outcome, attempt, status, error, Instant.now(clock));
        CompletableFuture<Void> written = new CompletableFuture<>();
        audit.send(new ProducerRecord<>(TopicCatalogue.NOTIFICATIONS.name(), n.getAlertId(), record), (metadata, exception) -> {
            if (exception != null) {
                written.completeExceptionally(exception);
            } else {
                written.complete(null);
            }
        });
        return written;
    }


    /**
     * Stops polling, lets attempts under way finish for up to {@code grace} (retries waiting for
     * their backoff are not started), commits what finished; the rest is re-sent after a restart.
     */
    public void close(Duration grace) {
        if (closed.getAndSet(true)) {
            return;
        }
        running = false;
        consumer.wakeup();
        try {
            thread.join(grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (sending.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        scheduler.shutdownNow();
        audit.flush();
        retries.flush();
        if (!thread.isAlive()) {
            commit();
        }
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        channels.values().forEach(Channel::close);
        audit.close(Duration.ofSeconds(5));
        retries.close(Duration.ofSeconds(5));
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
