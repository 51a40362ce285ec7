package dev.forewarn.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A client of ingest-service's HTTP API: batches of signals (JSON arrays) and owners. Items the
 * service answers 503 for (Kafka did not take them) are retried, so a batch is either written or
 * reported as rejected, item by item.
 */
public final class IngestClient {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ATTEMPTS = 5;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final Optional<String> apiKey;

    /** The result of one batch: how many items were written and the problems of those that were not. */
    public record BatchResult(int accepted, List<String> rejected) {
    }

    public IngestClient(String baseUrl, Optional<String> apiKey) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.apiKey = apiKey;
    }

    /** Posts {@code items} to {@code /v1/<kind>} (reports, complaints, returns) as one batch, asynchronously. */
    public CompletableFuture<BatchResult> post(String kind, List<ObjectNode> items) {
        return post(kind, items, 1);
    }

    private CompletableFuture<BatchResult> post(String kind, List<ObjectNode> items, int attempt) {
        ArrayNode body = JSON.createArrayNode().addAll(items);
        return http.sendAsync(request("/v1/" + kind).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString())
                .thenCompose(response -> {
                    if (response.statusCode() == 202) {
                        return CompletableFuture.completedFuture(new BatchResult(items.size(), List.of()));
                    }
                    if (response.statusCode() != 207 && response.statusCode() != 503) {
                        throw new IllegalStateException("POST /v1/" + kind + " answered " + response.statusCode() + ": " + response.body());
                    }
                    List<ObjectNode> retry = new ArrayList<>();
                    List<String> rejected = new ArrayList<>();
                    int accepted = 0;
                    if (response.statusCode() == 503) {
                        retry.addAll(items);
                    } else {
                        for (JsonNode item : read(response.body()).path("items")) {
                            int status = item.path("status").asInt();
                            if (status == 202) {
                                accepted++;
                            } else if (status == 503) {
                                retry.add(items.get(item.path("index").asInt()));
                            } else {
                                rejected.add(item.path("errors").toString());
                            }
                        }
                    }
                    if (retry.isEmpty() || attempt >= MAX_ATTEMPTS) {
                        retry.forEach(r -> rejected.add("not taken by Kafka after " + attempt + " attempts"));
                        return CompletableFuture.completedFuture(new BatchResult(accepted, rejected));
                    }
                    int done = accepted;
                    return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(200L * attempt,
                                    java.util.concurrent.TimeUnit.MILLISECONDS))
                            .thenCompose(ignored -> post(kind, retry, attempt + 1))
                            .thenApply(r -> {
                                List<String> all = new ArrayList<>(rejected);
                                all.addAll(r.rejected());
                                return new BatchResult(done + r.accepted(), all);
                            });
                });
    }

    /** {@code PUT /v1/owners/<entityType>/<entityId>}. */
    public CompletableFuture<Void> putOwner(String entityType, String entityId, ObjectNode owner) {
        return http.sendAsync(request("/v1/owners/" + entityType + "/" + entityId).header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(owner.toString())).build(), HttpResponse.BodyHandlers.ofString())
                .thenAccept(response -> {
                    if (response.statusCode() != 202) {
                        throw new IllegalStateException("PUT owner of " + entityType + ":" + entityId + " answered "
                                + response.statusCode() + ": " + response.body());
                    }
                });
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
        apiKey.ifPresent(key -> builder.header("Authorization", "Bearer " + key));
        return builder;
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("ingest-service answered a body that is not JSON: " + body, e);
        }
    }
}
