package dev.forewarn.scoring.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forewarn.scoring.model.RiskModel;
import dev.forewarn.service.HttpServers;
import dev.forewarn.service.auth.ApiKeys;
import dev.forewarn.service.auth.Scopes;
import dev.forewarn.service.Metrics;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service's own routing ({@link ScoringRouting}) on a real HTTP server, before Streams runs: what
 * a caller gets while the state is not ready, and for bad parameters. No broker needed.
 */
class ScoringRoutingTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final AtomicReference<KafkaStreams> streams = new AtomicReference<>();
    private Javalin http;

    @BeforeEach
    void start() {
        RiskResource risk = new RiskResource(streams::get, () -> new HostInfo("localhost", http.port()),
                new RiskModel(RiskModel.Config.defaults()), Clock.systemUTC(),
                ApiKeys.parse("reader:" + READER + ",writer:" + WRITER + ":owners:write", java.util.Set.of(Scopes.RISK_READ, Scopes.OWNERS_WRITE),
                        Scopes.SCORING));
        http = HttpServers.start("127.0.0.1", 0, 64 * 1024, () -> false, Metrics.prometheus("scoring-routing-test"),
                routes -> ScoringRouting.routes(routes, risk));
    }

    @AfterEach
    void stop() {
        http.stop();
    }

    private static final String READER = "reader-token-0123456789";
    private static final String WRITER = "writer-token-0123456789";

    private HttpResponse<String> get(String path) throws Exception {
        return get(path, READER);
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAnswerOnlyATokenWithRiskRead() throws Exception {
        HttpResponse<String> anonymous = get("/v1/risk/top", null);
        HttpResponse<String> unknown = get("/v1/risk/customers/C-1", "unknown-token-0123456789");
        HttpResponse<String> withoutScope = get("/v1/risk/customers/C-1", WRITER);

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(withoutScope.statusCode()).isEqualTo(403);
        assertThat(withoutScope.body()).contains("risk:read");
        assertThat(get("/v1/risk/customers/C-1", READER).statusCode()).as("past authentication: not ready yet").isEqualTo(503);
    }

    @Test
    void shouldAnswer503WithRetryAfterWhileTheStateIsNotReady() throws Exception {
        for (String path : new String[] {"/v1/risk/customers/C-1", "/v1/risk/products/P-1", "/v1/risk/top"}) {
            HttpResponse<String> answer = get(path);
            assertThat(answer.statusCode()).as(path).isEqualTo(503);
            assertThat(answer.headers().firstValue("Retry-After")).as(path).isPresent();
            assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        }
    }

    @Test
    void shouldNameTheParameterAndTheRuleOfABadQuery() throws Exception {
        HttpResponse<String> answer = get("/v1/risk/top?limit=0&entityType=SHOP");

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("limit").contains("entityType");
    }

    @Test
    void shouldServeItsOpenApiDocument() throws Exception {
        HttpResponse<String> answer = get("/openapi.json");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("/v1/risk/top");
    }
}
