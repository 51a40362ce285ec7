package dev.forewarn.alerting.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forewarn.alerting.topology.AlertViews;
import dev.forewarn.events.EntityType;
import dev.forewarn.events.Silence;
import dev.forewarn.service.auth.Scopes;
import dev.forewarn.service.http.Problem;
import dev.forewarn.service.http.Violation;
import dev.forewarn.topics.TopicCatalogue;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * {@code /v1/silences}: create, list, delete. A silence is written to {@code alerts.silences} and
 * answered once Kafka has it; the view follows within moments, so a silence just created may take
 * a moment to be listed.
 */
public final class SilenceResource {

    private final AlertViews views;
    private final Producer<String, SpecificRecord> producer;
    private final Clock clock;

    public SilenceResource(AlertViews views, Producer<String, SpecificRecord> producer, Clock clock) {
        this.views = views;
        this.producer = producer;
        this.clock = clock;
    }

    void register(RoutesConfig routes, Requests requests) {
        routes.post("/v1/silences", ctx -> requests.guarded(ctx, Scopes.SILENCES_WRITE, actor -> create(ctx, actor)));
        routes.get("/v1/silences", ctx -> requests.guarded(ctx, Scopes.ALERTS_READ, actor -> list(ctx)));
        routes.delete("/v1/silences/{id}", ctx -> requests.guarded(ctx, Scopes.SILENCES_WRITE, actor -> delete(ctx)));
    }

    private void create(Context ctx, String actor) throws Exception {
        Optional<JsonNode> parsed = Requests.jsonBody(ctx, false);
        if (parsed == null) {
            return;
        }
        JsonNode body = parsed.orElseThrow();
        List<Violation> violations = new ArrayList<>();
        JsonNode matchers = body.path("matchers");
        EntityType entityType = null;
        String entityId = null;
        String ownerId = null;
        if (!matchers.isObject()) {
            violations.add(new Violation("/matchers", "required", "matchers must be an object with entityType, entityId and/or ownerId"));
        } else {
            JsonNode type = matchers.path("entityType");
            if (!type.isMissingNode() && !type.isNull()) {
                try {
                    entityType = EntityType.valueOf(type.asText());
                } catch (IllegalArgumentException e) {
                    violations.add(new Violation("/matchers/entityType", "enum", "entityType must be CUSTOMER or PRODUCT"));
                }
            }
            entityId = Requests.text(matchers, "entityId", "/matchers/entityId", violations);
            ownerId = Requests.text(matchers, "ownerId", "/matchers/ownerId", violations);
            if (entityType == null && entityId == null && ownerId == null && violations.isEmpty()) {
                violations.add(new Violation("/matchers", "required", "a silence needs at least one matcher: entityType, entityId or ownerId"));
            }
        }
        Instant now = clock.instant();
        Instant startsAt = Requests.instant(body, "startsAt", violations).orElse(now);
        Optional<Instant> endsAt = Requests.instant(body, "endsAt", violations);
        if (body.path("endsAt").isMissingNode() || body.path("endsAt").isNull()) {
            violations.add(new Violation("/endsAt", "required", "endsAt is required (ISO-8601 instant)"));
        } else if (endsAt.isPresent() && !endsAt.get().isAfter(now)) {
            violations.add(new Violation("/endsAt", "future", "endsAt must be in the future (it is " + endsAt.get() + ", now is " + now + ")"));
        } else if (endsAt.isPresent() && !endsAt.get().isAfter(startsAt)) {
            violations.add(new Violation("/endsAt", "after-start", "endsAt must be after startsAt"));
        }
        String comment = Requests.text(body, "comment", "/comment", violations);
        if (comment == null && violations.stream().noneMatch(v -> v.pointer().equals("/comment"))) {
            violations.add(new Violation("/comment", "required", "say why the alerts are silenced"));
        }
        if (!violations.isEmpty()) {
            Problem.send(ctx, 422, "Unprocessable Content", "the silence is invalid", violations);
            return;
        }
        Silence silence = Silence.newBuilder()
                .setSilenceId(UUID.randomUUID().toString())
                .setEntityType(entityType)
                .setEntityId(entityId)
                .setOwnerId(ownerId)
                .setStartsAt(startsAt)
                .setEndsAt(endsAt.orElseThrow())
                .setCreatedBy(actor)
                .setComment(comment)
                .setCreatedAt(now)
                .build();
        producer.send(new ProducerRecord<>(TopicCatalogue.SILENCES.name(), silence.getSilenceId(), silence)).get(10, TimeUnit.SECONDS);
        ctx.status(201).header("Location", "/v1/silences/" + silence.getSilenceId())
                .contentType("application/json").result(AlertJson.silenceJson(silence, now).toString());
    }

    private void list(Context ctx) {
        Instant now = clock.instant();
        ArrayNode items = Requests.JSON.createArrayNode();
        try (KeyValueIterator<String, Silence> all = views.silences().all()) {
            while (all.hasNext()) {
                items.add(AlertJson.silenceJson(all.next().value, now));
            }
        }
        ObjectNode body = Requests.JSON.createObjectNode();
        body.set("silences", items);
        ctx.contentType("application/json").result(body.toString());
    }

    private void delete(Context ctx) throws Exception {
        String id = ctx.pathParam("id");
        if (views.silences().get(id) == null) {
            Problem.send(ctx, 404, "Not Found", "no silence " + id, List.of());
            return;
        }
        producer.send(new ProducerRecord<>(TopicCatalogue.SILENCES.name(), id, null)).get(10, TimeUnit.SECONDS);
        ctx.status(204);
    }

}
