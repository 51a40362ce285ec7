package dev.forewarn.desk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One of the services the desk reads and writes through its public HTTP API (alerting-service, scoring-streams), with the
 * caller's token. A service that cannot be reached answers like one that is unavailable (503), so pages can say so.
 */
public final class Backend {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A status and its JSON body (an empty object when there was none or it was not JSON). */
    public record Response(int status, JsonNode body) {

        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The problem's detail and each violation's field and rule, or a line saying what failed. */
        public String problem() {
            StringBuilder detail = new StringBuilder(body.path("detail").asText(""));
            if (detail.isEmpty()) {
                detail.append("status ").append(status);
            }
            body.path("errors").forEach(e -> detail.append(" — ").append(e.path("pointer").asText()).append(": ")
                    .append(e.path("detail").asText()));
            return detail.toString();
        }
    }

    private final String name;
    private final String baseUrl;
    private final HttpClient client;

    public Backend(String name, String baseUrl, HttpClient client) {
        this.name = name;
        this.baseUrl = baseUrl;
        this.client = client;
    }

    public static HttpClient client() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();
    }

    public String name() {
        return name;
    }

    public Response get(String path, Map<String, String> query, String token) {
        return send(request(path + queryString(query), token).GET().build());
    }

    /** {@link #get}, on the HTTP client's own threads: for a page that needs several answers at once. */
    public java.util.concurrent.CompletableFuture<Response> getAsync(String path, Map<String, String> query, String token) {
        return client.sendAsync(request(path + queryString(query), token).GET().build(), HttpResponse.BodyHandlers.ofString())
                .handle((response, error) -> error == null ? response(response) : unreachable(error));
    }

    public Response post(String path, JsonNode body, String token) {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    }

    public Response delete(String path, String token) {
        return send(request(path, token).DELETE().build());
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10))
                .header("Accept", "application/json");
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private Response send(HttpRequest request) {
        try {
            return response(client.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(503, JSON.createObjectNode().put("detail", "interrupted"));
        }
    }

    private static Response response(HttpResponse<String> response) {
        JsonNode body;
        try {
            body = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            body = JSON.createObjectNode();
        }
        return new Response(response.statusCode(), body);
    }

    private Response unreachable(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
        ObjectNode problem = JSON.createObjectNode().put("detail", name + " cannot be reached (" + cause.getClass().getSimpleName() + ")");
        return new Response(503, problem);
    }

    /** Path segment encoding: ids come from signals and may hold anything. */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String queryString(Map<String, String> query) {
        StringJoiner joined = new StringJoiner("&", "?", "").setEmptyValue("");
        new LinkedHashMap<>(query).forEach((k, v) -> {
            if (v != null && !v.isBlank()) {
                joined.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        return joined.toString();
    }
}
