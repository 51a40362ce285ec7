package dev.forewarn.alerting.api;

import dev.forewarn.topics.TopicCatalogue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forewarn.alerting.config.AlertingConfig;
import dev.forewarn.alerting.topology.AlertViews;
import dev.forewarn.events.Alert;
import dev.forewarn.events.AlertCommand;
import dev.forewarn.events.AlertCommandType;
import dev.forewarn.events.AlertEvent;
import dev.forewarn.events.AlertState;
import dev.forewarn.events.Contribution;
import dev.forewarn.events.EntityType;
import dev.forewarn.events.Silence;
import dev.forewarn.service.auth.ApiKeys;
import dev.forewarn.service.http.Problem;
import dev.forewarn.service.http.QueryParams;
import dev.forewarn.service.http.Violation;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * The alerting HTTP API: alerts (list, one with its history, acknowledge) and silences (create,
 * list, delete). Reads come from the global views, so every instance answers every query; writes
 * go to Kafka ({@code alerts.commands}, {@code alerts.silences}) and are answered once Kafka has
 * acknowledged them. Views follow their topics within moments, so a silence just created may take
 * a moment to be listed.
 */
public final class AlertsApi {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final AlertViews views;
    private final Producer<String, SpecificRecord> producer;
    private final ApiKeys apiKeys;
    private final Clock clock;

    public AlertsApi(AlertViews views, Producer<String, SpecificRecord> producer, ApiKeys apiKeys, Clock clock) {
        this.views = views;
        this.producer = producer;
        this.apiKeys = apiKeys;
        this.clock = clock;
    }

    private interface Handler {
        void handle(String actor) throws Exception;
    }

    public void routes(RoutesConfig routes) {
        routes.get("/v1/alerts", ctx -> guarded(ctx, actor -> list(ctx)));
        routes.get("/v1/alerts/{id}", ctx -> guarded(ctx, actor -> one(ctx)));
        routes.post("/v1/alerts/{id}/ack", ctx -> guarded(ctx, actor -> acknowledge(ctx, actor)));
        routes.post("/v1/silences", ctx -> guarded(ctx, actor -> createSilence(ctx, actor)));
        routes.get("/v1/silences", ctx -> guarded(ctx, actor -> listSilences(ctx)));
        routes.delete("/v1/silences/{id}", ctx -> guarded(ctx, actor -> deleteSilence(ctx)));
        routes.error(404, "*", ctx -> {
            if (ctx.result() == null) {
                Problem.send(ctx, 404, "Not Found", "no route " + ctx.method() + " " + ctx.path(), List.of());
            }
        });
        routes.error(405, "*", ctx -> {
            if (ctx.result() == null) {
                Problem.send(ctx, 405, "Method Not Allowed", ctx.method() + " is not allowed on " + ctx.path(), List.of());
            }
        });
    }

    private void guarded(Context ctx, Handler handler) throws Exception {
        Optional<String> actor = apiKeys.sourceFor(ApiKeys.presentedKey(ctx.header("Authorization"), ctx.header("X-API-Key")));
        if (actor.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer");
            Problem.send(ctx, 401, "Unauthorized", "send a valid token as 'Authorization: Bearer <token>'", List.of());
            return;
        }
        try {
            handler.handle(actor.get());
        } catch (InvalidStateStoreException e) {
            ctx.header("Retry-After", "2");
            Problem.send(ctx, 503, "Service Unavailable", "alert state is still loading; retry shortly", List.of());
        } catch (TimeoutException | ExecutionException e) {
            ctx.header("Retry-After", "5");
            Problem.send(ctx, 503, "Service Unavailable", "Kafka did not acknowledge the write in time; retry", List.of());
        }
    }

    private void list(Context ctx) {
        List<Violation> violations = new ArrayList<>();
        Optional<AlertState> state = QueryParams.enumParam(ctx, "state", AlertState.class, violations);
        Optional<EntityType> entityType = QueryParams.enumParam(ctx, "entityType", EntityType.class, violations);
        String owner = ctx.queryParam("owner");
        int limit = QueryParams.intParam(ctx, "limit", 1, 1000, 100, violations);
        if (!violations.isEmpty()) {
            Problem.send(ctx, 400, "Bad Request", "invalid query parameters", violations);
            return;
        }
        List<Alert> matching = new ArrayList<>();
        try (KeyValueIterator<String, Alert> all = views.alerts().all()) {
            while (all.hasNext()) {
                Alert alert = all.next().value;
                if (state.map(s -> s == alert.getState()).orElse(true)
                        && entityType.map(t -> t == alert.getEntityType()).orElse(true)
                        && (owner == null || owner.equals(alert.getOwnerId()))) {
                    matching.add(alert);
                }
            }
        }
        matching.sort(Comparator.comparing(Alert::getUpdatedAt).reversed());
        ArrayNode items = JSON.createArrayNode();
        matching.stream().limit(limit).forEach(alert -> items.add(alertJson(alert, false)));
        ObjectNode body = JSON.createObjectNode().put("total", matching.size());
        body.set("alerts", items);
        ctx.contentType("application/json").result(body.toString());
    }

    private void one(Context ctx) {
        Alert alert = views.alerts().get(ctx.pathParam("id"));
        if (alert == null) {
            Problem.send(ctx, 404, "Not Found", "no alert " + ctx.pathParam("id"), List.of());
            return;
        }
        ctx.contentType("application/json").result(alertJson(alert, true).toString());
    }

    private void acknowledge(Context ctx, String actor) throws Exception {
        String id = ctx.pathParam("id");
        Alert alert = views.alerts().get(id);
        if (alert == null) {
            Problem.send(ctx, 404, "Not Found", "no alert " + id, List.of());
            return;
        }
        if (alert.getState() == AlertState.RESOLVED) {
            Problem.send(ctx, 409, "Conflict", "alert " + id + " is resolved; there is nothing to acknowledge", List.of());
            return;
        }
        Optional<JsonNode> body = jsonBody(ctx, true);
        if (body == null) {
            return;
        }
        String comment = body.map(b -> b.path("comment")).filter(JsonNode::isTextual).map(JsonNode::asText).orElse(null);
        AlertCommand command = AlertCommand.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setAlertId(id)
                .setType(AlertCommandType.ACKNOWLEDGE)
                .setActor(actor)
                .setComment(comment)
                .setIssuedAt(clock.instant())
                .build();
        producer.send(new ProducerRecord<>(TopicCatalogue.ALERT_COMMANDS.name(), id, command)).get(10, TimeUnit.SECONDS);
        ctx.status(202).contentType("application/json").result(JSON.createObjectNode()
                .put("alertId", id).put("commandId", command.getCommandId()).put("acknowledgedBy", actor).toString());
    }

    private void createSilence(Context ctx, String actor) throws Exception {
        Optional<JsonNode> parsed = jsonBody(ctx, false);
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
            entityId = text(matchers, "entityId", "/matchers/entityId", violations);
            ownerId = text(matchers, "ownerId", "/matchers/ownerId", violations);
            if (entityType == null && entityId == null && ownerId == null && violations.isEmpty()) {
                violations.add(new Violation("/matchers", "required", "a silence needs at least one matcher: entityType, entityId or ownerId"));
            }
        }
        Instant now = clock.instant();
        Instant startsAt = instant(body, "startsAt", violations).orElse(now);
        Optional<Instant> endsAt = instant(body, "endsAt", violations);
        if (body.path("endsAt").isMissingNode() || body.path("endsAt").isNull()) {
            violations.add(new Violation("/endsAt", "required", "endsAt is required (ISO-8601 instant)"));
        } else if (endsAt.isPresent() && !endsAt.get().isAfter(now)) {
            violations.add(new Violation("/endsAt", "future", "endsAt must be in the future (it is " + endsAt.get() + ", now is " + now + ")"));
        } else if (endsAt.isPresent() && !endsAt.get().isAfter(startsAt)) {
            violations.add(new Violation("/endsAt", "after-start", "endsAt must be after startsAt"));
        }
        String comment = text(body, "comment", "/comment", violations);
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
                .contentType("application/json").result(silenceJson(silence, now).toString());
    }

    private void listSilences(Context ctx) {
        Instant now = clock.instant();
        ArrayNode items = JSON.createArrayNode();
        try (KeyValueIterator<String, Silence> all = views.silences().all()) {
            while (all.hasNext()) {
                items.add(silenceJson(all.next().value, now));
            }
        }
        ObjectNode body = JSON.createObjectNode();
        body.set("silences", items);
        ctx.contentType("application/json").result(body.toString());
    }

    private void deleteSilence(Context ctx) throws Exception {
        String id = ctx.pathParam("id");
        if (views.silences().get(id) == null) {
            Problem.send(ctx, 404, "Not Found", "no silence " + id, List.of());
            return;
        }
        producer.send(new ProducerRecord<>(TopicCatalogue.SILENCES.name(), id, null)).get(10, TimeUnit.SECONDS);
        ctx.status(204);
    }

    /** Counts of alerts by state, for the {@code forewarn_alerting_alerts} gauge; empty while the view loads. */
    public Map<AlertState, Long> countsByState() {
        Map<AlertState, Long> counts = new EnumMap<>(AlertState.class);
        try (KeyValueIterator<String, Alert> all = views.alerts().all()) {
            while (all.hasNext()) {
                counts.merge(all.next().value.getState(), 1L, Long::sum);
            }
        } catch (InvalidStateStoreException | NullPointerException e) {
            return Map.of();
        }
        return counts;
    }

    /** The JSON body: empty if there is none and {@code optional}; null after answering 400/415. */
    private static Optional<JsonNode> jsonBody(Context ctx, boolean optional) {
        String raw = ctx.body();
        if (raw.isBlank()) {
            if (optional) {
                return Optional.empty();
            }
            Problem.send(ctx, 400, "Bad Request", "a JSON body is required", List.of());
            return null;
        }
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            Problem.send(ctx, 415, "Unsupported Media Type", "send application/json", List.of());
            return null;
        }
        try {
            JsonNode node = JSON.readTree(raw);
            if (!node.isObject()) {
                Problem.send(ctx, 400, "Bad Request", "the body must be a JSON object", List.of());
                return null;
            }
            return Optional.of(node);
        } catch (JsonProcessingException e) {
            Problem.send(ctx, 400, "Bad Request", "malformed JSON: " + e.getOriginalMessage(), List.of());
            return null;
        }
    }

    private static String text(JsonNode node, String field, String pointer, List<Violation> violations) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank() || value.asText().length() > 1000) {
            violations.add(new Violation(pointer, "type", field + " must be a non-blank string of at most 1000 characters"));
            return null;
        }
        return value.asText();
    }

    private static Optional<Instant> instant(JsonNode node, String field, List<Violation> violations) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(value.asText()));
        } catch (DateTimeParseException e) {
            violations.add(new Violation("/" + field, "format", field + " must be an ISO-8601 instant such as 2026-11-23T10:00:00Z"));
            return Optional.empty();
        }
    }

    static ObjectNode alertJson(Alert alert, boolean withHistory) {
        ObjectNode json = JSON.createObjectNode()
                .put("id", alert.getAlertId())
                .put("entityType", alert.getEntityType().name())
                .put("entityId", alert.getEntityId())
                .put("state", alert.getState().name())
                .put("level", alert.getLevel().name())
                .put("predicted", alert.getPredicted())
                .put("score", Math.round(alert.getScore() * 10) / 10.0)
                .put("firedAt", alert.getFiredAt().toString())
                .put("updatedAt", alert.getUpdatedAt().toString())
                .put("notifications", alert.getNotificationSeq());
        json.put("projectedCriticalAt", str(alert.getProjectedCriticalAt()));
        json.put("ownerId", alert.getOwnerId());
        json.put("acknowledgedAt", str(alert.getAcknowledgedAt()));
        json.put("acknowledgedBy", alert.getAcknowledgedBy());
        json.put("escalatedToContactAt", str(alert.getEscalatedToContactAt()));
        json.put("resolvedAt", str(alert.getResolvedAt()));
        json.put("silencedBy", alert.getSilencedBy());
        json.put("inhibitedBy", alert.getInhibitedBy());
        ArrayNode reasons = json.putArray("topReasons");
        for (Contribution c : alert.getTopContributors()) {
            reasons.addObject().put("eventId", c.getEventId()).put("kind", c.getKind().name())
                    .put("productId", c.getProductId()).put("occurredAt", c.getOccurredAt().toString())
                    .put("weightNow", Math.round(c.getWeightNow() * 100) / 100.0);
        }
        ArrayNode undeliverable = json.putArray("undeliverable");
        alert.getUndeliverable().forEach(u -> undeliverable.addObject().put("state", "UNDELIVERABLE")
                .put("notificationId", u.getNotificationId()).put("channel", u.getChannel().name())
                .put("destination", u.getDestination()).put("reason", u.getReason()).put("at", u.getAt().toString()));
        if (withHistory) {
            ArrayNode history = json.putArray("history");
            for (AlertEvent event : alert.getHistory()) {
                history.addObject().put("at", event.getAt().toString()).put("event", event.getEvent()).put("detail", event.getDetail());
            }
        }
        return json;
    }

    static ObjectNode silenceJson(Silence s, Instant now) {
        ObjectNode json = JSON.createObjectNode().put("id", s.getSilenceId());
        ObjectNode matchers = json.putObject("matchers");
        matchers.put("entityType", s.getEntityType() == null ? null : s.getEntityType().name());
        matchers.put("entityId", s.getEntityId());
        matchers.put("ownerId", s.getOwnerId());
        json.put("startsAt", s.getStartsAt().toString())
                .put("endsAt", s.getEndsAt().toString())
                .put("createdBy", s.getCreatedBy())
                .put("comment", s.getComment())
                .put("createdAt", s.getCreatedAt().toString())
                .put("status", now.isBefore(s.getStartsAt()) ? "pending" : now.isBefore(s.getEndsAt()) ? "active" : "expired");
        return json;
    }

    private static String str(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
