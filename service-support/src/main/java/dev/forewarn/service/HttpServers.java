package dev.forewarn.service;

import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** The one way Forewarn processes start an HTTP server, so every service has the same health endpoints. */
public final class HttpServers {

    private HttpServers() {
    }

    /**
     * Starts Jetty through Javalin on {@code host:port} (port 0 picks a free one) with
     * {@code GET /health/live} (always 200 while the process serves) and {@code GET /health/ready}
     * (200 when {@code ready} says so, else 503), then the service's own {@code routes}.
     */
    public static Javalin start(String host, int port, long maxRequestSize, BooleanSupplier ready,
                                Consumer<RoutesConfig> routes) {
        return Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            javalin.startup.showOldJavalinVersionWarning = false;
            javalin.jetty.host = host;
            javalin.jetty.port = port;
            javalin.http.maxRequestSize = maxRequestSize;
            javalin.http.prefer405over404 = true;
            javalin.routes.get("/health/live", ctx -> ctx.contentType("application/json").result("{\"status\":\"UP\"}"));
            javalin.routes.get("/health/ready", ctx -> {
                boolean isReady = ready.getAsBoolean();
                ctx.status(isReady ? 200 : 503).contentType("application/json")
                        .result(isReady ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
            });
            routes.accept(javalin.routes);
        }).start();
    }
}
