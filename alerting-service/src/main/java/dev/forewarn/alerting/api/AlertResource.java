package dev.forewarn.alerting.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forewarn.alerting.topology.AlertViews;
import dev.forewarn.events.Alert;
import dev.forewarn.events.AlertCommand;
import dev.forewarn.events.AlertCommandType;
import dev.forewarn.events.AlertFeedback;
import dev.forewarn.events.AlertState;
import dev.forewarn.events.FeedbackVerdict;
import dev.forewarn.service.auth.Scopes;
import dev.forewarn.service.http.Problem;
import dev.forewarn.service.http.Violation;
import dev.forewarn.topics.TopicCatalogue;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * {@code /v1/alerts}: list (filtered, sorted, paged by cursor), one with its history, acknowledge, feedback. Reads come from
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

    AlertViews views() {
        return views;
    }

    void register(RoutesConfig routes, Requests requests) {
        routes.get("/v1/alerts", ctx -> requests.guarded(ctx, Scopes.ALERTS_READ, actor -> list(ctx)));
        routes.get("/v1/alerts/{id}", ctx -> requests.guarded(ctx, Scopes.ALERTS_READ, actor -> one(ctx)));
        routes.post("/v1/alerts/{id}/ack", ctx -> requests.guarded(ctx, Scopes.ALERTS_WRITE, actor -> acknowledge(ctx, actor)));
        routes.post("/v1/alerts/{id}/feedback", ctx -> requests.guarded(ctx, Scopes.ALERTS_WRITE, actor -> feedback(ctx, actor)));
    }

    private void list(Context ctx) {
        List<Violation> violations = new ArrayList<>();
        AlertQuery query = AlertQuery.of(ctx, violations);
        if (!violations.isEmpty()) {
            Problem.send(ctx, 400, "Bad Request", "invalid query parameters", violations);
            return;
        }
        // Verdicts are few beside alerts: one pass over them, not a lookup per alert.
        Map<String, AlertFeedback> feedback = new HashMap<>();
        try (KeyValueIterator<String, AlertFeedback> all = views.feedback().all()) {
            all.forEachRemaining(entry -> feedback.put(entry.key, entry.value));
        }
        List<AlertQuery.Row> matching = new ArrayList<>();
        try (KeyValueIterator<String, Alert> all = views.alerts().all()) {
            while (all.hasNext()) {
                Alert alert = all.next().value;
                AlertFeedback verdict = feedback.get(alert.getAlertId());
                if (query.matches(alert, verdict)) {
                    matching.add(new AlertQuery.Row(alert, verdict));
                }
            }
        }
        AlertQuery.Page page = query.page(matching);
        ArrayNode items = Requests.JSON.createArrayNode();
        boolean history = "true".equals(ctx.queryParam("history"));
        for (AlertQuery.Row row : page.rows()) {
            ObjectNode json = AlertJson.alertJson(row.alert(), row.feedback(), history);
            if (!query.fields().isEmpty()) {
                json.retain(query.fields());
            }
            items.add(json);
        }
        ObjectNode body = Requests.JSON.createObjectNode().put("total", matching.size());
        body.set("alerts", items);
        body.put("nextCursor", page.nextCursor());
        ctx.contentType("application/json").result(body.toString());
    }

    private void one(Context ctx) {
        Alert alert = views.alerts().get(ctx.pathParam("id"));
        if (alert == null) {
            Problem.send(ctx, 404, "Not Found", "no alert " + ctx.pathParam("id"), List.of());
            return;
        }
        ctx.contentType("application/json").result(AlertJson.alertJson(alert, views.feedback().get(alert.getAlertId()), true).toString());
    }

    /** {@code {"verdict": "CONFIRMED" | "FALSE_ALARM", "comment": …}}: the latest verdict on an alert wins. */
    private void feedback(Context ctx, String actor) throws Exception {
        String id = ctx.pathParam("id");
        if (views.alerts().get(id) == null) {
            Problem.send(ctx, 404, "Not Found", "no alert " + id, List.of());
            return;
        }
        Optional<JsonNode> body = Requests.jsonBody(ctx, false);
        if (body == null) {
            return;
        }
        List<Violation> violations = new ArrayList<>();
        JsonNode verdictNode = body.get().path("verdict");
        FeedbackVerdict verdict = null;
        try {
            verdict = FeedbackVerdict.valueOf(verdictNode.asText(""));
        } catch (IllegalArgumentException e) {
            violations.add(new Violation("/verdict", verdictNode.isMissingNode() ? "required" : "enum",
                    "verdict must be one of " + java.util.Arrays.toString(FeedbackVerdict.values())));
        }
        String comment = Requests.text(body.get(), "comment", "/comment", violations);
        if (!violations.isEmpty()) {
            Problem.send(ctx, 422, "Unprocessable Content", "invalid feedback", violations);
            return;
        }
        AlertFeedback record = AlertFeedback.newBuilder().setAlertId(id).setVerdict(verdict).setComment(comment)
                .setActor(actor).setAt(clock.instant()).build();
        producer.send(new ProducerRecord<>(TopicCatalogue.ALERT_FEEDBACK.name(), id, record)).get(10, TimeUnit.SECONDS);
        ctx.status(202).contentType("application/json").result(Requests.JSON.createObjectNode()
                .put("alertId", id).put("verdict", verdict.name()).put("by", actor).toString());
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
