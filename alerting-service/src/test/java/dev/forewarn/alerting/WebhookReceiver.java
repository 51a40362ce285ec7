package dev.forewarn.alerting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real HTTP webhook receiver for tests: verifies Standard Webhooks signatures independently of
 * the service's signer, records every request per path, and answers queued statuses (else 200).
 */
final class WebhookReceiver implements AutoCloseable {

    record Received(String path, String id, long timestamp, String signature, boolean signatureValid, JsonNode body,
                    java.time.Instant receivedAt) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final byte[] key;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Queue<Integer>> statuses = new ConcurrentHashMap<>();
    private volatile java.time.Duration delay = java.time.Duration.ZERO;
    private final Map<String, java.time.Duration> jitters = new ConcurrentHashMap<>();
    private final Map<String, java.time.Instant> downUntil = new ConcurrentHashMap<>();
    private final List<Received> delivered = new CopyOnWriteArrayList<>();

    WebhookReceiver(String secret) throws IOException {
        this.key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            String body = new String(raw, StandardCharsets.UTF_8);
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            String ts = exchange.getRequestHeaders().getFirst("webhook-timestamp");
            String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
            long timestamp = ts == null ? -1 : Long.parseLong(ts);
            boolean valid = id != null && signature != null && verify(id, timestamp, body, signature);
            String path = exchange.getRequestURI().getPath();
            received.add(new Received(path, id, timestamp, signature, valid, JSON.readTree(body), java.time.Instant.now()));
            java.time.Duration jitter = jitters.get(path);
            long pause = delay.toMillis() + (jitter == null ? 0 : java.util.concurrent.ThreadLocalRandom.current().nextLong(jitter.toMillis() + 1));
            if (pause > 0) {
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Queue<Integer> queue = statuses.get(path);
            Integer status;
            java.time.Instant down = downUntil.get(path);
            synchronized (this) {
                status = down != null && java.time.Instant.now().isBefore(down) ? 503
                        : queue == null || queue.isEmpty() ? 200 : queue.poll();
            }
            if (status / 100 == 2) {
                delivered.add(new Received(path, id, timestamp, signature, valid, JSON.readTree(body), java.time.Instant.now()));
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
    }

    private boolean verify(String id, long timestamp, String body, String header) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] expected = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            for (String candidate : header.split(" ")) {
                if (candidate.startsWith("v1,") && MessageDigest.isEqual(expected, Base64.getDecoder().decode(candidate.substring(3)))) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    /** Each request is answered only after {@code pause}: a slow receiver keeps notifications in flight. */
    void delay(java.time.Duration pause) {
        this.delay = pause;
    }

    /** Requests to {@code path} are answered after a random pause of up to {@code max}. */
    void jitter(String path, java.time.Duration max) {
        jitters.put(path, max);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next requests to {@code path} are answered with {@code codes}, in order. */
    synchronized void answer(String path, Integer... codes) {
        statuses.computeIfAbsent(path, p -> new ArrayDeque<>()).addAll(List.of(codes));
    }

    /** Requests to {@code path} are answered 503 for {@code outage} from now: the receiver is down. */
    void down(String path, java.time.Duration outage) {
        downUntil.put(path, java.time.Instant.now().plus(outage));
    }

    /** The requests to {@code path} that were answered 2xx (delivered). */
    List<Received> deliveredAt(String path) {
        return delivered.stream().filter(r -> r.path().equals(path)).toList();
    }

    List<Received> at(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    List<Received> about(String alertId) {
        return received.stream().filter(r -> alertId.equals(r.body().path("alert").path("id").asText())).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
