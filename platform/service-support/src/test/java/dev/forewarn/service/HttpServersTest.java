package dev.forewarn.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HttpServersTest {

    private static HttpResponse<String> call(Javalin server, String method, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAnswerReadinessFromTheServiceAndServeItsRoutes() throws Exception {
        AtomicBoolean ready = new AtomicBoolean(false);
        Javalin server = HttpServers.start("127.0.0.1", 0, 1024, ready::get, Metrics.prometheus("test"),
                routes -> routes.get("/hello", ctx -> ctx.result("hi")));
        try {
            assertThat(call(server, "GET", "/health/live").statusCode()).isEqualTo(200);
            assertThat(call(server, "GET", "/health/ready").statusCode()).isEqualTo(503);

            ready.set(true);

            assertThat(call(server, "GET", "/health/ready").statusCode()).isEqualTo(200);
            assertThat(call(server, "GET", "/hello").body()).isEqualTo("hi");
            assertThat(call(server, "DELETE", "/hello").statusCode()).isEqualTo(405);
        } finally {
            server.stop();
        }
    }

    @Test
    void shouldTimeRequestsByRouteTemplateAndExposeThemWithJvmMetrics() throws Exception {
        PrometheusMeterRegistry metrics = Metrics.prometheus("test");
        Javalin server = HttpServers.start("127.0.0.1", 0, 1024, () -> true, metrics,
                routes -> routes.get("/items/{id}", ctx -> ctx.status(201).result(ctx.pathParam("id"))));
        try {
            call(server, "GET", "/items/1");
            call(server, "GET", "/items/2");
            call(server, "GET", "/nowhere");

            HttpResponse<String> scrape = call(server, "GET", "/metrics");

            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.body())
                    .contains("http_server_requests_seconds_count{method=\"GET\",service=\"test\",status=\"201\",uri=\"/items/{id}\"} 2")
                    .contains("uri=\"NOT_FOUND\"")
                    .contains("http_server_requests_seconds_bucket{")
                    .contains("jvm_memory_used_bytes");
        } finally {
            server.stop();
        }
    }
}
