package dev.forewarn.ingest.http;

import dev.forewarn.ingest.kafka.SignalPublisher;
import dev.forewarn.serde.RegistryUnavailableException;
import dev.forewarn.service.auth.ApiKeys;
import dev.forewarn.service.http.Auth;
import dev.forewarn.service.http.Problem;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What every write of the API shares: authentication by API key, the in-flight count and the
 * shutdown gate, writing to Kafka and waiting for its acknowledgement, the 503 when it does not
 * come, and the {@code forewarn_ingest_events_total} counters.
 */
public final class Writes {

    private static final String EVENTS = "forewarn.ingest.events";
    private static final Duration ACK_WAIT_CAP = Duration.ofMinutes(2);
    private static final Logger LOG = LoggerFactory.getLogger(Writes.class);

    /** Answered while readiness says Kafka is down; shared, so without a stack trace. */
    private static final RuntimeException KAFKA_UNREACHABLE = new KafkaUnreachable();

    private static final class KafkaUnreachable extends RuntimeException {
        KafkaUnreachable() {
            super("Kafka is unreachable", null, false, false);
        }
    }

    /** A write handler, run once the caller's source system is known. */
    @FunctionalInterface
    interface Write {
        void handle(String source);
    }

    /** Kafka's answer to one record: where it was written, or why not. */
    record Acked(RecordMetadata metadata, Throwable error) {
    }

    private final ApiKeys apiKeys;
    private final SignalPublisher publisher;
    private final BooleanSupplier kafkaReachable;
    private final MeterRegistry metrics;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, Counter> accepted = new HashMap<>();
    private final Map<String, Counter> failed = new HashMap<>();
    private volatile boolean accepting = true;

    public Writes(ApiKeys apiKeys, SignalPublisher publisher, BooleanSupplier kafkaReachable, MeterRegistry metrics) {
        this.apiKeys = apiKeys;
        this.publisher = publisher;
        this.kafkaReachable = kafkaReachable;
        this.metrics = metrics;
        for (String type : List.of("report", "complaint", "return", "owner")) {
            accepted.put(type, Counter.builder(EVENTS).tag("type", type).tag("outcome", "accepted").tag("reason", "none").register(metrics));
            failed.put(type, Counter.builder(EVENTS).tag("type", type).tag("outcome", "failed").tag("reason", "kafka").register(metrics));
        }
        Gauge.builder("forewarn.ingest.requests.inflight", inFlight, AtomicInteger::get)
                .description("write requests taken and not yet answered").register(metrics);
    }

    /** Stops taking writes: from now on they get 503 while in-flight ones finish. */
    public void stopAccepting() {
        accepting = false;
    }

    /** Waits until no write is in flight; false if {@code timeout} passed first. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    public boolean accepting() {
        return accepting;
    }

    /**
     * Authenticates (a token with {@code scope}: 401 without a valid token, 403 without the scope), counts the request in flight until it is answered, and refuses writes while
     * shutting down. Handlers block their Jetty worker until Kafka acknowledged: measured on 2
     * cores, this is about twice as fast as Javalin's async path, which adds thread hand-offs per
     * request; Jetty's worker pool bounds the writes in flight.
     */
    void guarded(Context ctx, String scope, Write handler) {
        inFlight.incrementAndGet();
        MDC.put(RequestBodies.TRACE_ID, RequestBodies.traceId(ctx));
        try {
            if (!accepting) {
                ctx.header("Retry-After", "5");
                Problem.send(ctx, 503, "Service Unavailable", "the service is shutting down; retry against another instance", List.of());
                return;
            }
            Optional<ApiKeys.Caller> caller = Auth.require(ctx, apiKeys, scope);
            if (caller.isPresent()) {
                handler.handle(caller.get().name());
            }
        } finally {
            MDC.remove(RequestBodies.TRACE_ID);
            inFlight.decrementAndGet();
        }
    }

    /** Fails fast while Kafka is unreachable instead of queueing records that would time out. */
    CompletableFuture<RecordMetadata> publish(String topic, String key, SpecificRecordBase value, Long timestamp, String source,
                                              String traceId) {
        if (!kafkaReachable.getAsBoolean()) {
            return CompletableFuture.failedFuture(KAFKA_UNREACHABLE);
        }
        return publisher.publish(topic, key, value, timestamp, source, traceId);
    }

    /**
     * Waits for Kafka's acknowledgement. The producer answers within its delivery timeout; the
     * cap here only guards against a producer that never answers.
     */
    static Acked awaitAck(CompletableFuture<RecordMetadata> ack) {
        try {
            return new Acked(ack.get(ACK_WAIT_CAP.toMillis(), TimeUnit.MILLISECONDS), null);
        } catch (ExecutionException e) {
            return new Acked(null, e.getCause());
        } catch (TimeoutException e) {
            return new Acked(null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Acked(null, e);
        }
    }

    void rejected(String type, String reason) {
        Counter.builder(EVENTS).tag("type", type).tag("outcome", "rejected").tag("reason", reason)
                .register(metrics).increment();
    }

    /** Accepted and failed writes are counted on the hot path, so their counters are resolved once. */
    void written(String type, Throwable error) {
        (error == null ? accepted : failed).get(type).increment();
    }

    /** Answers 503 with Retry-After for a record Kafka did not take. */
    static void unavailable(Context ctx, Throwable error) {
        if (error != KAFKA_UNREACHABLE) { // the outage itself is logged once by KafkaReadiness
            LOG.warn("record not written to Kafka: {}", error.toString());
        }
        ctx.header("Retry-After", "5");
        Problem.send(ctx, 503, "Service Unavailable", RegistryUnavailableException.isCauseOf(error)
                ? "the schema registry is unavailable, so the event was not written; retry later"
                : "Kafka did not acknowledge the event; retry later", List.of());
    }

    MeterRegistry metrics() {
        return metrics;
    }
}
