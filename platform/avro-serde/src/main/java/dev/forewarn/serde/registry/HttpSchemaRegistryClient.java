package dev.forewarn.serde.registry;

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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A small client for the Confluent Schema Registry REST API (the subset Kafka serdes need).
 *
 * <p>Ids and schemas are cached both ways, so a steady-state producer or consumer never calls the
 * registry. Requests that fail with 408, 429, a 5xx or an I/O error are retried with exponential
 * backoff and jitter across the configured URLs; every failure surfaces as a
 * {@link SchemaRegistryException} carrying status, Confluent error code and URL.
 * Thread-safe.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryClientConfig config;
    private final HttpClient http;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
    private final Map<String, CachedLatest> latestBySubject = new ConcurrentHashMap<>();

    /** Transient failures seen (after this client's own retries), for a metric. */
    private final java.util.concurrent.atomic.AtomicLong transientFailures = new java.util.concurrent.atomic.AtomicLong();
    /** Nano times of the latest transient failure and the latest answer; failing while the first is later. */
    private volatile long lastFailureNanos;
    private volatile long lastAnswerNanos;
    private volatile long lastProbeNanos;
    private volatile boolean failing;

    private record SubjectSchema(String subject, Schema schema) {
    }

    private record CachedLatest(RegisteredSchema schema, long fetchedAtNanos) {
    }

    public HttpSchemaRegistryClient(RegistryClientConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.requestTimeout())
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** Registers {@code schema} under {@code subject} (or finds it there) and returns its global id. */
    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        // No I/O inside computeIfAbsent: a slow registry must not block unrelated cache entries.
        int id = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema)).path("id").asInt();
        schemasById.putIfAbsent(id, schema);
        idsBySubjectSchema.putIfAbsent(key, id);
        return id;
    }

    /** Finds {@code schema} among the versions of {@code subject}; 40401/40403 if it is not there. */
    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        JsonNode answer = send("POST", "/subjects/" + encode(subject), schemaBody(schema));
        RegisteredSchema found = new RegisteredSchema(subject, answer.path("id").asInt(),
                answer.path("version").asInt(), schema);
        idsBySubjectSchema.putIfAbsent(new SubjectSchema(subject, schema), found.id());
        schemasById.putIfAbsent(found.id(), schema);
        return found;
    }

    /** The id of {@code schema} in {@code subject}, from the cache or by {@link #lookup}. */
    @Override
    public int idOf(String subject, Schema schema) {
        Integer cached = idsBySubjectSchema.get(new SubjectSchema(subject, schema));
        return cached != null ? cached : lookup(subject, schema).id();
    }

    /** The schema with global id {@code id}; 40403 if there is none. Cached forever: ids are immutable. */
    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("GET", "/schemas/ids/" + id, null);
        Schema schema = parse(answer.path("schema").asText(), "/schemas/ids/" + id);
        Schema previous = schemasById.putIfAbsent(id, schema);
        return previous != null ? previous : schema;
    }

    /** The latest version of {@code subject}; cached for {@code latest.cache.ttl.sec}. */
    @Override
    public RegisteredSchema latest(String subject) {
        CachedLatest cached = latestBySubject.get(subject);
        long ttl = config.latestCacheTtl().toNanos();
        if (cached != null && (ttl < 0 || System.nanoTime() - cached.fetchedAtNanos() < ttl)) {
            return cached.schema();
        }
        RegisteredSchema latest = version(subject, "latest");
        latestBySubject.put(subject, new CachedLatest(latest, System.nanoTime()));
        return latest;
    }

    /** A version of {@code subject}, by number or {@code "latest"}. Not cached. */
    @Override
    public RegisteredSchema version(String subject, String version) {
        String path = "/subjects/" + encode(subject) + "/versions/" + encode(version);
        JsonNode answer = send("GET", path, null);
        RegisteredSchema found = new RegisteredSchema(answer.path("subject").asText(subject), answer.path("id").asInt(),
                answer.path("version").asInt(), parse(answer.path("schema").asText(), path));
        schemasById.putIfAbsent(found.id(), found.schema());
        return found;
    }

    /** Whether {@code schema} could be registered as the next version of {@code subject}. */
    @Override
    public boolean isCompatible(String subject, Schema schema) {
        JsonNode answer = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest",
                schemaBody(schema));
        return answer.path("is_compatible").asBoolean(false);
    }

    /** The global compatibility level. */
    @Override
    public CompatibilityLevel globalCompatibility() {
        return level(send("GET", "/config", null));
    }

    /** The compatibility level of {@code subject} (its own, else the global one). */
    @Override
    public CompatibilityLevel compatibility(String subject) {
        return level(send("GET", "/config/" + encode(subject) + "?defaultToGlobal=true", null));
    }

    /** Sets the global compatibility level. */
    @Override
    public void setGlobalCompatibility(CompatibilityLevel level) {
        send("PUT", "/config", JSON.createObjectNode().put("compatibility", level.name()));
    }

    /** Sets {@code subject}'s compatibility level. */
    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        send("PUT", "/config/" + encode(subject), JSON.createObjectNode().put("compatibility", level.name()));
    }

    private static CompatibilityLevel level(JsonNode answer) {
        String name = answer.has("compatibilityLevel") ? answer.path("compatibilityLevel").asText()
                : answer.path("compatibility").asText();
        return CompatibilityLevel.parse(name).orElseThrow(
                () -> new IllegalStateException("registry answered an unknown compatibility level: " + answer));
    }

    private static ObjectNode schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString());
    }

    private static Schema parse(String text, String path) {
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new IllegalStateException("registry returned an unparsable schema for " + path, e);
        }
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Whether the registry answers: true until a request fails transiently (see
     * {@link SchemaRegistryException#isTransient}), then false until one gets an answer. While
     * failing, a call probes the registry ({@code GET /subjects}) at most once a second, so
     * readiness comes back by itself even when nothing else asks the registry.
     */
    @Override
    public boolean isReachable() {
        if (failing && System.nanoTime() - lastProbeNanos > 1_000_000_000L) {
            lastProbeNanos = System.nanoTime();
            try {
                sendOnce("GET", URI.create(config.urls().get(0) + "/subjects"), null);
                answered();
            } catch (SchemaRegistryException e) {
                if (!e.isTransient()) {
                    answered(); // it answered, if not with a yes
                }
            }
        }
        return !failing;
    }

    /** How many requests failed transiently, after retries (a counter for {@code forewarn_registry_errors_total}). */
    @Override
    public long transientFailures() {
        return transientFailures.get();
    }

    private void answered() {
        lastAnswerNanos = System.nanoTime();
        failing = lastFailureNanos - lastAnswerNanos > 0;
    }

    private JsonNode send(String method, String path, JsonNode body) {
        try {
            JsonNode answer = sendWithRetries(method, path, body);
            answered();
            return answer;
        } catch (SchemaRegistryException e) {
            if (e.isTransient()) {
                transientFailures.incrementAndGet();
                lastFailureNanos = System.nanoTime();
                failing = true;
            } else {
                answered();
            }
            throw e;
        }
    }

    private JsonNode sendWithRetries(String method, String path, JsonNode body) {
        SchemaRegistryException last = null;
        long backoffMillis = config.initialBackoff().toMillis();
        for (int attempt = 0; attempt < config.maxAttempts(); attempt++) {
            URI url = URI.create(config.urls().get(attempt % config.urls().size()) + path);
            try {
                return sendOnce(method, url, body);
            } catch (SchemaRegistryException e) {
                if (!e.isTransient()) {
                    throw e;
                }
                last = e;
            }
            if (attempt + 1 < config.maxAttempts()) {
                sleep(backoffMillis + ThreadLocalRandom.current().nextLong(backoffMillis / 2 + 1));
                backoffMillis *= 2;
            }
        }
        throw last;
    }

    private JsonNode sendOnce(String method, URI url, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(config.requestTimeout())
                .header("Accept", CONTENT_TYPE + ", application/json");
        config.authorization().ifPresent(value -> request.header("Authorization", value));
        try {
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
            if (body != null) {
                request.header("Content-Type", CONTENT_TYPE);
            }
            HttpResponse<byte[]> response = http.send(request.method(method, publisher).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            JsonNode answer = response.body().length == 0 ? JSON.createObjectNode() : readJson(response.body());
            if (response.statusCode() / 100 != 2) {
                throw new SchemaRegistryException(response.statusCode(), answer.path("error_code").asInt(0), url,
                        answer.path("message").asText(new String(response.body(), StandardCharsets.UTF_8)), null);
            }
            return answer;
        } catch (IOException e) {
            throw new SchemaRegistryException(0, 0, url, e.toString(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(0, 0, url, "interrupted", e);
        }
    }

    private static JsonNode readJson(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode().put("message", new String(body, StandardCharsets.UTF_8));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
