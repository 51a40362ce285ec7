package dev.forewarn.desk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forewarn.service.Env;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The desk's pages over HTTP, against a stand-in for alerting-service and scoring-streams that answers with their
 * documented JSON (the browser test runs the real ones): sign-in, cookies, CSRF, escaping of hostile values.
 */
class DeskPagesTest {

    private static final String TOKEN = "desk-test-token-0123456789";
    private static final String HOSTILE_ID = "C-<img src=x onerror=alert(1)>\"'";
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private Javalin backends;
    private Javalin desk;
    private final List<String> writes = new CopyOnWriteArrayList<>();
    private EvidenceIndex evidence;
    private String base;

    @BeforeEach
    void start() {
        backends = Javalin.create(config -> {
            config.routes.post("/v1/alerts/{id}/ack", ctx -> {
                writes.add(ctx.pathParam("id"));
                ctx.status(202).json(Map.of());
            });
            // alerting-service knows no token here (the desk's own token list signs in)
            config.routes.get("/v1/me", ctx -> ctx.status(401).json(Map.of("title", "Unauthorized")));
            config.routes.get("/v1/risk/top", ctx -> ctx.json(Map.of("items", List.of())));
            // The whole-list reads (at risk, quality) ask for sparse fields: here alerting fails them.
            config.routes.before("/v1/alerts", ctx -> {
                if (ctx.queryParam("fields") != null) {
                    ctx.status(503).json(Map.of("title", "Service Unavailable", "detail", "alert state is still loading"));
                    ctx.skipRemainingHandlers();
                }
            });
            config.routes.get("/v1/alerts", ctx -> ctx.json(Map.of("total", 1, "nextCursor", "abc",
                "alerts", List.of(Map.ofEntries(Map.entry("id", "CUSTOMER:" + HOSTILE_ID), Map.entry("entityType", "CUSTOMER"),
                        Map.entry("entityId", HOSTILE_ID), Map.entry("state", "FIRING"), Map.entry("level", "WARNING"),
                        Map.entry("score", 70.1), Map.entry("trend", "RISING"), Map.entry("firedAt", "2026-11-30T10:00:00Z"),
                        Map.entry("updatedAt", "2026-11-30T10:00:00Z"), Map.entry("ownerId", "am-<b>x</b>"), Map.entry("predicted", true),
                        Map.entry("projectedCriticalAt", "2026-12-01T10:00:00Z"), Map.entry("notifications", 1))))));
        }).start(0);
        String backendUrl = "http://127.0.0.1:" + backends.port();
        DeskConfig config = DeskConfig.fromEnv(new Env(Map.of("DESK_API_TOKENS", "tester:" + TOKEN, "DESK_ALERTING_URL", backendUrl,
                "DESK_SCORING_URL", backendUrl, "DESK_PORT", "0")));
        evidence = new EvidenceIndex(20, 1000, EscalationRule.defaults());
        DeskApp app = new DeskApp(config, new Sessions(config.sessionTtl(), Clock.systemUTC()), new Backend("alerting-service", backendUrl,
                Backend.client()), new Backend("scoring-streams", backendUrl, Backend.client()), evidence, Clock.systemUTC());
        desk = dev.forewarn.service.HttpServers.start("127.0.0.1", 0, 64 * 1024, () -> true,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), app::routes);
        base = "http://127.0.0.1:" + desk.port();
    }

    @AfterEach
    void stop() {
        desk.stop();
        backends.stop();
    }

    @Test
    void shouldSendAStrangerToSignInAndNeverRedirectElsewhereAfterwards() throws Exception {
        HttpResponse<String> inbox = get("/inbox?state=FIRING", null);
        // A page that moves on by itself (same-site, so a withheld SameSite=Strict cookie is sent again), not a redirect.
        assertThat(inbox.statusCode()).isEqualTo(200);
        assertThat(inbox.body()).contains("<meta http-equiv=\"refresh\" content=\"0;url=/sign-in?next=%2Finbox%3Fstate%3DFIRING\">")
                .doesNotContain("FIRING</");
        String session = signIn();
        HttpResponse<String> signInAgain = get("/sign-in?next=%2Finbox%3Fstate%3DFIRING", session);
        assertThat(signInAgain.statusCode()).as("signed in already: straight on").isEqualTo(302);
        assertThat(signInAgain.headers().firstValue("Location")).contains("/inbox?state=FIRING");
        assertThat(DeskApp.safeNext("//evil.example/x")).isEqualTo("/inbox");
        assertThat(DeskApp.safeNext("https://evil.example")).isEqualTo("/inbox");
        assertThat(DeskApp.safeNext("/\\evil.example")).isEqualTo("/inbox");
        assertThat(DeskApp.safeNext("/entities/customer/C-1")).isEqualTo("/entities/customer/C-1");
    }

    @Test
    void shouldSignInWithAStrictHttpOnlyCookieOnlyFromItsOwnForm() throws Exception {
        HttpResponse<String> page = get("/sign-in", null);
        String formCookie = cookie(page, DeskApp.PRE_SESSION_COOKIE);
        String csrf = field(page.body(), "csrf");

        assertThat(post("/sign-in", Map.of("token", TOKEN, "csrf", "forged"), formCookie).statusCode()).isEqualTo(403);
        assertThat(post("/sign-in", Map.of("token", "wrong-token-0123456789", "csrf", csrf), formCookie).statusCode()).isEqualTo(401);
        HttpResponse<String> signedIn = post("/sign-in", Map.of("token", TOKEN, "csrf", csrf, "next", "/owners"), formCookie);

        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(signedIn.headers().firstValue("Location")).contains("/owners");
        String setCookie = signedIn.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(DeskApp.SESSION_COOKIE + "="))
                .findFirst().orElseThrow();
        assertThat(setCookie).contains("HttpOnly").containsIgnoringCase("SameSite=Strict").doesNotContain(TOKEN);
    }

    @Test
    void shouldEscapeEveryValueFromSignalsAndRefuseAFormWithoutItsCsrfToken() throws Exception {
        String session = signIn();
        evidence.add(new EvidenceIndex.Signal("e-1", "COMPLAINT", "OPENED", HOSTILE_ID, "P-1", Instant.parse("2026-11-30T09:00:00Z"), 5,
                "<i>quality</i>", "K-1", "OPENED", null, null, "<script>alert('x')</script> \"quoted\" 😡"));

        String inbox = get("/inbox", session).body();
        assertThat(inbox).doesNotContain("<img src=x").contains("&lt;img src=x onerror=alert(1)&gt;").doesNotContain("<b>x</b>");
        String entity = get("/entities/customer/" + Backend.segment(HOSTILE_ID), session).body();
        assertThat(entity).doesNotContain("<script>alert").contains("&lt;script&gt;alert(").contains("😡")
                .doesNotContain("<i>quality</i>").doesNotContain("<img src=x");

        HttpResponse<String> forged = post("/alerts/CUSTOMER:C-1/ack", Map.of("comment", "x", "csrf", "forged"), session);
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(writes).isEmpty();
        HttpResponse<String> real = post("/alerts/CUSTOMER:C-1/ack", Map.of("comment", "x", "csrf", field(entity, "csrf")), session);
        assertThat(real.statusCode()).isEqualTo(303);
        assertThat(writes).containsExactly("CUSTOMER:C-1");
    }

    @Test
    void shouldSayAPageCannotBeShownRatherThanShowPartOfItsData() throws Exception {
        String session = signIn();

        for (String page : List.of("/at-risk", "/quality")) {
            HttpResponse<String> answer = get(page, session);
            assertThat(answer.statusCode()).as(page).isEqualTo(502);
            assertThat(answer.body()).as(page).contains("could not be read").contains("alert state is still loading");
        }
    }

    private String signIn() throws Exception {
        HttpResponse<String> page = get("/sign-in", null);
        String formCookie = cookie(page, DeskApp.PRE_SESSION_COOKIE);
        HttpResponse<String> signedIn = post("/sign-in", Map.of("token", TOKEN, "csrf", field(page.body(), "csrf")), formCookie);
        return cookie(signedIn, DeskApp.SESSION_COOKIE);
    }

    private HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, Map<String, String> form, String cookie) throws Exception {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String cookie(HttpResponse<String> response, String name) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).findFirst()
                .map(c -> c.substring(0, c.indexOf(';'))).orElseThrow(() -> new AssertionError("no cookie " + name));
    }

    private static String field(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
        if (!m.find()) {
            throw new AssertionError("no field " + name);
        }
        return m.group(1);
    }
}
