package dev.forewarn.ingest.http;

import static dev.forewarn.ingest.http.RequestBodies.JSON;
import static dev.forewarn.ingest.http.RequestBodies.NDJSON;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forewarn.ingest.kafka.SignalPublisher;
import dev.forewarn.ingest.signal.SignalParser;
import dev.forewarn.ingest.signal.SignalType;
import dev.forewarn.service.auth.Scopes;
import dev.forewarn.service.http.Problem;
import dev.forewarn.service.http.Violation;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.DistributionSummary;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * {@code POST /v1/reports}, {@code /v1/complaints}, {@code /v1/returns}: one signal (202 once Kafka
 * acknowledged it), a JSON array or NDJSON lines (202, or 207 with one status per item).
 */
public final class SignalResource {

    private final SignalParser signals;
    private final Writes writes;
    private final int maxBatchItems;

    public SignalResource(SignalParser signals, Writes writes, int maxBatchItems) {
        this.signals = signals;
        this.writes = writes;
        this.maxBatchItems = maxBatchItems;
    }

    public void register(RoutesConfig routes) {
        for (SignalType type : SignalType.values()) {
            routes.post("/v1/" + type.path(), ctx -> writes.guarded(ctx, Scopes.SIGNALS_WRITE, source -> accept(ctx, type, source)));
        }
    }

    private void accept(Context ctx, SignalType type, String source) {
        String contentType = RequestBodies.contentType(ctx);
        boolean ndjson = contentType.startsWith(NDJSON);
        if (!ndjson && !contentType.startsWith("application/json") || !RequestBodies.utf8(contentType)) {
            Problem.send(ctx, 415, "Unsupported Media Type", "send application/json or " + NDJSON + " in UTF-8", List.of());
            return;
        }
        byte[] body = ctx.bodyAsBytes();
        String traceId = RequestBodies.traceId(ctx);
        ctx.header(SignalPublisher.TRACE_HEADER, traceId);
        String typeTag = type.name().toLowerCase(Locale.ROOT);
        if (ndjson) {
            List<RequestBodies.Item> items = RequestBodies.looksUtf8(body) ? RequestBodies.ndjsonItems(body) : null;
            if (items == null || items.isEmpty()) {
                writes.rejected(typeTag, items == null ? "encoding" : "empty-body");
                Problem.send(ctx, 400, "Malformed JSON", items == null ? RequestBodies.NOT_UTF8 : "the body holds no NDJSON line", List.of());
                return;
            }
            acceptBatch(ctx, type, items, source, traceId, "ndjson");
            return;
        }
        Optional<JsonNode> read = RequestBodies.readJson(ctx, body, reason -> writes.rejected(typeTag, reason));
        if (read.isEmpty()) {
            return;
        }
        JsonNode json = read.get();
        if (json.isArray()) {
            List<RequestBodies.Item> items = new ArrayList<>(json.size());
            json.forEach(node -> items.add(new RequestBodies.Item(node, null)));
            acceptBatch(ctx, type, items, source, traceId, "json");
            return;
        }
        SignalParser.Parsed parsed = signals.parse(type, json, source, Optional.ofNullable(ctx.header("Idempotency-Key")));
        if (parsed instanceof SignalParser.Invalid invalid) {
            writes.rejected(typeTag, invalid.violations().get(0).rule());
            Problem.send(ctx, 422, "Invalid Signal", invalid.violations().size() + " rule(s) broken", invalid.violations());
            return;
        }
        SignalParser.Valid valid = (SignalParser.Valid) parsed;
        Writes.Acked acked = Writes.awaitAck(writes.publish(type.topic().name(), valid.customerId(), (SpecificRecordBase) valid.record(),
                valid.occurredAt().toEpochMilli(), source, traceId));
        writes.written(typeTag, acked.error());
        if (acked.error() != null) {
            Writes.unavailable(ctx, acked.error());
            return;
        }
        ctx.status(202).contentType("application/json").result(JSON.createObjectNode()
                .put("eventId", valid.eventId()).put("topic", acked.metadata().topic())
                .put("partition", acked.metadata().partition()).put("offset", acked.metadata().offset()).toString());
    }

    private void acceptBatch(Context ctx, SignalType type, List<RequestBodies.Item> items, String source, String traceId, String format) {
        String typeTag = type.name().toLowerCase(Locale.ROOT);
        if (items.isEmpty()) {
            writes.rejected(typeTag, "min-items");
            Problem.send(ctx, 422, "Invalid Signal", "the batch is empty",
                    List.of(new Violation("", "min-items", "a batch holds at least one event")));
            return;
        }
        if (items.size() > maxBatchItems) {
            writes.rejected(typeTag, "batch-too-large");
            Problem.send(ctx, 413, "Content Too Large", "a batch holds at most " + maxBatchItems + " events", List.of());
            return;
        }
        DistributionSummary.builder("forewarn.ingest.batch.size").baseUnit("events")
                .tag("type", typeTag).tag("format", format).register(writes.metrics()).record(items.size());
        // Send every valid item first, so they share producer batches, then collect the acks in order.
        ObjectNode[] refused = new ObjectNode[items.size()];
        String[] eventIds = new String[items.size()];
        List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>(Collections.nCopies(items.size(), null));
        for (int index = 0; index < items.size(); index++) {
            RequestBodies.Item item = items.get(index);
            if (item.malformed() != null) {
                writes.rejected(typeTag, "malformed-json");
                refused[index] = itemProblem(index, 400, List.of(
                        new Violation("/" + index, "json", "line " + (index + 1) + " is not valid JSON: " + item.malformed())));
                continue;
            }
            SignalParser.Parsed parsed = signals.parse(type, item.json(), source, Optional.empty());
            if (parsed instanceof SignalParser.Invalid invalid) {
                int at = index;
                writes.rejected(typeTag, invalid.violations().get(0).rule());
                refused[index] = itemProblem(index, 422, invalid.violations().stream().map(v -> v.inItem(at)).toList());
                continue;
            }
            SignalParser.Valid valid = (SignalParser.Valid) parsed;
            eventIds[index] = valid.eventId();
            acks.set(index, writes.publish(type.topic().name(), valid.customerId(), (SpecificRecordBase) valid.record(),
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
                Writes.Acked acked = Writes.awaitAck(acks.get(index));
                writes.written(typeTag, acked.error());
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
}
