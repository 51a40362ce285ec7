package dev.forewarn.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forewarn.ingest.config.IngestConfig;
import dev.forewarn.ingest.http.Problem;
import dev.forewarn.ingest.kafka.SignalPublisher;
import dev.forewarn.ingest.signal.SignalParser;
import dev.forewarn.ingest.signal.SignalType;
import dev.forewarn.service.Env;
import dev.forewarn.service.HttpServers;
import dev.forewarn.service.Lifecycle;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecordBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ingest-service: takes customer signals over HTTP/JSON and writes them to Kafka as Avro,
 * answering 202 only once Kafka has acknowledged them.
 */
public final class IngestService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Javalin http;
    private final SignalPublisher publisher;

    private IngestService(Javalin http, SignalPublisher publisher) {
        this.http = http;
        this.publisher = publisher;
    }

    public static IngestService start(IngestConfig config) {
        SignalPublisher publisher = new SignalPublisher(config.kafkaProperties(), config.registryUrl());
        SignalParser parser = new SignalParser(config.rules());
        Javalin http;
        try {
            http = HttpServers.start("0.0.0.0", config.port(), config.maxBodyBytes(), () -> true,
                    routes -> routes(routes, config, parser, publisher));
        } catch (RuntimeException e) {
            publisher.close();
            throw e;
        }
        LOG.info("ingest-service listening on port {}", http.port());
        return new IngestService(http, publisher);
    }

    /** The routes; static so tests share them. */
    static void routes(RoutesConfig routes, IngestConfig config, SignalParser parser, SignalPublisher publisher) {
        for (SignalType type : SignalType.values()) {
            routes.post("/v1/" + type.path(), ctx -> accept(ctx, type, config, parser, publisher));
        }
        routes.error(404, "*", ctx -> Problem.send(ctx, 404, "Not Found", "no route " + ctx.method() + " " + ctx.path(), List.of()));
        routes.error(405, "*", ctx -> Problem.send(ctx, 405, "Method Not Allowed",
                ctx.method() + " is not allowed on " + ctx.path(), List.of()));
        // Javalin enforces maxRequestSize while reading the body and answers 413; this makes it a problem.
        routes.error(413, "*", ctx -> tooLarge(ctx, "the body is larger than " + config.maxBodyBytes() + " bytes"));
    }

    private static void accept(Context ctx, SignalType type, IngestConfig config, SignalParser parser,
                               SignalPublisher publisher) {
        String contentType = Optional.ofNullable(ctx.contentType()).orElse("");
        if (!contentType.startsWith("application/json")) {
            Problem.send(ctx, 415, "Unsupported Media Type", "send application/json", List.of());
            return;
        }
        JsonNode body;
        try {
            body = JSON.readTree(ctx.bodyAsBytes());
        } catch (IOException e) {
            Problem.send(ctx, 400, "Malformed JSON", "the body is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), List.of());
            return;
        }
        if (body == null) {
            Problem.send(ctx, 400, "Malformed JSON", "the body is empty", List.of());
            return;
        }
        String traceId = Optional.ofNullable(ctx.header("traceparent")).orElseGet(() -> UUID.randomUUID().toString());
        if (body.isArray()) {
            if (body.size() > config.maxBatchItems()) {
                tooLarge(ctx, "a batch holds at most " + config.maxBatchItems() + " events");
                return;
            }
            List<JsonNode> items = new ArrayList<>();
            body.forEach(items::add);
            ctx.future(() -> acceptBatch(ctx, type, items, config, parser, publisher, traceId));
            return;
        }
        SignalParser.Parsed parsed = parser.parse(type, body, config.source(), Optional.ofNullable(ctx.header("Idempotency-Key")));
        if (parsed instanceof SignalParser.Invalid invalid) {
            Problem.send(ctx, 422, "Invalid Signal", invalid.violations().size() + " rule(s) broken", invalid.violations());
            return;
        }
        SignalParser.Valid valid = (SignalParser.Valid) parsed;
        ctx.future(() -> publisher.publish(type.defaultTopic(), valid.customerId(), (SpecificRecordBase) valid.record(),
                        config.source(), traceId)
                .handle((metadata, error) -> {
                    if (error != null) {
                        unavailable(ctx, error);
                    } else {
                        ctx.status(202).contentType("application/json").result(JSON.createObjectNode()
                                .put("eventId", valid.eventId()).put("topic", metadata.topic())
                                .put("partition", metadata.partition()).put("offset", metadata.offset()).toString());
                    }
                    return null;
                }));
    }

    private static CompletableFuture<Void> acceptBatch(Context ctx, SignalType type, List<JsonNode> items, IngestConfig config,
                                                       SignalParser parser, SignalPublisher publisher, String traceId) {
        List<CompletableFuture<ObjectNode>> results = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            int index = i;
            SignalParser.Parsed parsed = parser.parse(type, items.get(i), config.source(), Optional.empty());
            if (parsed instanceof SignalParser.Invalid invalid) {
                ObjectNode item = JSON.createObjectNode().put("index", index).put("status", 422);
                item.set("errors", Problem.errors(invalid.violations().stream().map(v -> v.inItem(index)).toList()));
                results.add(CompletableFuture.completedFuture(item));
                continue;
            }
            SignalParser.Valid valid = (SignalParser.Valid) parsed;
            results.add(publisher.publish(type.defaultTopic(), valid.customerId(), (SpecificRecordBase) valid.record(),
                            config.source(), traceId)
                    .handle((metadata, error) -> {
                        ObjectNode item = JSON.createObjectNode().put("index", index).put("eventId", valid.eventId());
                        return error == null ? item.put("status", 202)
                                : item.put("status", 503).put("detail", "not written: " + error.getMessage());
                    }));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenRun(() -> {
            ArrayNode answers = JSON.createArrayNode();
            results.forEach(result -> answers.add(result.join()));
            boolean allAccepted = results.stream().allMatch(r -> r.join().path("status").asInt() == 202);
            ObjectNode response = JSON.createObjectNode();
            response.set("items", answers);
            ctx.status(allAccepted ? 202 : 207).contentType("application/json").result(response.toString());
        });
    }

    private static void tooLarge(Context ctx, String detail) {
        Problem.send(ctx, 413, "Content Too Large", detail, List.of());
    }

    private static void unavailable(Context ctx, Throwable error) {
        LOG.warn("event not written to Kafka: {}", error.toString());
        ctx.header("Retry-After", "5");
        Problem.send(ctx, 503, "Service Unavailable", "Kafka did not acknowledge the event; retry later", List.of());
    }

    public int port() {
        return http.port();
    }

    /** Stops accepting, lets in-flight requests finish, flushes the producer. */
    @Override
    public void close() {
        http.stop();
        publisher.close();
    }

    public static void main(String[] args) throws InterruptedException {
        Lifecycle.runUntilShutdown("ingest-service", start(IngestConfig.fromEnv(Env.system())));
    }
}
