package dev.forewarn.scoring.query;

import dev.forewarn.service.http.Problem;
import dev.forewarn.service.http.QueryParams;
import dev.forewarn.service.http.Violation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forewarn.events.EntityType;
import dev.forewarn.scoring.ScoringTopology;
import dev.forewarn.scoring.model.EntityState;
import dev.forewarn.scoring.model.RiskModel;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Interactive queries over the scorers' state stores: one entity's score, explanation and
 * projection, and the riskiest entities. A key owned by another instance is answered through that
 * instance ({@code application.server}); while the owner is unknown or the store is migrating the
 * answer is 503 with Retry-After, never a wrong 404. Scores are read at the current time (decayed).
 */
public final class RiskQueries {

    static final String FORWARDED = "X-Forewarn-Forwarded";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<KafkaStreams> streams;
    private final Supplier<HostInfo> self;
    private final RiskModel model;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public RiskQueries(Supplier<KafkaStreams> streams, Supplier<HostInfo> self, RiskModel model, Clock clock) {
        this.streams = streams;
        this.self = self;
        this.model = model;
        this.clock = clock;
    }

    public void routes(RoutesConfig routes) {
        routes.get("/v1/risk/customers/{id}", ctx -> entity(ctx, EntityType.CUSTOMER, ScoringTopology.CUSTOMER_STATE));
        routes.get("/v1/risk/products/{id}", ctx -> entity(ctx, EntityType.PRODUCT, ScoringTopology.PRODUCT_STATE));
        routes.get("/v1/risk/top", this::top);
    }

    private void entity(Context ctx, EntityType type, String store) throws Exception {
        String id = ctx.pathParam("id");
        KafkaStreams kafkaStreams = streams.get();
        if (kafkaStreams == null || kafkaStreams.state() != KafkaStreams.State.RUNNING) {
            unavailable(ctx, "the scoring state is not ready (" + (kafkaStreams == null ? "starting" : kafkaStreams.state()) + ")");
            return;
        }
        KeyQueryMetadata owner = kafkaStreams.queryMetadataForKey(store, id, Serdes.String().serializer());
        if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            unavailable(ctx, "the owner of " + type + " " + id + " is not known yet (rebalancing)");
            return;
        }
        if (!owner.activeHost().equals(self.get())) {
            forward(ctx, owner.activeHost());
            return;
        }
        EntityState state;
        try {
            state = localStore(kafkaStreams, store).get(id);
        } catch (InvalidStateStoreException e) {
            unavailable(ctx, "the store is migrating: " + e.getMessage());
            return;
        }
        if (state == null) {
            Problem.send(ctx, 404, "Not Found", "no signals for " + type + " " + id, List.of());
            return;
        }
        ctx.contentType("application/json").result(view(type, id, state, clock.millis()).toString());
    }

    private void top(Context ctx) throws Exception {
        List<Violation> violations = new ArrayList<>();
        EntityType type = QueryParams.enumParam(ctx, "entityType", EntityType.class, violations).orElse(EntityType.CUSTOMER);
        int limit = QueryParams.intParam(ctx, "limit", 1, 1000, 20, violations);
        if (!violations.isEmpty()) {
            Problem.send(ctx, 400, "Bad Request", "invalid query parameters", violations);
            return;
        }
        KafkaStreams kafkaStreams = streams.get();
        if (kafkaStreams == null || kafkaStreams.state() != KafkaStreams.State.RUNNING) {
            unavailable(ctx, "the scoring state is not ready");
            return;
        }
        String store = type == EntityType.CUSTOMER ? ScoringTopology.CUSTOMER_STATE : ScoringTopology.PRODUCT_STATE;
        List<ObjectNode> entries = new ArrayList<>();
        long now = clock.millis();
        try (KeyValueIterator<String, EntityState> all = localStore(kafkaStreams, store).all()) {
            while (all.hasNext()) {
                KeyValue<String, EntityState> entry = all.next();
                entries.add(view(type, entry.key, entry.value, now));
            }
        } catch (InvalidStateStoreException e) {
            unavailable(ctx, "the store is migrating: " + e.getMessage());
            return;
        }
        if (ctx.header(FORWARDED) == null) {
            for (StreamsMetadata instance : kafkaStreams.metadataForAllStreamsClients()) {
                if (!instance.hostInfo().equals(self.get()) && instance.stateStoreNames().contains(store)) {
                    HttpResponse<String> remote = get(instance.hostInfo(), ctx.path() + "?entityType=" + type + "&limit=" + limit);
                    if (remote.statusCode() != 200) {
                        unavailable(ctx, "instance " + instance.hostInfo() + " answered " + remote.statusCode());
                        return;
                    }
                    JSON.readTree(remote.body()).path("items").forEach(item -> entries.add((ObjectNode) item));
                }
            }
        }
        entries.sort(Comparator.comparingDouble((ObjectNode n) -> n.path("score").asDouble()).reversed()
                .thenComparing(n -> n.path("entityId").asText()));
        ArrayNode items = JSON.createArrayNode();
        entries.stream().limit(limit).forEach(items::add);
        ObjectNode answer = JSON.createObjectNode();
        answer.set("items", items);
        ctx.contentType("application/json").result(answer.toString());
    }

    private static ReadOnlyKeyValueStore<String, EntityState> localStore(KafkaStreams streams, String store) {
        return streams.store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<String, EntityState>keyValueStore()));
    }

    /** The entity's score, explanation and projection as of {@code now}. */
    ObjectNode view(EntityType type, String id, EntityState s, long now) {
        long at = Math.max(now, s.evaluatedAt);
        ObjectNode view = JSON.createObjectNode()
                .put("entityType", type.name()).put("entityId", id)
                .put("score", model.score(s, at)).put("level", s.level.name())
                .put("pressure", Math.max(0, model.pressureAt(s, at))).put("inflowPerDay", model.inflowPerDay(s, at))
                .put("at", Instant.ofEpochMilli(at).toString());
        long projected = model.projectCritical(s, at);
        view.put("projectedCriticalAt", projected == EntityState.NONE ? null : Instant.ofEpochMilli(projected).toString());
        ObjectNode counts = view.putObject("counts");
        counts.put("negativeReports", s.negativeReports).put("improvementReports", s.improvementReports)
                .put("confirmationReports", s.confirmationReports).put("complaints", s.complaints).put("returns", s.returns);
        view.put("openComplaints", s.openComplaints()).put("breachedSlas", s.breachedSlas)
                .put("lastSignalAt", s.lastSignalAt == EntityState.NONE ? null : Instant.ofEpochMilli(s.lastSignalAt).toString());
        ArrayNode top = view.putArray("topContributors");
        double halfLife = model.config().halfLife().toMillis();
        for (EntityState.Contributor c : s.top) {
            top.addObject().put("eventId", c.eventId()).put("kind", c.kind().name()).put("productId", c.productId())
                    .put("occurredAt", Instant.ofEpochMilli(c.occurredAt()).toString()).put("weight", c.weight())
                    .put("weightNow", c.weight() * Math.pow(2, -(at - c.occurredAt()) / halfLife));
        }
        return view;
    }

    private void forward(Context ctx, HostInfo owner) throws Exception {
        if (ctx.header(FORWARDED) != null) {
            unavailable(ctx, "ownership is moving between instances");
            return;
        }
        HttpResponse<String> answer;
        try {
            answer = get(owner, ctx.path());
        } catch (java.io.IOException e) {
            unavailable(ctx, "the owning instance " + owner + " did not answer");
            return;
        }
        answer.headers().firstValue("Retry-After").ifPresent(v -> ctx.header("Retry-After", v));
        ctx.status(answer.statusCode()).contentType(answer.headers().firstValue("Content-Type").orElse("application/json"))
                .result(answer.body());
    }

    private HttpResponse<String> get(HostInfo host, String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery))
                .header(FORWARDED, self.get().host() + ":" + self.get().port()).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void unavailable(Context ctx, String detail) {
        ctx.header("Retry-After", "2");
        Problem.send(ctx, 503, "Service Unavailable", detail, List.of());
    }
}
