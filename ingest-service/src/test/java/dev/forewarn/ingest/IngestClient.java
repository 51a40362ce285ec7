package dev.forewarn.ingest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/** A caller of the ingest API, with its API key. */
record IngestClient(int port, String apiKey) {

    static final String CRM_KEY = "crm-test-key-0123456789";
    static final String SHOP_KEY = "shop-test-key-0123456789";
    static final String KEYS = "crm:" + CRM_KEY + ",shop:" + SHOP_KEY;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HttpResponse<String> send(String method, String path, String contentType, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        return send("POST", path, "application/json", body.getBytes(java.nio.charset.StandardCharsets.UTF_8), headers);
    }

    static String report(String customerId, Object severity) {
        return """
                {"customerId":"%s","occurredAt":"%s","feedbackType":"NEGATIVE","severity":%s}"""
                .formatted(customerId, Instant.now().minusSeconds(60), severity);
    }
}
