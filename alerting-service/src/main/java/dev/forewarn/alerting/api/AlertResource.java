package dev.forewarn.alerting.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forewarn.alerting.topology.AlertViews;
import dev.forewarn.events.Alert;
import dev.forewarn.events.AlertCommand;
import dev.forewarn.events.AlertCommandType;
import dev.forewarn.events.AlertState;
import dev.forewarn.events.EntityType;
import dev.forewarn.service.auth.Scopes;
import dev.forewarn.service.http.Problem;
import dev.forewarn.service.http.QueryParams;
import dev.forewarn.service.http.Violation;
import dev.forewarn.topics.TopicCatalogue;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * {@code /v1/alerts}: list (filtered, newest first), one with its history, acknowledge. Reads come from
 * the global views, so every instance answers; an acknowledgement goes to {@code alerts.commands} and
 * is answered once Kafka has it.
 */
public final class AlertResource {

    private final AlertViews views;
    private final Producer<String, SpecificRecord> producer;
    private final Clock clock;

    public AlertResource(AlertViews views, Producer<String, SpecificRecord> producer, Clock clock) {
        this.views = views;
        this.producer = producer;
        this.clock = clock;
    }

    void register(RoutesConfig routes, Requests requests) {
        routes.get("/v1/alerts", ctx -> requests.guarded(ctx, Scopes.ALERTS_READ, actor -> list(ctx)));
        routes.get("/v1/alerts/{id}", ctx -> requests.guarded(ctx, Scopes.ALERTS_READ, actor -> one(ctx)));
        routes.post("/v1/alerts/{id}/ack", ctx -> requests.guarded(ctx, Scopes.ALERTS_WRITE, actor -> acknowledge(ctx, actor)));
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
        ArrayNode items = Requests.JSON.createArrayNode();
        matching.stream().limit(limit).forEach(alert -> items.add(AlertJson.alertJson(alert, false)));
        ObjectNode body = Requests.JSON.createObjectNode().put("total", matching.size());
        body.set("alerts", items);
        ctx.contentType("application/json").result(body.toString());
    }

    private void one(Context ctx) {
        Alert alert = views.alerts().get(ctx.pathParam("id"));
        if (alert == null) {
            Problem.send(ctx, 404, "Not Found", "no alert " + ctx.pathParam("id"), List.of());
            return;
        }
        ctx.contentType("application/json").result(AlertJson.alertJson(alert, true).toString());
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
        Optional<JsonNode> body = Requests.jsonBody(ctx, true);
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
        ctx.status(202).contentType("application/json").result(Requests.JSON.createObjectNode()
                .put("alertId", id).put("commandId", command.getCommandId()).put("acknowledgedBy", actor).toString());
    }

}
