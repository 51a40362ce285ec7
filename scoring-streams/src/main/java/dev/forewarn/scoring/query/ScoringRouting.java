package dev.forewarn.scoring.query;

import dev.forewarn.service.HttpServers;
import io.javalin.config.RoutesConfig;

/** The routes of scoring-streams, in one static place the service and tests both use: the risk queries and the OpenAPI document. */
public final class ScoringRouting {

    private ScoringRouting() {
    }

    public static void routes(RoutesConfig routes, RiskResource risk) {
        HttpServers.openApi(routes, "scoring-streams");
        risk.register(routes);
    }
}
