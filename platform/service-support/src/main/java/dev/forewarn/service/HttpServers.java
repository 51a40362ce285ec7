package dev.forewarn.service;

import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.eclipse.jetty.server.handler.GracefulHandler;

/**
 * The one way Forewarn processes start an HTTP server, so every service has the same health
 * endpoints, the same {@code /metrics} and the same request metrics.
 */
public final class HttpServers {

    /** Request timer: tags {@code method}, {@code uri} (the route template), {@code status}. */
    public static final String REQUEST_TIMER = "http.server.requests";

    /** How long {@code stop()} waits for requests in flight. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private HttpServers() {
    }

    /**
     * Starts Jetty through Javalin on {@code host:port} (port 0 picks a free one) with
     * {@code GET /health/live} (always 200 while the process serves), {@code GET /health/ready}
     * (200 when {@code ready} says so, else 503) and {@code GET /metrics} (Prometheus text), then
     * the service's own {@code routes}. Every request is timed into {@value #REQUEST_TIMER}.
     */
    public static Javalin start(String host, int port, long maxRequestSize, BooleanSupplier ready,
                                PrometheusMeterRegistry metrics, Consumer<RoutesConfig> routes) {
        // Readiness as a metric too, so Prometheus can alert on an instance that serves but is not ready.
        io.micrometer.core.instrument.Gauge.builder("forewarn.ready", ready, r -> r.getAsBoolean() ? 1 : 0)
                .description("1 while /health/ready answers 200").strongReference(true).register(metrics);
        return Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            javalin.startup.showOldJavalinVersionWarning = false;
            javalin.jetty.host = host;
            javalin.jetty.port = port;
            javalin.http.maxRequestSize = maxRequestSize;
            javalin.http.prefer405over404 = true;
            // Graceful stop: no new connections, requests already taken (async ones too) are answered first.
            javalin.jetty.modifyServer(server -> {
                server.setHandler(new GracefulHandler());
                server.setStopTimeout(STOP_TIMEOUT.toMillis());
            });
            javalin.requestLogger.http((ctx, millis) -> Timer.builder(REQUEST_TIMER)
                    .tag("method", ctx.method().name())
                    .tag("uri", routeOf(ctx))
                    .tag("status", Integer.toString(ctx.statusCode()))
                    .publishPercentileHistogram()
                    .register(metrics)
                    .record(Duration.ofNanos((long) (millis * 1_000_000d))));
            javalin.routes.get("/health/live", ctx -> ctx.contentType("application/json").result("{\"status\":\"UP\"}"));
            javalin.routes.get("/health/ready", ctx -> {
                boolean isReady = ready.getAsBoolean();
                ctx.status(isReady ? 200 : 503).contentType("application/json")
                        .result(isReady ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
            });
            javalin.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.scrape()));
            routes.accept(javalin.routes);
        }).start();
    }

    /**
     * {@code GET /openapi.json}: the class-path resource {@code openapi/<service>.json} (a path of
     * its own per service, so co-located services each serve theirs), read once; a missing document
     * fails the start, not the first request.
     */
    public static void openApi(RoutesConfig routes, String service) {
        String resource = "openapi/" + service + ".json";
        byte[] document;
        try (var in = HttpServers.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no " + resource + " on the class path");
            }
            document = in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + resource, e);
        }
        routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(document));
    }

    /** The matched route template ({@code /v1/owners/{entityType}/{entityId}}), never the raw path, to bound cardinality. */
    private static String routeOf(Context ctx) {
        Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
        return endpoint == null ? (ctx.statusCode() == 405 ? "METHOD_NOT_ALLOWED" : "NOT_FOUND") : endpoint.path;
    }
}
