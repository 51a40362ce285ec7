package dev.forewarn.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forewarn.ingest.kafka.SignalPublisher;
import dev.forewarn.ingest.signal.OwnerParser;
import dev.forewarn.service.auth.Scopes;
import dev.forewarn.service.http.Problem;
import dev.forewarn.service.http.Violation;
import dev.forewarn.topics.TopicCatalogue;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecordBase;

/** {@code PUT} and {@code DELETE /v1/owners/{entityType}/{entityId}}: the owner directory, written to {@code customer.owners}. */
public final class OwnerResource {

    private final OwnerParser owners;
    private final Writes writes;

    public OwnerResource(OwnerParser owners, Writes writes) {
        this.owners = owners;
        this.writes = writes;
    }

    public void register(RoutesConfig routes) {
        routes.put("/v1/owners/{entityType}/{entityId}", ctx -> writes.guarded(ctx, Scopes.OWNERS_WRITE, source -> put(ctx, source)));
        routes.delete("/v1/owners/{entityType}/{entityId}", ctx -> writes.guarded(ctx, Scopes.OWNERS_WRITE, source -> delete(ctx, source)));
    }

    private void put(Context ctx, String source) {
        String contentType = RequestBodies.contentType(ctx);
        if (!contentType.startsWith("application/json") || !RequestBodies.utf8(contentType)) {
            Problem.send(ctx, 415, "Unsupported Media Type", "send application/json in UTF-8", List.of());
            return;
        }
        Optional<JsonNode> body = RequestBodies.readJson(ctx, ctx.bodyAsBytes(), reason -> writes.rejected("owner", reason));
        if (body.isEmpty()) {
            return;
        }
        OwnerParser.Parsed parsed = owners.parse(ctx.pathParam("entityType"), ctx.pathParam("entityId"), body.get());
        if (parsed instanceof OwnerParser.Invalid invalid) {
            writes.rejected("owner", invalid.violations().get(0).rule());
            Problem.send(ctx, 422, "Invalid Owner", invalid.violations().size() + " rule(s) broken", invalid.violations());
            return;
        }
        OwnerParser.Valid valid = (OwnerParser.Valid) parsed;
        write(ctx, valid.key(), valid.assignment(), source);
    }

    private void delete(Context ctx, String source) {
        String entityType = ctx.pathParam("entityType");
        String entityId = ctx.pathParam("entityId");
        List<Violation> violations = OwnerParser.pathViolations(entityType, entityId);
        if (!violations.isEmpty()) {
            writes.rejected("owner", violations.get(0).rule());
            Problem.send(ctx, 422, "Invalid Owner", violations.size() + " rule(s) broken", violations);
            return;
        }
        write(ctx, OwnerParser.key(entityType, entityId), null, source);
    }

    private void write(Context ctx, String key, SpecificRecordBase assignment, String source) {
        String traceId = RequestBodies.traceId(ctx);
        ctx.header(SignalPublisher.TRACE_HEADER, traceId);
        Writes.Acked acked = Writes.awaitAck(writes.publish(TopicCatalogue.OWNERS.name(), key, assignment, null, source, traceId));
        writes.written("owner", acked.error());
        if (acked.error() != null) {
            Writes.unavailable(ctx, acked.error());
            return;
        }
        ctx.status(202).contentType("application/json").result(RequestBodies.JSON.createObjectNode()
                .put("key", key).put("deleted", assignment == null).put("topic", acked.metadata().topic())
                .put("partition", acked.metadata().partition()).put("offset", acked.metadata().offset()).toString());
    }
}
