package dev.forewarn.alerting.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forewarn.alerting.topology.AlertViews;
import dev.forewarn.service.HttpServers;
import dev.forewarn.service.Metrics;
import dev.forewarn.service.auth.ApiKeys;
import dev.forewarn.service.auth.Scopes;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service's own routing ({@link AlertingRouting}) on a real HTTP server before Streams runs: each route asks for
 * its scope (401 without a valid token, 403 without the scope), and a caller that passes gets 503 while the views load.
 */
class AlertingRoutingTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String READER = "reader-token-0123456789";
    private static final String OPERATOR = "operator-token-0123456789";
    private Javalin http;

    @BeforeEach
    void start() {
        ApiKeys keys = ApiKeys.parse("reader:" + READER + ":alerts:read,operator:" + OPERATOR, Scopes.ALERTING, Scopes.ALERTING_DEFAULT);
        AlertViews views = new AlertViews(() -> null);
        http = HttpServers.start("127.0.0.1", 0, 64 * 1024, () -> false, Metrics.prometheus("alerting-routing-test"),
                routes -> AlertingRouting.routes(routes, keys, new AlertResource(views, null, Clock.systemUTC()),
                        new SilenceResource(views, null, Clock.systemUTC())));
    }

    @AfterEach
    void stop() {
        http.stop();
    }

    private int status(String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody())
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void shouldAskEachRouteForItsScope() throws Exception {
        assertThat(status("GET", "/v1/alerts", null)).isEqualTo(401);
        assertThat(status("GET", "/v1/alerts", "not-a-token-0123456789")).isEqualTo(401);
        assertThat(status("GET", "/v1/alerts", READER)).as("past authentication: the view is loading").isEqualTo(503);
        assertThat(status("GET", "/v1/silences", READER)).isEqualTo(503);
        assertThat(status("POST", "/v1/alerts/CUSTOMER:C-1/ack", READER)).isEqualTo(403);
        assertThat(status("POST", "/v1/silences", READER)).isEqualTo(403);
        assertThat(status("DELETE", "/v1/silences/s-1", READER)).isEqualTo(403);
        assertThat(status("POST", "/v1/alerts/CUSTOMER:C-1/ack", OPERATOR)).as("an unscoped token may acknowledge").isEqualTo(503);
        assertThat(status("DELETE", "/v1/silences/s-1", OPERATOR)).isEqualTo(503);
    }
}
