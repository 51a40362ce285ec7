package dev.forewarn.desk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forewarn.service.links.AlertLinks;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The desk's pages. Every page is rendered on the server (jte, escaped by default) and works without JavaScript;
 * every form posts with the session's CSRF token; a GET never changes anything. Reads and writes go to
 * alerting-service and scoring-streams through their HTTP APIs with the signed-in person's token.
 */
public final class DeskApp {

    static final String SESSION_COOKIE = "forewarn_desk";
    static final String PRE_SESSION_COOKIE = "forewarn_desk_form";
    private static final Logger LOG = LoggerFactory.getLogger(DeskApp.class);
    private static final Pattern TYPE = Pattern.compile("customer|product");
    private static final int PAGE_SIZE = 50;
    private static final List<String> DURATIONS = List.of("1h", "4h", "1d", "3d", "7d");

    private final DeskConfig config;
    private final Sessions sessions;
    private final Backend alerting;
    private final Backend scoring;
    private final EvidenceIndex evidence;
    private final Clock clock;
    private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);

    public DeskApp(DeskConfig config, Sessions sessions, Backend alerting, Backend scoring, EvidenceIndex evidence, Clock clock) {
        this.config = config;
        this.sessions = sessions;
        this.alerting = alerting;
        this.scoring = scoring;
        this.evidence = evidence;
        this.clock = clock;
    }

    public void routes(RoutesConfig routes) {
        routes.before(ctx -> {
            ctx.header("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                    + "frame-ancestors 'none'; base-uri 'none'");
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("Referrer-Policy", "same-origin");
            ctx.header("Cache-Control", "no-store");
        });
        routes.get("/", ctx -> ctx.redirect("/inbox"));
        routes.get("/static/desk.css", ctx -> staticFile(ctx, "desk.css", "text/css; charset=utf-8"));
        routes.get("/static/favicon.svg", ctx -> staticFile(ctx, "favicon.svg", "image/svg+xml"));
        routes.get("/favicon.ico", ctx -> staticFile(ctx, "favicon.svg", "image/svg+xml"));
        routes.get("/sign-in", ctx -> signInPage(ctx, null, 200));
        routes.post("/sign-in", this::signIn);
        routes.post("/sign-out", ctx -> withSession(ctx, true, s -> {
            sessions.close(s.id());
            ctx.cookie(cookie(SESSION_COOKIE, "", 0));
            ctx.redirect("/sign-in");
        }));
        routes.get("/inbox", ctx -> withSession(ctx, false, s -> inbox(ctx, s)));
        routes.get("/at-risk", ctx -> withSession(ctx, false, s -> atRisk(ctx, s)));
        routes.get("/entities/{type}/{id}", ctx -> withSession(ctx, false, s -> entity(ctx, s)));
        routes.get("/alerts/{id}", ctx -> withSession(ctx, false, s -> ctx.redirect(View.alertPath(ctx.pathParam("id")))));
        routes.post("/alerts/{id}/ack", ctx -> withSession(ctx, true, s -> acknowledge(ctx, s)));
        routes.post("/alerts/{id}/feedback", ctx -> withSession(ctx, true, s -> feedback(ctx, s)));
        routes.get("/silences", ctx -> withSession(ctx, false, s -> silences(ctx, s, null, 200)));
        routes.post("/silences", ctx -> withSession(ctx, true, s -> createSilence(ctx, s)));
        routes.post("/silences/{id}/expire", ctx -> withSession(ctx, true, s -> expireSilence(ctx, s)));
        routes.get("/owners", ctx -> withSession(ctx, false, s -> owners(ctx, s)));
        routes.get("/quality", ctx -> withSession(ctx, false, s -> quality(ctx, s)));
        routes.get("/ack/{id}", this::ackLinkPage);
        routes.post("/ack/{id}", this::ackLinkConfirm);
        routes.exception(BackendFailure.class, (e, ctx) -> message(ctx, 502, "Not available",
                "The data of this page could not be read: " + e.getMessage()));
        routes.error(404, "*", ctx -> {
            if (ctx.result() == null) {
                message(ctx, 404, "Not found", "There is no page at this address.");
            }
        });
        routes.error(405, "*", ctx -> {
            if (ctx.result() == null) {
                message(ctx, 405, "Not allowed", "This address does not take " + ctx.method() + ".");
            }
        });
    }

    // ---- sessions ----------------------------------------------------------------------------------------------

    private interface SessionHandler {
        void handle(Sessions.Session session) throws Exception;
    }

    /** Runs {@code handler} for a signed-in person (a POST must carry the session's CSRF token); otherwise to sign-in. */
    private void withSession(Context ctx, boolean post, SessionHandler handler) throws Exception {
        Optional<Sessions.Session> session = sessions.find(ctx.cookie(SESSION_COOKIE));
        if (session.isEmpty()) {
            if (post) {
                message(ctx, 401, "Signed out", "Your session has ended. Sign in again, then repeat the action.");
            } else {
                // Not a redirect: a link from an e-mail or Slack is a cross-site navigation, on which the browser withholds the
                // SameSite=Strict cookie (and on the redirects that follow it). The page's own refresh is a same-site navigation,
                // so a person already signed in arrives at the sign-in page with the cookie and goes straight on.
                String next = "/sign-in?next=" + java.net.URLEncoder.encode(ctx.path() + (ctx.queryString() == null ? "" : "?"
                        + ctx.queryString()), StandardCharsets.UTF_8);
                Map<String, Object> model = new HashMap<>();
                model.put("page", new View.Page("Sign-in needed", "message", null, "", null));
                model.put("next", next);
                render(ctx, "continue.jte", model);
            }
            return;
        }
        if (post && !session.get().csrfMatches(ctx.formParam("csrf"))) {
            message(ctx, 403, "Refused", "The form was not sent from this desk (its CSRF token is missing or wrong). Reload the page and try again.");
            return;
        }
        handler.handle(session.get());
    }

    private void signInPage(Context ctx, String error, int status) {
        if (error == null && sessions.find(ctx.cookie(SESSION_COOKIE)).isPresent()) {
            ctx.redirect(safeNext(ctx.queryParam("next")));
            return;
        }
        String formToken = ctx.cookie(PRE_SESSION_COOKIE);
        if (formToken == null || formToken.length() < 32) {
            formToken = Sessions.random();
            ctx.cookie(cookie(PRE_SESSION_COOKIE, formToken, 600));
        }
        Map<String, Object> model = new HashMap<>();
        model.put("page", new View.Page("Sign in", "sign-in", null, formToken, error));
        model.put("next", safeNext(ctx.queryParam("next")));
        ctx.status(status);
        render(ctx, "signin.jte", model);
    }

    private void signIn(Context ctx) {
        if (!formTokenMatches(ctx)) {
            signInPage(ctx, "The sign-in form expired. Please try again.", 403);
            return;
        }
        String token = Optional.ofNullable(ctx.formParam("token")).map(String::strip).orElse("");
        if (token.isEmpty()) {
            signInPage(ctx, "Enter your API token.", 422);
            return;
        }
        Optional<String> name = config.signInTokens().flatMap(keys -> keys.caller(token)).map(c -> c.name());
        if (name.isEmpty()) {
            Backend.Response me = alerting.get("/v1/me", Map.of(), token);
            if (me.status() == 401 || me.status() == 403 || me.ok() && !me.body().path("authenticated").asBoolean(true)) {
                // Unknown to alerting-service, or alerting-service checks no tokens (then only DESK_API_TOKENS sign in).
                signInPage(ctx, "This token is not valid here.", 401);
                return;
            }
            if (!me.ok()) {
                signInPage(ctx, "alerting-service could not check the token: " + me.problem(), 503);
                return;
            }
            Set<String> scopes = new HashSet<>();
            me.body().path("scopes").forEach(s -> scopes.add(s.asText()));
            if (!scopes.contains("alerts:read") && !scopes.contains("desk") && !scopes.contains("*")) {
                signInPage(ctx, "This token may not read alerts (it needs the alerts:read or desk scope).", 403);
                return;
            }
            name = Optional.of(me.body().path("name").asText("signed-in"));
        }
        Sessions.Session session = sessions.open(name.get(), token);
        ctx.cookie(cookie(SESSION_COOKIE, session.id(), (int) sessions.ttl().toSeconds()));
        ctx.cookie(cookie(PRE_SESSION_COOKIE, "", 0));
        LOG.info("desk sign-in by {}", name.get().replaceAll("[\\r\\n]", "_"));
        ctx.redirect(safeNext(ctx.formParam("next")));
    }

    /** Whether a form without a session (sign-in, acknowledge link) carries the token of its cookie (double submit). */
    private static boolean formTokenMatches(Context ctx) {
        String formToken = ctx.cookie(PRE_SESSION_COOKIE);
        String presented = ctx.formParam("csrf");
        return formToken != null && presented != null
                && java.security.MessageDigest.isEqual(formToken.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    /** Only a path of this site (no scheme, no host, no {@code //}): never an open redirect. */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || next.contains("\r")
                || next.contains("\n")) {
            return "/inbox";
        }
        return next;
    }

    private Cookie cookie(String name, String value, int maxAge) {
        Cookie cookie = new Cookie(name, value);
        cookie.setPath("/");
        cookie.setMaxAge(maxAge);
        cookie.setHttpOnly(true);
        cookie.setSecure(config.secureCookies());
        cookie.setSameSite(SameSite.STRICT);
        return cookie;
    }

    // ---- inbox -------------------------------------------------------------------------------------------------

    private void inbox(Context ctx, Sessions.Session s) {
        Map<String, String> filters = new LinkedHashMap<>();
        for (String name : List.of("state", "level", "entityType", "owner", "q", "feedback", "sort", "cursor")) {
            String value = ctx.queryParam(name);
            filters.put(name, value == null ? "" : value.strip());
        }
        Map<String, String> query = new LinkedHashMap<>(filters);
        query.put("limit", Integer.toString(PAGE_SIZE));
        Backend.Response alerts = alerting.get("/v1/alerts", query, s.token());
        Map<String, Object> model = model(s, "Inbox", "inbox", notice(ctx));
        model.put("filters", filters);
        model.put("alerts", alerts);
        model.put("now", clock.instant());
        if (alerts.ok() && !alerts.body().path("nextCursor").isNull()) {
            Map<String, String> next = new LinkedHashMap<>(filters);
            next.put("cursor", alerts.body().path("nextCursor").asText());
            model.put("nextPage", "/inbox" + Backend.queryString(next));
        } else {
            model.put("nextPage", null);
        }
        model.put("firstPage", filters.get("cursor").isEmpty() ? null : "/inbox" + Backend.queryString(withoutCursor(filters)));
        ctx.status(alerts.ok() ? 200 : alerts.status() == 400 ? 400 : 502);
        render(ctx, "inbox.jte", model);
    }

    private static Map<String, String> withoutCursor(Map<String, String> filters) {
        Map<String, String> copy = new LinkedHashMap<>(filters);
        copy.remove("cursor");
        return copy;
    }

    // ---- at risk -----------------------------------------------------------------------------------------------

    private void atRisk(Context ctx, Sessions.Session s) {
        String type = "PRODUCT".equalsIgnoreCase(ctx.queryParam("entityType")) ? "PRODUCT" : "CUSTOMER";
        String by = "critical".equals(ctx.queryParam("by")) ? "critical" : "score";
        CompletableFuture<Backend.Response> scores = scoring.getAsync("/v1/risk/top", Map.of("entityType", type, "limit", "1000"),
                scoringToken(s));
        Set<String> alerted = unresolvedAlertIds(type, s.token());
        Backend.Response top = scores.join();
        List<JsonNode> entities = new ArrayList<>();
        if (top.ok()) {
            top.body().path("items").forEach(item -> {
                if (!alerted.contains(type + ":" + item.path("entityId").asText()) && !"OK".equals(item.path("level").asText())) {
                    entities.add(item);
                }
            });
        }
        if (by.equals("critical")) {
            entities.removeIf(e -> e.path("projectedCriticalAt").isNull());
            entities.sort(Comparator.comparing((JsonNode e) -> e.path("projectedCriticalAt").asText()));
        }
        Map<String, Object> model = model(s, "At risk, not yet alerted", "at-risk", null);
        model.put("entityType", type);
        model.put("by", by);
        model.put("top", top);
        model.put("entities", entities.stream().limit(PAGE_SIZE).toList());
        model.put("now", clock.instant());
        ctx.status(top.ok() ? 200 : 502);
        render(ctx, "atrisk.jte", model);
    }

    /** Ids of alerts not yet resolved, of one entity type. */
    private Set<String> unresolvedAlertIds(String type, String token) {
        Set<String> ids = new HashSet<>();
        allPages(Map.of("state", "FIRING,ACKNOWLEDGED,RESOLVING", "entityType", type, "fields", "id", "limit", "10000"), token)
                .forEach(a -> ids.add(a.path("id").asText()));
        return ids;
    }

    /** A backend answered a list request with an error: the page says so instead of showing part of the data. */
    public static final class BackendFailure extends RuntimeException {
        private final Backend.Response response;

        BackendFailure(String backend, Backend.Response response) {
            super(backend + ": " + response.problem());
            this.response = response;
        }

        public Backend.Response response() {
            return response;
        }
    }

    /** Every alert matching {@code query}, following the cursor; {@link BackendFailure} if a page fails. */
    private List<JsonNode> allPages(Map<String, String> query, String token) {
        List<JsonNode> all = new ArrayList<>();
        Map<String, String> page = new HashMap<>(query);
        for (int i = 0; i < 1000; i++) {
            Backend.Response response = alerting.get("/v1/alerts", page, token);
            if (!response.ok()) {
                // Never a partial list taken for the whole: at risk would show alerted entities, the quality page zeros.
                throw new BackendFailure(alerting.name(), response);
            }
            response.body().path("alerts").forEach(all::add);
            JsonNode next = response.body().path("nextCursor");
            if (next.isNull() || next.isMissingNode()) {
                break;
            }
            page.put("cursor", next.asText());
        }
        return all;
    }

    // ---- entity ------------------------------------------------------------------------------------------------

    private void entity(Context ctx, Sessions.Session s) {
        String type = ctx.pathParam("type").toLowerCase(Locale.ROOT);
        if (!TYPE.matcher(type).matches()) {
            message(ctx, 404, "Not found", "Entities are customers or products.");
            return;
        }
        String id = ctx.pathParam("id");
        String entityType = type.toUpperCase(Locale.ROOT);
        Backend.Response risk = scoring.get("/v1/risk/" + type + "s/" + Backend.segment(id), Map.of(), scoringToken(s));
        Backend.Response alert = alerting.get("/v1/alerts/" + Backend.segment(entityType + ":" + id), Map.of(), s.token());
        Backend.Response owner = alerting.get("/v1/owners", Map.of("entityType", entityType, "entityId", id), s.token());
        List<EvidenceIndex.Signal> signals = type.equals("customer") ? evidence.ofCustomer(id) : evidence.ofProduct(id);
        if (risk.status() == 404 && alert.status() == 404 && signals.isEmpty()) {
            message(ctx, 404, "Not found", "Forewarn knows nothing of " + type + " " + id + ".");
            return;
        }
        Set<String> reasonIds = new HashSet<>();
        risk.body().path("topContributors").forEach(r -> reasonIds.add(r.path("eventId").asText()));
        Map<String, Object> model = model(s, type.equals("customer") ? "Customer " + id : "Product " + id, "entity", notice(ctx));
        model.put("entityType", entityType);
        model.put("entityId", id);
        model.put("risk", risk);
        model.put("alert", alert);
        model.put("owner", owner.ok() && owner.body().path("owners").size() > 0 ? owner.body().path("owners").get(0) : null);
        model.put("signals", signals);
        model.put("reasonIds", reasonIds);
        model.put("customers", type.equals("product") ? evidence.customersOf(id).stream().limit(100).toList() : List.of());
        model.put("sourceLinks", config.sourceLinkTemplate());
        model.put("durations", DURATIONS);
        model.put("now", clock.instant());
        model.put("evidenceLoading", !evidence.caughtUp());
        model.put("deliveries", evidence.deliveries(entityType + ":" + id));
        render(ctx, "entity.jte", model);
    }

    private void acknowledge(Context ctx, Sessions.Session s) {
        String id = ctx.pathParam("id");
        ObjectNode body = Backend.JSON.createObjectNode();
        String comment = blankToNull(ctx.formParam("comment"));
        if (comment != null) {
            body.put("comment", comment);
        }
        Backend.Response response = alerting.post("/v1/alerts/" + Backend.segment(id) + "/ack", body, s.token());
        afterAction(ctx, response, View.alertPath(id), "Acknowledged: repeats stop until the level rises or the timeout passes.");
    }

    private void feedback(Context ctx, Sessions.Session s) {
        String id = ctx.pathParam("id");
        ObjectNode body = Backend.JSON.createObjectNode().put("verdict", Optional.ofNullable(ctx.formParam("verdict")).orElse(""));
        String comment = blankToNull(ctx.formParam("comment"));
        if (comment != null) {
            body.put("comment", comment);
        }
        Backend.Response response = alerting.post("/v1/alerts/" + Backend.segment(id) + "/feedback", body, s.token());
        afterAction(ctx, response, View.alertPath(id), "Thank you: your feedback is counted in “How good are the warnings”.");
    }

    /** After a POST: back to {@code target} with a notice (303, so a reload does not post again), or the error. */
    private void afterAction(Context ctx, Backend.Response response, String target, String done) {
        if (response.ok()) {
            ctx.redirect(target + (target.contains("?") ? "&" : "?") + "done=" + java.net.URLEncoder.encode(done, StandardCharsets.UTF_8),
                    io.javalin.http.HttpStatus.SEE_OTHER);
            return;
        }
        message(ctx, response.status() >= 500 ? 502 : response.status(), "Not done", response.problem());
    }

    // ---- silences ----------------------------------------------------------------------------------------------

    private void silences(Context ctx, Sessions.Session s, String error, int status) {
        Backend.Response list = alerting.get("/v1/silences", Map.of(), s.token());
        Map<String, Object> model = model(s, "Silences", "silences", error != null ? error : notice(ctx));
        model.put("silences", list);
        Map<String, String> prefill = new HashMap<>();
        for (String name : List.of("entityType", "entityId", "ownerId", "comment", "duration", "endsAt")) {
            String value = ctx.queryParam(name) != null ? ctx.queryParam(name) : ctx.formParam(name);
            prefill.put(name, value == null ? "" : value);
        }
        model.put("prefill", prefill);
        model.put("durations", DURATIONS);
        model.put("now", clock.instant());
        ctx.status(status == 200 && !list.ok() ? 502 : status);
        render(ctx, "silences.jte", model);
    }

    private void createSilence(Context ctx, Sessions.Session s) {
        ObjectNode body = Backend.JSON.createObjectNode();
        ObjectNode matchers = body.putObject("matchers");
        putIfPresent(matchers, "entityType", ctx.formParam("entityType"));
        putIfPresent(matchers, "entityId", ctx.formParam("entityId"));
        putIfPresent(matchers, "ownerId", ctx.formParam("ownerId"));
        putIfPresent(body, "comment", ctx.formParam("comment"));
        Instant now = clock.instant();
        String endsAt = blankToNull(ctx.formParam("endsAt"));
        String duration = blankToNull(ctx.formParam("duration"));
        if (endsAt != null) {
            try {
                // A datetime-local field: minutes, in UTC as the page says.
                body.put("endsAt", java.time.LocalDateTime.parse(endsAt).toInstant(java.time.ZoneOffset.UTC).toString());
            } catch (DateTimeParseException e) {
                silences(ctx, s, "End time: use the form yyyy-mm-ddThh:mm (UTC).", 422);
                return;
            }
        } else if (duration != null && DURATIONS.contains(duration)) {
            body.put("endsAt", now.plus(dev.forewarn.service.Env.parseDuration(duration)).toString());
        } else {
            silences(ctx, s, "Choose how long the silence lasts, or an end time.", 422);
            return;
        }
        Backend.Response response = alerting.post("/v1/silences", body, s.token());
        if (response.status() == 422 || response.status() == 400) {
            silences(ctx, s, response.problem(), 422);
            return;
        }
        afterAction(ctx, response, "/silences", "Silence created: matching alerts are not notified until it ends.");
    }

    private void expireSilence(Context ctx, Sessions.Session s) {
        Backend.Response response = alerting.delete("/v1/silences/" + Backend.segment(ctx.pathParam("id")), s.token());
        afterAction(ctx, response, "/silences", "Silence expired: notifications it held are sent now.");
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        String v = blankToNull(value);
        if (v != null) {
            node.put(field, v);
        }
    }

    // ---- owners and coverage -----------------------------------------------------------------------------------

    private void owners(Context ctx, Sessions.Session s) {
        Map<String, CompletableFuture<Backend.Response>> tops = new LinkedHashMap<>();
        for (String type : List.of("CUSTOMER", "PRODUCT")) {
            tops.put(type, scoring.getAsync("/v1/risk/top", Map.of("entityType", type, "limit", "1000"), scoringToken(s)));
        }
        Backend.Response directory = alerting.get("/v1/owners", Map.of(), s.token());
        Set<String> owned = new HashSet<>();
        directory.body().path("owners").forEach(o -> owned.add(o.path("entityType").asText() + ":" + o.path("entityId").asText()));
        List<JsonNode> uncovered = new ArrayList<>();
        boolean scoringOk = true;
        for (String type : tops.keySet()) {
            Backend.Response top = tops.get(type).join();
            scoringOk &= top.ok();
            top.body().path("items").forEach(item -> {
                String level = item.path("level").asText();
                if ((level.equals("WARNING") || level.equals("CRITICAL")) && !owned.contains(type + ":" + item.path("entityId").asText())) {
                    uncovered.add(item);
                }
            });
        }
        Map<String, Object> model = model(s, "Owners and coverage", "owners", null);
        model.put("directory", directory);
        model.put("uncovered", uncovered);
        model.put("scoringOk", scoringOk);
        render(ctx, "owners.jte", model);
    }

    // ---- how good are the warnings -----------------------------------------------------------------------------

    private void quality(Context ctx, Sessions.Session s) {
        int days = 30;
        try {
            days = Math.max(1, Math.min(400, Integer.parseInt(Optional.ofNullable(ctx.queryParam("days")).orElse("30"))));
        } catch (NumberFormatException e) {
            // the default period
        }
        Instant to = clock.instant();
        Instant from = to.minus(Duration.ofDays(days));
        QualityReport report = report(from, to, s.token());
        Map<String, Object> model = model(s, "How good are the warnings", "quality", null);
        model.put("days", days);
        model.put("report", report);
        model.put("escalation", evidence.escalation().describe());
        model.put("evidenceLoading", !evidence.caughtUp());
        render(ctx, "quality.jte", model);
    }

    /** The report over [{@code from}, {@code to}), from every alert (with history) and the evidence index. */
    public QualityReport report(Instant from, Instant to, String token) {
        List<JsonNode> alerts = allPages(Map.of("limit", "10000", "fields", "id,firedAt,firedScoredAt,feedback"), token);
        return QualityReport.compute(alerts, evidence.escalations(from, to), from, to);
    }

    // ---- signed acknowledge links ------------------------------------------------------------------------------

    private void ackLinkPage(Context ctx) {
        String id = ctx.pathParam("id");
        Optional<Long> expires = signedLink(ctx, ctx.queryParam("exp"), ctx.queryParam("sig"));
        if (expires.isEmpty()) {
            return;
        }
        String formToken = Sessions.random();
        ctx.cookie(cookie(PRE_SESSION_COOKIE, formToken, 600));
        Backend.Response alert = alerting.get("/v1/alerts/" + Backend.segment(id), Map.of(), ackToken(ctx));
        Map<String, Object> model = new HashMap<>();
        model.put("page", new View.Page("Acknowledge " + id, "ack", sessions.find(ctx.cookie(SESSION_COOKIE)).map(Sessions.Session::name)
                .orElse(null), formToken, null));
        model.put("alertId", id);
        model.put("alert", alert);
        model.put("exp", expires.get());
        model.put("sig", ctx.queryParam("sig"));
        model.put("now", clock.instant());
        render(ctx, "ack.jte", model);
    }

    private void ackLinkConfirm(Context ctx) {
        String id = ctx.pathParam("id");
        Optional<Long> expires = signedLink(ctx, ctx.formParam("exp"), ctx.formParam("sig"));
        if (expires.isEmpty()) {
            return;
        }
        if (!formTokenMatches(ctx)) {
            message(ctx, 403, "Refused", "Open the link from your notification again and press the button on that page.");
            return;
        }
        ObjectNode body = Backend.JSON.createObjectNode().put("comment", Optional.ofNullable(blankToNull(ctx.formParam("comment")))
                .orElse("acknowledged through a signed link"));
        Backend.Response response = alerting.post("/v1/alerts/" + Backend.segment(id) + "/ack", body, ackToken(ctx));
        if (!response.ok()) {
            message(ctx, response.status() == 409 ? 409 : 502, "Not acknowledged", response.problem());
            return;
        }
        message(ctx, 200, "Acknowledged", "Alert " + id + " is acknowledged (the desk shows it within moments). Its owner is not reminded"
                + " again unless its level rises.");
    }

    /** The link's expiry if its signature holds; otherwise answers with why not. */
    private Optional<Long> signedLink(Context ctx, String exp, String sig) {
        if (config.ackSecret().isEmpty()) {
            message(ctx, 404, "No one-click links", "This desk does not accept acknowledge links (DESK_ACK_LINK_SECRET is not set).");
            return Optional.empty();
        }
        long expires;
        try {
            expires = Long.parseLong(exp == null ? "" : exp);
        } catch (NumberFormatException e) {
            message(ctx, 400, "Broken link", "This acknowledge link is incomplete: copy the whole link from the notification.");
            return Optional.empty();
        }
        if (clock.instant().getEpochSecond() >= expires) {
            message(ctx, 410, "Link expired", "This acknowledge link has expired. Open the alert in the desk to acknowledge it.");
            return Optional.empty();
        }
        if (!AlertLinks.verify(config.ackSecret().get(), ctx.pathParam("id"), expires, sig, clock.instant())) {
            message(ctx, 403, "Invalid link", "This acknowledge link is not valid: it was changed or signed with another key.");
            return Optional.empty();
        }
        return Optional.of(expires);
    }

    /** A signed-in person acknowledges as themselves; otherwise the desk's service token does. */
    private String ackToken(Context ctx) {
        return sessions.find(ctx.cookie(SESSION_COOKIE)).map(Sessions.Session::token).orElse(config.serviceToken().orElse(null));
    }

    private String scoringToken(Sessions.Session s) {
        return config.scoringToken().orElse(s.token());
    }

    // ---- rendering ---------------------------------------------------------------------------------------------

    private Map<String, Object> model(Sessions.Session s, String title, String section, String notice) {
        Map<String, Object> model = new HashMap<>();
        model.put("page", new View.Page(title, section, s.name(), s.csrf(), notice));
        return model;
    }

    private static String notice(Context ctx) {
        String done = ctx.queryParam("done");
        return done == null || done.length() > 300 ? null : done;
    }

    private void message(Context ctx, int status, String title, String text) {
        Map<String, Object> model = new HashMap<>();
        Optional<Sessions.Session> session = sessions.find(ctx.cookie(SESSION_COOKIE));
        model.put("page", new View.Page(title, "message", session.map(Sessions.Session::name).orElse(null),
                session.map(Sessions.Session::csrf).orElse(""), null));
        model.put("text", text);
        ctx.status(status);
        render(ctx, "message.jte", model);
    }

    private void render(Context ctx, String template, Map<String, Object> model) {
        StringOutput output = new StringOutput();
        templates.render(template, model, output);
        ctx.contentType("text/html; charset=utf-8").result(output.toString());
    }

    private static void staticFile(Context ctx, String name, String type) throws java.io.IOException {
        try (var in = DeskApp.class.getResourceAsStream("/desk/" + name)) {
            ctx.header("Cache-Control", "public, max-age=3600").contentType(type).result(in.readAllBytes());
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
