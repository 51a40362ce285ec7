package dev.forewarn.scoring.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forewarn.events.EntityType;
import dev.forewarn.scoring.model.EntityState;
import dev.forewarn.scoring.model.RiskModel;
import dev.forewarn.scoring.score.EntityStores;
import dev.forewarn.service.auth.ApiKeys;
import dev.forewarn.service.auth.Scopes;
import dev.forewarn.service.http.Auth;
import dev.forewarn.service.http.Problem;
import dev.forewarn.service.http.QueryParams;
import dev.forewarn.service.http.Violation;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@code /v1/risk/customers/{id}}, {@code /v1/risk/products/{id}} and {@code /v1/risk/top}: interactive
 * queries over the scorers' state stores. A key owned by another instance is answered through that
 * instance ({@link Instances}); while the owner is unknown or the store is migrating the answer is 503
 * with Retry-After, never a wrong 404. Scores are read at the current time (decayed), as
 * {@link RiskModel#explain} explains them.
 */
public final class RiskResource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<KafkaStreams> streams;
    private final Instances instances;
    private final RiskModel model;
    private final Clock clock;
    private final ApiKeys apiKeys;

    public RiskResource(Supplier<KafkaStreams> streams, Supplier<HostInfo> self, RiskModel model, Clock clock, ApiKeys apiKeys) {
        this.apiKeys = apiKeys;
        this.streams = streams;
        this.instances = new Instances(self);
        this.model = model;
        this.clock = clock;
    }

    void register(RoutesConfig routes) {
        routes.get("/v1/risk/customers/{id}", ctx -> authorized(ctx, () -> entity(ctx, EntityType.CUSTOMER, EntityStores.CUSTOMER_STATE)));
        routes.get("/v1/risk/products/{id}", ctx -> authorized(ctx, () -> entity(ctx, EntityType.PRODUCT, EntityStores.PRODUCT_STATE)));
        routes.get("/v1/risk/top", ctx -> authorized(ctx, () -> top(ctx)));
    }

    private interface Query {
        void run() throws Exception;
    }

    /** Runs {@code query} for a caller whose token has {@code risk:read}; 401/403 otherwise. */
    private void authorized(Context ctx, Query query) throws Exception {
        if (Auth.require(ctx, apiKeys, Scopes.RISK_READ).isPresent()) {
            query.run();
        }
    }

    private void entity(Context ctx, EntityType type, String store) throws Exception {
        String id = ctx.pathParam("id");
        KafkaStreams kafkaStreams = streams.get();
        if (kafkaStreams == null || kafkaStreams.state() != KafkaStreams.State.RUNNING) {
            Instances.unavailable(ctx, "the scoring state is not ready (" + (kafkaStreams == null ? "starting" : kafkaStreams.state()) + ")");
            return;
        }
        KeyQueryMetadata owner = kafkaStreams.queryMetadataForKey(store, id, Serdes.String().serializer());
        if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            Instances.unavailable(ctx, "the owner of " + type + " " + id + " is not known yet (rebalancing)");
            return;
        }
        if (!owner.activeHost().equals(instances.self())) {
            instances.forward(ctx, owner.activeHost());
            return;
        }
        EntityState state;
        try {
            // The owner's partition only: while its task is not running here yet (another stream thread may still be
            // restoring it) this throws and the answer is 503, where the store of every local partition would say null (a wrong 404).
            state = kafkaStreams.store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<String, EntityState>keyValueStore())
                    .withPartition(owner.partition())).get(id);
        } catch (InvalidStateStoreException e) {
            Instances.unavailable(ctx, "the store is migrating: " + e.getMessage());
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
            Instances.unavailable(ctx, "the scoring state is not ready");
            return;
        }
        String store = EntityStores.state(type);
        List<ObjectNode> entries = new ArrayList<>();
        long now = clock.millis();
        // Each task keeps its highest-ranked entities (EntityStores.TOP_SIZE ≥ the largest limit): read those, not every state.
        ReadOnlyKeyValueStore<String, EntityState> states = localStore(kafkaStreams, store);
        // The top store says which entities are in each task's top (its values are not kept current inside it); their
        // states' rank keys order them as their scores do at any common time: cut first, then explain only those. The cut
        // keeps a margin: an entity whose own clock is ahead of now (signals a few minutes in the future) is shown at its
        // clock, a hair more decayed than its rank says, and may trade places with a near-tie.
        record Ranked(String id, EntityState state, double rank) {
        }
        List<Ranked> ranks = new ArrayList<>();
        try (KeyValueIterator<String, Double> members = kafkaStreams.store(StoreQueryParameters.fromNameAndType(EntityStores.top(type),
                QueryableStoreTypes.<String, Double>keyValueStore())).all()) {
            while (members.hasNext()) {
                String id = members.next().key;
                EntityState state = states.get(id);
                if (state != null) {
                    ranks.add(new Ranked(id, state, model.rankKey(state)));
                }
            }
            ranks.sort(Comparator.comparingDouble(Ranked::rank).reversed().thenComparing(Ranked::id));
            for (Ranked ranked : ranks.subList(0, Math.min(limit + limit / 5 + 10, ranks.size()))) {
                entries.add(view(type, ranked.id(), ranked.state(), now));
            }
        } catch (InvalidStateStoreException e) {
            Instances.unavailable(ctx, "the store is migrating: " + e.getMessage());
            return;
        }
        if (ctx.header(Instances.FORWARDED) == null) {
            for (StreamsMetadata instance : kafkaStreams.metadataForAllStreamsClients()) {
                if (!instance.hostInfo().equals(instances.self()) && instance.stateStoreNames().contains(store)) {
                    HttpResponse<String> remote = instances.get(instance.hostInfo(), ctx.path() + "?entityType=" + type + "&limit=" + limit,
                            ctx.header("Authorization"));
                    if (remote.statusCode() != 200) {
                        Instances.unavailable(ctx, "instance " + instance.hostInfo() + " answered " + remote.statusCode());
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

    /** The entity's score, explanation and projection as of {@code now} (not before the entity's own clock). */
    private ObjectNode view(EntityType type, String id, EntityState s, long now) {
        return RiskJson.entity(type, id, s, model.explain(s, Math.max(now, s.evaluatedAt)));
    }
}
