package dev.forewarn.alerting.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forewarn.service.auth.ApiKeys;
import dev.forewarn.service.http.Auth;
import dev.forewarn.service.http.Problem;
import dev.forewarn.service.http.Violation;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * What every route of the alerting API shares: authentication by token (the name is the actor),
 * problem+json for a view still loading or a write Kafka did not acknowledge, and reading JSON bodies
 * and their fields with violations naming the field and the rule.
 */
final class Requests {

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** A route's work, once the caller is known. */
    interface Handler {
        void handle(String actor) throws Exception;
    }

    private final ApiKeys apiKeys;

    Requests(ApiKeys apiKeys) {
        this.apiKeys = apiKeys;
    }

    /** Runs {@code handler} for a caller whose token has {@code scope} (401/403 otherwise), mapping a loading view or an unacknowledged write to 503. */
    void guarded(Context ctx, String scope, Handler handler) throws Exception {
        Optional<ApiKeys.Caller> actor = Auth.require(ctx, apiKeys, scope);
        if (actor.isEmpty()) {
            return;
        }
        try {
            handler.handle(actor.get().name());
        } catch (InvalidStateStoreException e) {
            ctx.header("Retry-After", "2");
            Problem.send(ctx, 503, "Service Unavailable", "alert state is still loading; retry shortly", List.of());
        } catch (TimeoutException | ExecutionException e) {
            ctx.header("Retry-After", "5");
            Problem.send(ctx, 503, "Service Unavailable", "Kafka did not acknowledge the write in time; retry", List.of());
        }
    }

    /** The JSON body: empty if there is none and {@code optional}; null after answering 400/415. */
    static Optional<JsonNode> jsonBody(Context ctx, boolean optional) {
        String raw = ctx.body();
        if (raw.isBlank()) {
            if (optional) {
                return Optional.empty();
            }
            Problem.send(ctx, 400, "Bad Request", "a JSON body is required", List.of());
            return null;
        }
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            Problem.send(ctx, 415, "Unsupported Media Type", "send application/json", List.of());
            return null;
        }
        try {
            JsonNode node = JSON.readTree(raw);
            if (!node.isObject()) {
                Problem.send(ctx, 400, "Bad Request", "the body must be a JSON object", List.of());
                return null;
            }
            return Optional.of(node);
        } catch (JsonProcessingException e) {
            Problem.send(ctx, 400, "Bad Request", "malformed JSON: " + e.getOriginalMessage(), List.of());
            return null;
        }
    }

    static String text(JsonNode node, String field, String pointer, List<Violation> violations) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank() || value.asText().length() > 1000) {
            violations.add(new Violation(pointer, "type", field + " must be a non-blank string of at most 1000 characters"));
            return null;
        }
        return value.asText();
    }

    static Optional<Instant> instant(JsonNode node, String field, List<Violation> violations) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(value.asText()));
        } catch (DateTimeParseException e) {
            violations.add(new Violation("/" + field, "format", field + " must be an ISO-8601 instant such as 2026-11-23T10:00:00Z"));
            return Optional.empty();
        }
    }

}
