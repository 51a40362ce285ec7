package dev.forewarn.alerting.api;

import dev.forewarn.service.HttpServers;
import dev.forewarn.service.auth.ApiKeys;
import dev.forewarn.service.http.Problem;
import io.javalin.config.RoutesConfig;
import java.util.List;

/**
 * The routes of alerting-service, in one static place the service and tests both use: the alert and
 * silence resources behind token authentication, the OpenAPI document, and problem+json for the
 * statuses Javalin answers itself.
 */
public final class AlertingRouting {

    private AlertingRouting() {
    }

    public static void routes(RoutesConfig routes, ApiKeys apiKeys, AlertResource alerts, SilenceResource silences) {
        HttpServers.openApi(routes, "alerting-service");
        Requests requests = new Requests(apiKeys);
        alerts.register(routes, requests);
        silences.register(routes, requests);
        new DirectoryResource(alerts.views(), apiKeys).register(routes, requests);
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
}
