package dev.forewarn.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Calls every operation a service's OpenAPI document describes as a careless or hostile client
 * would: with no parameters, with each query parameter alone set to garbage, with garbage path
 * parameters and bodies. A well-behaved API answers each with its default or a 4xx problem; the
 * probe lists every answer that was a 5xx (a 503 is tolerated only with {@code Retry-After}).
 */
public final class RouteProbe {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> GARBAGE_VALUES = List.of("", " ", "-1", "0", "abc", "99999999999999999999", "%00",
            "<script>alert(1)</script>", "' OR 1=1 --", "CUSTOMER:../../etc", "\u00ff\u00fe", "x".repeat(3000));
    private static final List<String> GARBAGE_IDS = List.of("probe", "%20", "..", "x".repeat(2000), "%3Cb%3E", "CUSTOMER%3A%25");
    private static final List<String> GARBAGE_BODIES = List.of("", "{", "[]", "null", "{\"a\":", "\"text\"", "{}");

    /** One answer that broke the rule. */
    public record Failure(String method, String uri, int status, String body) {
        @Override
        public String toString() {
            return method + " " + uri + " -> " + status + ": " + body.substring(0, Math.min(200, body.length()));
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final Map<String, String> headers;
    private int calls;

    public RouteProbe(String baseUrl, Map<String, String> headers) {
        this.baseUrl = baseUrl;
        this.headers = Map.copyOf(headers);
    }

    /** Probes every operation of the document served at {@code /openapi.json}; returns the 5xx answers. */
    public List<Failure> probe() throws Exception {
        JsonNode document = JSON.readTree(send("GET", baseUrl + "/openapi.json", null).body());
        List<Failure> failures = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : (Iterable<Map.Entry<String, JsonNode>>) document.path("paths")::fields) {
            for (Map.Entry<String, JsonNode> operation : (Iterable<Map.Entry<String, JsonNode>>) path.getValue()::fields) {
                String method = operation.getKey().toUpperCase(Locale.ROOT);
                if (!List.of("GET", "POST", "PUT", "DELETE", "PATCH").contains(method)) {
                    continue;
                }
                List<String> query = new ArrayList<>();
                for (JsonNode parameter : parameters(path.getValue(), operation.getValue())) {
                    if ("query".equals(parameter.path("in").asText())) {
                        query.add(parameter.path("name").asText());
                    }
                }
                for (String id : GARBAGE_IDS) {
                    String concrete = path.getKey().replaceAll("\\{[^}]+}", id);
                    check(failures, method, baseUrl + concrete, null);
                    if (!method.equals("GET") && !method.equals("DELETE")) {
                        for (String body : GARBAGE_BODIES) {
                            check(failures, method, baseUrl + concrete, body);
                        }
                    }
                    if (id.equals("probe")) {
                        for (String name : query) {
                            for (String value : GARBAGE_VALUES) {
                                check(failures, method, baseUrl + concrete + "?" + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8), null);
                            }
                        }
                    }
                }
            }
        }
        return failures;
    }

    /** How many requests the probe made (so a test can tell it did probe something). */
    public int calls() {
        return calls;
    }

    private static List<JsonNode> parameters(JsonNode pathItem, JsonNode operation) {
        List<JsonNode> all = new ArrayList<>();
        pathItem.path("parameters").forEach(all::add);
        operation.path("parameters").forEach(all::add);
        return all;
    }

    private void check(List<Failure> failures, String method, String uri, String body) throws Exception {
        HttpResponse<String> response = send(method, uri, body);
        int status = response.statusCode();
        boolean retryable = status == 503 && response.headers().firstValue("Retry-After").isPresent();
        if (status >= 500 && !retryable) {
            failures.add(new Failure(method, uri.length() > 160 ? uri.substring(0, 160) + "…" : uri, status, response.body()));
        }
    }

    private HttpResponse<String> send(String method, String uri, String body) throws Exception {
        calls++;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
