package dev.forewarn.alerting.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forewarn.alerting.topology.AlertViews;
import dev.forewarn.events.OwnerAssignment;
import dev.forewarn.service.auth.ApiKeys;
import dev.forewarn.service.auth.Scopes;
import dev.forewarn.service.http.Auth;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * {@code GET /v1/owners}: the owner directory as alerting routes by it (who owns which customer or product, and how
 * they are reached); {@code GET /v1/me}: the caller's token name and scopes, which the quality desk asks at sign-in.
 */
final class DirectoryResource {

    private final AlertViews views;
    private final ApiKeys apiKeys;

    DirectoryResource(AlertViews views, ApiKeys apiKeys) {
        this.views = views;
        this.apiKeys = apiKeys;
    }

    void register(RoutesConfig routes, Requests requests) {
        routes.get("/v1/owners", ctx -> requests.guarded(ctx, Scopes.ALERTS_READ, actor -> owners(ctx)));
        routes.get("/v1/me", this::me);
    }

    /** Optional filters, each exact: {@code entityType}, {@code entityId}, {@code ownerId}. */
    private void owners(Context ctx) {
        String type = ctx.queryParam("entityType");
        String id = ctx.queryParam("entityId");
        String ownerId = ctx.queryParam("ownerId");
        ArrayNode items = Requests.JSON.createArrayNode();
        if (type != null && id != null) {
            OwnerAssignment one = views.owners().get(type + ":" + id);
            if (one != null && (ownerId == null || ownerId.equals(one.getOwnerId()))) {
                add(items, one);
            }
        } else {
            try (KeyValueIterator<String, OwnerAssignment> all = views.owners().all()) {
                all.forEachRemaining(entry -> {
                    OwnerAssignment o = entry.value;
                    if ((type == null || type.equals(o.getEntityType().name())) && (id == null || id.equals(o.getEntityId()))
                            && (ownerId == null || ownerId.equals(o.getOwnerId()))) {
                        add(items, o);
                    }
                });
            }
        }
        ObjectNode body = Requests.JSON.createObjectNode().put("total", items.size());
        body.set("owners", items);
        ctx.contentType("application/json").result(body.toString());
    }

    private static void add(ArrayNode items, OwnerAssignment o) {
        items.addObject().put("entityType", o.getEntityType().name()).put("entityId", o.getEntityId())
                .put("ownerId", o.getOwnerId()).put("ownerName", o.getOwnerName()).put("email", o.getEmail())
                .put("webhook", o.getWebhookUrl() != null).put("slack", o.getSlackWebhookUrl() != null)
                .put("escalationContact", o.getEscalationContact()).put("escalationEmail", o.getEscalationEmail())
                .put("updatedAt", o.getUpdatedAt().toString());
    }

    private void me(Context ctx) {
        Optional<ApiKeys.Caller> caller = apiKeys.caller(ApiKeys.presentedKey(ctx.header("Authorization"), ctx.header("X-API-Key")));
        if (caller.isEmpty()) {
            Auth.require(ctx, apiKeys, Scopes.ALERTS_READ); // answers the same 401 as every route
            return;
        }
        // "authenticated": false when the service runs without tokens (local run): then the answer proves nothing about the caller.
        ObjectNode body = Requests.JSON.createObjectNode().put("name", caller.get().name()).put("authenticated", apiKeys.enabled());
        ArrayNode scopes = body.putArray("scopes");
        new TreeSet<>(caller.get().scopes()).forEach(scopes::add);
        ctx.contentType("application/json").result(body.toString());
    }
}
