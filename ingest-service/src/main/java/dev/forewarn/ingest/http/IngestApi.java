package dev.forewarn.ingest.http;

import dev.forewarn.topics.TopicCatalogue;
import dev.forewarn.serde.RegistryUnavailableException;
import dev.forewarn.service.http.Problem;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forewarn.service.auth.ApiKeys;
import dev.forewarn.service.HttpServers;
import dev.forewarn.ingest.config.IngestConfig;
import dev.forewarn.ingest.kafka.SignalPublisher;
import dev.forewarn.ingest.signal.EventIds;
import dev.forewarn.ingest.signal.OwnerParser;
import dev.forewarn.ingest.signal.SignalParser;
import dev.forewarn.ingest.signal.SignalType;
import dev.forewarn.service.http.Violation;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
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

/**
 * The HTTP API of ingest-service: signals, the owner directory, and the OpenAPI document. Every
 * write answers 202 only after Kafka acknowledged the record; everything else is an RFC 9457
 * problem naming the field and the rule.
 */
public final class IngestApi {

    public static final String OWNERS_TOPIC = TopicCatalogue.OWNERS.name();
    static final String NDJSON = "application/x-ndjson";
    private static final String EVENTS = "forewarn.ingest.events";
    private static final Duration ACK_WAIT_CAP = Duration.ofMinutes(2);
    private static final String NOT_UTF8 = "the body must be UTF-8 (RFC 8259), not UTF-16 or UTF-32";

    private static final Logger LOG = LoggerFactory.getLogger(IngestApi.class);
    /** Our bodies are flat objects in at most one array: deep nesting and huge numbers are hostile. */
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(16).maxNumberLength(64).maxStringLength(1 << 20).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Answered while readiness says Kafka is down; shared, so without a stack trace. */
    private static final RuntimeException KAFKA_UNREACHABLE = new KafkaUnreachable();

    private static final class KafkaUnreachable extends RuntimeException {
        KafkaUnreachable() {
            super("Kafka is unreachable", null, false, false);
        }
    }

    private final IngestConfig config;
    private final SignalParser signals;
    private final OwnerParser owners;
    private final SignalPublisher publisher;
    private final BooleanSupplier kafkaReachable;
    private final MeterRegistry metrics;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, Counter> accepted = new HashMap<>();
    private final Map<String, Counter> failed = new HashMap<>();
    private volatile boolean accepting = true;

    public IngestApi(IngestConfig config, SignalPublisher publisher, BooleanSupplier kafkaReachable, MeterRegistry metrics) {
        this.config = config;
        this.signals = new SignalParser(config.rules());
        this.owners = new OwnerParser(config.rules().clock(), config.rules().rejectUnknownFields());
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

    public void routes(RoutesConfig routes) {
        for (SignalType type : SignalType.values()) {
            routes.post("/v1/" + type.path(), ctx -> guarded(ctx, source -> acceptSignals(ctx, type, source)));
        }
        routes.put("/v1/owners/{entityType}/{entityId}", ctx -> guarded(ctx, source -> putOwner(ctx, source)));
        routes.delete("/v1/owners/{entityType}/{entityId}", ctx -> guarded(ctx, source -> deleteOwner(ctx, source)));
        HttpServers.openApi(routes, "ingest-service");
        // Statuses Javalin answers itself become problems too; ones a handler answered already stay as they are.
        routes.error(404, "*", ctx -> problemUnlessAnswered(ctx, "Not Found", "no route " + ctx.method() + " " + ctx.path()));
        routes.error(405, "*", ctx -> problemUnlessAnswered(ctx, "Method Not Allowed",
                ctx.method() + " is not allowed on " + ctx.path()));
        // Javalin enforces maxRequestSize while reading the body and answers 413.
        routes.error(413, "*", ctx -> problemUnlessAnswered(ctx, "Content Too Large",
                "the body is larger than " + config.maxBodyBytes() + " bytes"));
    }

    private static void problemUnlessAnswered(Context ctx, String title, String detail) {
        if (!Optional.ofNullable(ctx.res().getContentType()).orElse("").startsWith(Problem.CONTENT_TYPE)) {
            Problem.send(ctx, ctx.statusCode(), title, detail, List.of());
        }
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

    /** A write handler, run once the caller's source system is known. */
    @FunctionalInterface
    private interface Write {
        void handle(String source);
    }

    /**
     * Authenticates, counts the request in flight until it is answered, and refuses writes while
     * shutting down. Handlers block their Jetty worker until Kafka acknowledged: measured on 2
     * cores, this is about twice as fast as Javalin's async path, which adds thread hand-offs per
     * request; Jetty's worker pool bounds the writes in flight.
     */
    private void guarded(Context ctx, Write handler) {
        inFlight.incrementAndGet();
        try {
            if (!accepting) {
                ctx.header("Retry-After", "5");
                Problem.send(ctx, 503, "Service Unavailable", "the service is shutting down; retry against another instance", List.of());
                return;
            }
            Optional<String> source = config.apiKeys().sourceFor(
                    ApiKeys.presentedKey(ctx.header("Authorization"), ctx.header("X-API-Key")));
            if (source.isEmpty()) {
                ctx.header("WWW-Authenticate", "Bearer");
                Problem.send(ctx, 401, "Unauthorized",
                        "send a valid API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'", List.of());
                return;
            }
            handler.handle(source.get());
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private static String traceId(Context ctx) {
        return Optional.ofNullable(ctx.header("traceparent"))
                .or(() -> Optional.ofNullable(ctx.header("X-Request-Id")))
                .orElseGet(EventIds::next);
    }

    // --- signals -------------------------------------------------------------------------------

    /** One body item: a parsed JSON value, or the reason it is not JSON (NDJSON lines fail alone). */
    private record Item(JsonNode json, String malformed) {
    }

    private void acceptSignals(Context ctx, SignalType type, String source) {
        String contentType = Optional.ofNullable(ctx.contentType()).orElse("").toLowerCase(Locale.ROOT);
        boolean ndjson = contentType.startsWith(NDJSON);
        if (!ndjson && !contentType.startsWith("application/json") || !utf8(contentType)) {
            Problem.send(ctx, 415, "Unsupported Media Type", "send application/json or " + NDJSON + " in UTF-8", List.of());
            return;
        }
        byte[] body = ctx.bodyAsBytes();
        String traceId = traceId(ctx);
        ctx.header(SignalPublisher.TRACE_HEADER, traceId);
        String typeTag = type.name().toLowerCase(Locale.ROOT);
        if (ndjson) {
            List<Item> items = looksUtf8(body) ? ndjsonItems(body) : null;
            if (items == null || items.isEmpty()) {
                rejected(typeTag, items == null ? "encoding" : "empty-body");
                Problem.send(ctx, 400, "Malformed JSON", items == null ? NOT_UTF8 : "the body holds no NDJSON line", List.of());
                return;
            }
            acceptBatch(ctx, type, items, source, traceId, "ndjson");
            return;
        }
        JsonNode json = readJson(ctx, body, typeTag);
        if (json == null) {
            return;
        }
        if (json.isArray()) {
            List<Item> items = new ArrayList<>(json.size());
            json.forEach(node -> items.add(new Item(node, null)));
            acceptBatch(ctx, type, items, source, traceId, "json");
            return;
        }
        SignalParser.Parsed parsed = signals.parse(type, json, source, Optional.ofNullable(ctx.header("Idempotency-Key")));
        if (parsed instanceof SignalParser.Invalid invalid) {
            rejected(typeTag, invalid.violations().get(0).rule());
            Problem.send(ctx, 422, "Invalid Signal", invalid.violations().size() + " rule(s) broken", invalid.violations());
            return;
        }
        SignalParser.Valid valid = (SignalParser.Valid) parsed;
        Acked acked = awaitAck(publish(type.topic().name(), valid.customerId(), (SpecificRecordBase) valid.record(),
                valid.occurredAt().toEpochMilli(), source, traceId));
        written(typeTag, acked.error());
        if (acked.error() != null) {
            unavailable(ctx, acked.error());
            return;
        }
        ctx.status(202).contentType("application/json").result(JSON.createObjectNode()
                .put("eventId", valid.eventId()).put("topic", acked.metadata().topic())
                .put("partition", acked.metadata().partition()).put("offset", acked.metadata().offset()).toString());
    }

    /** The body as one JSON value, or null after answering 400 for anything that is not exactly one UTF-8 JSON value. */
    private JsonNode readJson(Context ctx, byte[] body, String typeTag) {
        String problem;
        if (!looksUtf8(body)) {
            rejected(typeTag, "encoding");
            problem = NOT_UTF8;
        } else {
            try {
                JsonNode json = JSON.readTree(body);
                if (json != null && !json.isMissingNode()) {
                    return json;
                }
                rejected(typeTag, "empty-body");
                problem = "the body is empty";
            } catch (IOException e) {
                rejected(typeTag, "malformed-json");
                problem = "the body is not valid JSON: " + firstLine(e);
            }
        }
        Problem.send(ctx, 400, "Malformed JSON", problem, List.of());
        return null;
    }

    /** A {@code charset} parameter, if any, must name UTF-8: JSON is UTF-8 on the wire (RFC 8259). */
    private static boolean utf8(String contentType) {
        int charset = contentType.indexOf("charset=");
        if (charset < 0) {
            return true;
        }
        String name = contentType.substring(charset + 8).split(";")[0].trim().replace("\"", "");
        return name.equals("utf-8") || name.equals("utf8");
    }

    /** Rejects UTF-16/32 (BOM or NUL bytes up front), which Jackson would otherwise detect and accept. */
    private static boolean looksUtf8(byte[] body) {
        if (body.length >= 2 && ((body[0] & 0xff) == 0xfe && (body[1] & 0xff) == 0xff
                || (body[0] & 0xff) == 0xff && (body[1] & 0xff) == 0xfe)) {
            return false;
        }
        for (int i = 0; i < Math.min(4, body.length); i++) {
            if (body[i] == 0) {
                return false;
            }
        }
        return true;
    }

    private static List<Item> ndjsonItems(byte[] body) {
        List<Item> items = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                int end = i > start && body[i - 1] == '\r' ? i - 1 : i;
                if (!isBlank(body, start, end)) {
                    try {
                        items.add(new Item(JSON.readTree(body, start, end - start), null));
                    } catch (IOException e) {
                        items.add(new Item(null, firstLine(e)));
                    }
                }
                start = i + 1;
            }
        }
        return items;
    }

    private static boolean isBlank(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != ' ' && bytes[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    private void acceptBatch(Context ctx, SignalType type, List<Item> items, String source, String traceId, String format) {
        String typeTag = type.name().toLowerCase(Locale.ROOT);
        if (items.isEmpty()) {
            rejected(typeTag, "min-items");
            Problem.send(ctx, 422, "Invalid Signal", "the batch is empty",
                    List.of(new Violation("", "min-items", "a batch holds at least one event")));
            return;
        }
        if (items.size() > config.maxBatchItems()) {
            rejected(typeTag, "batch-too-large");
            Problem.send(ctx, 413, "Content Too Large", "a batch holds at most " + config.maxBatchItems() + " events", List.of());
            return;
        }
        DistributionSummary.builder("forewarn.ingest.batch.size").baseUnit("events")
                .tag("type", typeTag).tag("format", format).register(metrics).record(items.size());
        // Send every valid item first, so they share producer batches, then collect the acks in order.
        ObjectNode[] refused = new ObjectNode[items.size()];
        String[] eventIds = new String[items.size()];
        List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>(Collections.nCopies(items.size(), null));
        for (int index = 0; index < items.size(); index++) {
            Item item = items.get(index);
            if (item.malformed() != null) {
                rejected(typeTag, "malformed-json");
                refused[index] = itemProblem(index, 400, List.of(
                        new Violation("/" + index, "json", "line " + (index + 1) + " is not valid JSON: " + item.malformed())));
                continue;
            }
            SignalParser.Parsed parsed = signals.parse(type, item.json(), source, Optional.empty());
            if (parsed instanceof SignalParser.Invalid invalid) {
                int at = index;
                rejected(typeTag, invalid.violations().get(0).rule());
                refused[index] = itemProblem(index, 422, invalid.violations().stream().map(v -> v.inItem(at)).toList());
                continue;
            }
            SignalParser.Valid valid = (SignalParser.Valid) parsed;
            eventIds[index] = valid.eventId();
            acks.set(index, publish(type.topic().name(), valid.customerId(), (SpecificRecordBase) valid.record(),
                    valid.occurredAt().toEpochMilli(), source, traceId));
        }
        // Streamed rather than built as a tree: this answer is written once per event at full load.
        StringWriter body = new StringWriter(items.size() * 64);
        boolean allAccepted = true;
        try (JsonGenerator json = JSON.createGenerator(body)) {
            json.writeStartObject();
            json.writeArrayFieldStart("items");
            for (int index = 0; index < items.size(); index++) {
                if (refused[index] != null) {
                    allAccepted = false;
                    json.writeTree(refused[index]);
                    continue;
                }
                Acked acked = awaitAck(acks.get(index));
                written(typeTag, acked.error());
                json.writeStartObject();
                json.writeNumberField("index", index);
                json.writeNumberField("status", acked.error() == null ? 202 : 503);
                json.writeStringField("eventId", eventIds[index]);
                if (acked.error() != null) {
                    allAccepted = false;
                    json.writeStringField("detail", "not written, retry: " + acked.error().getMessage());
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to a StringWriter", e);
        }
        ctx.status(allAccepted ? 202 : 207).contentType("application/json").result(body.toString());
    }

    private static ObjectNode itemProblem(int index, int status, List<Violation> violations) {
        ObjectNode answer = JSON.createObjectNode().put("index", index).put("status", status);
        answer.set("errors", Problem.errors(violations));
        return answer;
    }

    // --- owners --------------------------------------------------------------------------------

    private void putOwner(Context ctx, String source) {
        String contentType = Optional.ofNullable(ctx.contentType()).orElse("").toLowerCase(Locale.ROOT);
        if (!contentType.startsWith("application/json") || !utf8(contentType)) {
            Problem.send(ctx, 415, "Unsupported Media Type", "send application/json in UTF-8", List.of());
            return;
        }
        JsonNode body = readJson(ctx, ctx.bodyAsBytes(), "owner");
        if (body == null) {
            return;
        }
        OwnerParser.Parsed parsed = owners.parse(ctx.pathParam("entityType"), ctx.pathParam("entityId"), body);
        if (parsed instanceof OwnerParser.Invalid invalid) {
            rejected("owner", invalid.violations().get(0).rule());
            Problem.send(ctx, 422, "Invalid Owner", invalid.violations().size() + " rule(s) broken", invalid.violations());
            return;
        }
        OwnerParser.Valid valid = (OwnerParser.Valid) parsed;
        writeOwner(ctx, valid.key(), valid.assignment(), source);
    }

    private void deleteOwner(Context ctx, String source) {
        String entityType = ctx.pathParam("entityType");
        String entityId = ctx.pathParam("entityId");
        List<Violation> violations = OwnerParser.pathViolations(entityType, entityId);
        if (!violations.isEmpty()) {
            rejected("owner", violations.get(0).rule());
            Problem.send(ctx, 422, "Invalid Owner", violations.size() + " rule(s) broken", violations);
            return;
        }
        writeOwner(ctx, OwnerParser.key(entityType, entityId), null, source);
    }

    private void writeOwner(Context ctx, String key, SpecificRecordBase assignment, String source) {
        String traceId = traceId(ctx);
        ctx.header(SignalPublisher.TRACE_HEADER, traceId);
        Acked acked = awaitAck(publish(OWNERS_TOPIC, key, assignment, null, source, traceId));
        written("owner", acked.error());
        if (acked.error() != null) {
            unavailable(ctx, acked.error());
            return;
        }
        ctx.status(202).contentType("application/json").result(JSON.createObjectNode()
                .put("key", key).put("deleted", assignment == null).put("topic", acked.metadata().topic())
                .put("partition", acked.metadata().partition()).put("offset", acked.metadata().offset()).toString());
    }

    // --- shared --------------------------------------------------------------------------------

    /** Kafka's answer to one record: where it was written, or why not. */
    private record Acked(RecordMetadata metadata, Throwable error) {
    }

    /**
     * Waits for Kafka's acknowledgement. The producer answers within its delivery timeout; the
     * cap here only guards against a producer that never answers.
     */
    private static Acked awaitAck(CompletableFuture<RecordMetadata> ack) {
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

    /** Fails fast while Kafka is unreachable instead of queueing records that would time out. */
    private CompletableFuture<RecordMetadata> publish(String topic, String key, SpecificRecordBase value, Long timestamp, String source,
                                                      String traceId) {
        if (!kafkaReachable.getAsBoolean()) {
            return CompletableFuture.failedFuture(KAFKA_UNREACHABLE);
        }
        return publisher.publish(topic, key, value, timestamp, source, traceId);
    }

    private void rejected(String type, String reason) {
        Counter.builder(EVENTS).tag("type", type).tag("outcome", "rejected").tag("reason", reason)
                .register(metrics).increment();
    }

    /** Accepted and failed writes are counted on the hot path, so their counters are resolved once. */
    private void written(String type, Throwable error) {
        (error == null ? accepted : failed).get(type).increment();
    }

    private static void unavailable(Context ctx, Throwable error) {
        if (error != KAFKA_UNREACHABLE) { // the outage itself is logged once by KafkaReadiness
            LOG.warn("record not written to Kafka: {}", error.toString());
        }
        ctx.header("Retry-After", "5");
        Problem.send(ctx, 503, "Service Unavailable", RegistryUnavailableException.isCauseOf(error)
                ? "the schema registry is unavailable, so the event was not written; retry later"
                : "Kafka did not acknowledge the event; retry later", List.of());
    }

    /** Jackson's reason without the location and source excerpt, which could echo a hostile body. */
    private static String firstLine(IOException e) {
        String message = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
        return Optional.ofNullable(message).orElse("").lines().findFirst().orElse("");
    }
}
