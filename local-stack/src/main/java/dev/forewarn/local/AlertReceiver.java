package dev.forewarn.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.forewarn.alerting.delivery.WebhookSecrets;
import dev.forewarn.alerting.delivery.WebhookSigner;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The webhook receiver of a local run: owners' webhook URLs point here
 * ({@code http://127.0.0.1:<port>/hooks/<ownerId>}). It checks each Standard Webhooks signature
 * against the secret the alerting service signs with, keeps every distinct notification (a
 * re-delivery with the same {@code webhook-id} is counted, not kept twice) and tells listeners.
 */
public final class AlertReceiver implements AutoCloseable {

    /** One delivered notification, as the webhook body told it (with its signed acknowledge link, when it has one). */
    public record Received(Instant receivedAt, String owner, String notificationId, String kind, String entityType,
                           String entityId, String level, boolean predicted, double score, Optional<Instant> signalOccurredAt,
                           Optional<Instant> projectedCriticalAt, List<String> grouped, Optional<String> oneClickAcknowledge) {

        public String entityKey() {
            return entityType + ":" + entityId;
        }

        /** Whether the notification names {@code entityKey}: its own entity, or a customer grouped under its product alert. */
        public boolean names(String entityKey) {
            return entityKey().equals(entityKey) || grouped.contains(entityKey);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final WebhookSecrets secrets;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final List<Consumer<Received>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong badSignatures = new AtomicLong();

    private AlertReceiver(HttpServer server, ExecutorService executor, WebhookSecrets secrets) {
        this.server = server;
        this.executor = executor;
        this.secrets = secrets;
    }

    /** Listens on {@code host:port} (0 picks a free port); {@code secret} is the {@code whsec_...} the alerting service signs with. */
    public static AlertReceiver start(String host, int port, String secret) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 256);
            ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
                Thread t = new Thread(r, "alert-receiver");
                t.setDaemon(true);
                return t;
            });
            AlertReceiver receiver = new AlertReceiver(server, executor, WebhookSecrets.of(secret));
            server.createContext("/hooks/", receiver::handle);
            server.setExecutor(executor);
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen for webhooks on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** The base URL owners' webhooks point at: {@code <url>/hooks/<ownerId>}. */
    public String url() {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
    }

    public void onAlert(Consumer<Received> listener) {
        listeners.add(listener);
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public long duplicates() {
        return duplicates.get();
    }

    public long badSignatures() {
        return badSignatures.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            Instant now = Instant.now();
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
            String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
            String url = url() + exchange.getRequestURI().getPath();
            if (id == null || timestamp == null || signature == null
                    || !signatureMatches(signature, WebhookSigner.sign(secrets.keyFor(url), id, Long.parseLong(timestamp), body))) {
                badSignatures.incrementAndGet();
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            if (!seen.add(id)) {
                duplicates.incrementAndGet();
                exchange.sendResponseHeaders(204, -1);
                return;
            }
            Received alert = parse(now, exchange.getRequestURI().getPath().substring("/hooks/".length()), JSON.readTree(body));
            received.add(alert);
            exchange.sendResponseHeaders(204, -1);
            listeners.forEach(l -> l.accept(alert));
        } catch (RuntimeException e) {
            exchange.sendResponseHeaders(400, -1);
        }
    }

    /** The header may carry several space-separated signatures (key rotation); one must match. */
    private static boolean signatureMatches(String header, String expected) {
        for (String candidate : header.split(" ")) {
            if (java.security.MessageDigest.isEqual(candidate.getBytes(StandardCharsets.US_ASCII),
                    expected.getBytes(StandardCharsets.US_ASCII))) {
                return true;
            }
        }
        return false;
    }

    private static Received parse(Instant at, String owner, JsonNode root) {
        JsonNode alert = root.path("alert");
        return new Received(at, owner, root.path("notificationId").asText(), alert.path("kind").asText(),
                alert.path("entityType").asText(), alert.path("entityId").asText(), alert.path("level").asText(),
                alert.path("predicted").asBoolean(), alert.path("score").asDouble(),
                instant(alert.path("signalOccurredAt")), instant(alert.path("projectedCriticalAt")), grouped(root),
                Optional.ofNullable(root.path("links").path("oneClickAcknowledge").asText(null)));
    }

    /** The customer alerts a product alert's notification names: grouped under it, and newly so in a group update. */
    private static List<String> grouped(JsonNode root) {
        java.util.Set<String> ids = new java.util.LinkedHashSet<>();
        root.path("groupedAlerts").forEach(id -> ids.add(id.asText()));
        root.path("newlyGroupedAlerts").forEach(id -> ids.add(id.asText()));
        return List.copyOf(ids);
    }

    private static Optional<Instant> instant(JsonNode node) {
        return node.isTextual() ? Optional.of(Instant.parse(node.asText())) : Optional.empty();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
