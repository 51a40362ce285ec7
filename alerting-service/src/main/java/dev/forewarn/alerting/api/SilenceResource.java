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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/silences}: create, list, delete. A silence is written to {@code alerts.silences} and
 * answered once Kafka has it; the view follows within moments, so a silence just created may take
 * a moment to be listed.
 */
public final class SilenceResource {

    /**
     * Bounds on silences, so a mistake cannot mute an owner for ever or fill the global view.
     *
     * @param maxDuration      {@code ALERTING_SILENCE_MAX_DURATION}, default 90d: the longest a silence may last
     * @param maxActive        {@code ALERTING_MAX_SILENCES}, default 1000 pending or active silences
     * @param expiredRetention {@code ALERTING_SILENCE_RETENTION}, default 7d: how long an expired silence is still listed
     * @param purgeInterval    {@code ALERTING_SILENCE_PURGE_INTERVAL}, default 1h: how often expired silences are deleted
     */
    public record Limits(Duration maxDuration, int maxActive, Duration expiredRetention, Duration purgeInterval) {

        public static Limits defaults() {
            return new Limits(Duration.ofDays(90), 1000, Duration.ofDays(7), Duration.ofHours(1));
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(SilenceResource.class);

    private final AlertViews views;
    private final Producer<String, SpecificRecord> producer;
    private final Clock clock;
    private final Limits limits;

    public SilenceResource(AlertViews views, Producer<String, SpecificRecord> producer, Clock clock) {
        this(views, producer, clock, Limits.defaults());
    }

    public SilenceResource(AlertViews views, Producer<String, SpecificRecord> producer, Clock clock, Limits limits) {
        this.views = views;
        this.producer = producer;
        this.clock = clock;
        this.limits = limits;
    }

    /**
     * Deletes (tombstones) the silences that ended more than {@code expiredRetention} ago; returns how many. Every
     * instance may run it: a tombstone written twice deletes once. A view still loading purges nothing.
     */
    public int purgeExpired() {
        Instant cutoff = clock.instant().minus(limits.expiredRetention());
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, Silence> all = views.silences().all()) {
            all.forEachRemaining(entry -> {
                if (!entry.value.getEndsAt().isAfter(cutoff)) {
                    expired.add(entry.key);
                }
            });
        } catch (InvalidStateStoreException e) {
            return 0;
        }
        for (String id : expired) {
            producer.send(new ProducerRecord<>(TopicCatalogue.SILENCES.name(), id, null), (metadata, error) -> {
                if (error != null) { // the silence stays listed and the next purge tries again
                    LOG.warn("could not delete expired silence {}: {}", id, error.toString());
                }
            });
        }
        if (!expired.isEmpty()) {
            LOG.info("deleted {} silence(s) expired before {}", expired.size(), cutoff);
        }
        return expired.size();
    }

    private long pendingOrActive(Instant now) {
        long count = 0;
        try (KeyValueIterator<String, Silence> all = views.silences().all()) {
            while (all.hasNext()) {
                if (all.next().value.getEndsAt().isAfter(now)) {
                    count++;
                }
            }
        }
        return count;
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
        } else if (endsAt.isPresent() && Duration.between(startsAt, endsAt.get()).compareTo(limits.maxDuration()) > 0) {
            violations.add(new Violation("/endsAt", "max-duration", "a silence lasts at most " + limits.maxDuration().toDays()
                    + " days (ALERTING_SILENCE_MAX_DURATION); this one would last " + Duration.between(startsAt, endsAt.get()).toDays() + " days"));
        }
        String comment = Requests.text(body, "comment", "/comment", violations);
        if (comment == null && violations.stream().noneMatch(v -> v.pointer().equals("/comment"))) {
            violations.add(new Violation("/comment", "required", "say why the alerts are silenced"));
        }
        if (!violations.isEmpty()) {
            Problem.send(ctx, 422, "Unprocessable Content", "the silence is invalid", violations);
            return;
        }
        if (pendingOrActive(now) >= limits.maxActive()) {
            Problem.send(ctx, 422, "Unprocessable Content", "too many silences", List.of(new Violation("", "max-silences",
                    "there are already " + limits.maxActive() + " pending or active silences (ALERTING_MAX_SILENCES); expire some first")));
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
