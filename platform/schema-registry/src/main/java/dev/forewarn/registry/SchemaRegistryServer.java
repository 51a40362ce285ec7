package dev.forewarn.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forewarn.registry.RegistryState.Version;
import dev.forewarn.serde.registry.CompatibilityLevel;
import dev.forewarn.serde.registry.SchemaRegistryClient;
import dev.forewarn.service.Env;
import dev.forewarn.service.HttpServers;
import dev.forewarn.service.Lifecycle;
import dev.forewarn.service.Metrics;
import dev.forewarn.service.auth.ApiKeys;
import dev.forewarn.service.auth.Scopes;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A development schema registry speaking the Confluent REST API subset Kafka serdes use, with
 * Confluent's status and error codes, storing everything in a compacted Kafka topic so ids survive
 * restarts and several instances on one cluster agree. Start it standalone with {@link #main} or
 * embedded with {@link #start}.
 */
public final class SchemaRegistryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_REQUEST_BYTES = 8L << 20;

    private final KafkaSchemaLog log;
    private final Javalin http;

    private SchemaRegistryServer(KafkaSchemaLog log, Javalin http) {
        this.log = log;
        this.http = http;
    }

    /** Starts a registry: connects to Kafka, replays the schema topic, then listens. */
    public static SchemaRegistryServer start(RegistryConfig config) {
        RegistryState state = new RegistryState(config.defaultLevel());
        KafkaSchemaLog log = new KafkaSchemaLog(config.kafkaProperties(), config.topic(), state, config.timeout());
        try {
            log.syncToEnd();
            SchemaRegistry registry = new SchemaRegistry(state, log);
            Javalin http = HttpServers.start(config.host(), config.port(), MAX_REQUEST_BYTES, registry::isReady,
                    Metrics.prometheus("schema-registry"),
                    routes -> routes(routes, registry, config.writers()));
            LOG.info("schema registry listening on {}:{} with topic {}", config.host(), http.port(), config.topic());
            return new SchemaRegistryServer(log, http);
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
    }

    /**
     * A write of the registry (register, change a level): with {@code writers} enabled it needs a token with
     * {@code schemas:write}, answered in the registry's error format otherwise (401 / error code 40101, 403 / 40301).
     */
    private static Handler write(ApiKeys writers, Handler handler) {
        return ctx -> {
            if (writers.enabled()) {
                Optional<ApiKeys.Caller> caller = writers.caller(ApiKeys.presentedKey(ctx.header("Authorization"), ctx.header("X-API-Key")));
                if (caller.isEmpty()) {
                    ctx.header("WWW-Authenticate", "Bearer");
                    throw new RegistryError(401, 40101, "this registry is read-only without a token: send 'Authorization: Bearer <token>'");
                }
                if (!caller.get().may(Scopes.SCHEMAS_WRITE)) {
                    throw new RegistryError(403, 40301, "token '" + caller.get().name() + "' may not write (scope schemas:write)");
                }
            }
            handler.handle(ctx);
        };
    }

    /** The REST routes; static so tests and embedders share them. */
    static void routes(RoutesConfig routes, SchemaRegistry registry, ApiKeys writers) {
        routes.get("/", ctx -> json(ctx, JSON.createObjectNode()));
        routes.get("/subjects", ctx -> json(ctx, JSON.valueToTree(registry.subjects())));
        routes.get("/subjects/{subject}/versions", ctx -> json(ctx, JSON.valueToTree(registry.versions(ctx.pathParam("subject")))));
        routes.post("/subjects/{subject}/versions", write(writers, ctx -> {
            int id = registry.register(ctx.pathParam("subject"), schemaFrom(ctx));
            json(ctx, JSON.createObjectNode().put("id", id));
        }));
        routes.post("/subjects/{subject}", ctx -> json(ctx, describe(registry.lookup(ctx.pathParam("subject"), schemaFrom(ctx)))));
        routes.get("/subjects/{subject}/versions/{version}", ctx ->
                json(ctx, describe(registry.version(ctx.pathParam("subject"), ctx.pathParam("version")))));
        routes.get("/subjects/{subject}/versions/{version}/schema", ctx -> {
            ctx.contentType(SchemaRegistryClient.CONTENT_TYPE);
            ctx.result(registry.version(ctx.pathParam("subject"), ctx.pathParam("version")).schema().toString());
        });
        routes.get("/schemas/ids/{id}", ctx ->
                json(ctx, JSON.createObjectNode().put("schema", registry.schemaById(intParam(ctx, "id")).toString())));
        routes.post("/compatibility/subjects/{subject}/versions/{version}", ctx -> {
            List<String> problems = registry.compatibilityProblems(ctx.pathParam("subject"), ctx.pathParam("version"),
                    schemaFrom(ctx));
            ObjectNode answer = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
            if ("true".equals(ctx.queryParam("verbose"))) {
                answer.set("messages", JSON.valueToTree(problems));
            }
            json(ctx, answer);
        });
        routes.get("/config", ctx -> json(ctx, level(registry.globalLevel())));
        routes.put("/config", write(writers, ctx -> {
            CompatibilityLevel level = levelFrom(ctx);
            registry.setLevel(Optional.empty(), level);
            json(ctx, JSON.createObjectNode().put("compatibility", level.name()));
        }));
        routes.get("/config/{subject}", ctx -> {
            String subject = ctx.pathParam("subject");
            Optional<CompatibilityLevel> own = registry.subjectLevel(subject);
            if (own.isEmpty() && !"true".equals(ctx.queryParam("defaultToGlobal"))) {
                throw new RegistryError(404, 40408, "Subject '" + subject + "' does not have subject-level compatibility configured");
            }
            json(ctx, level(own.orElseGet(registry::globalLevel)));
        });
        routes.put("/config/{subject}", write(writers, ctx -> {
            CompatibilityLevel level = levelFrom(ctx);
            registry.setLevel(Optional.of(ctx.pathParam("subject")), level);
            json(ctx, JSON.createObjectNode().put("compatibility", level.name()));
        }));
        routes.delete("/config/{subject}", write(writers, ctx -> {
            String subject = ctx.pathParam("subject");
            CompatibilityLevel previous = registry.subjectLevel(subject).orElseGet(registry::globalLevel);
            registry.clearLevel(subject);
            json(ctx, level(previous));
        }));
        routes.exception(RegistryError.class, (e, ctx) -> {
            ctx.status(e.status());
            json(ctx, error(e.errorCode(), e.getMessage()));
        });
        routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("request {} {} failed", ctx.method(), ctx.path(), e);
            ctx.status(500);
            json(ctx, error(50001, "Error in the backend data store: " + e));
        });
        routes.error(404, "*", ctx -> {
            // A RegistryError already wrote its own JSON; anything else is an unknown route.
            if (ctx.result() == null || !ctx.result().startsWith("{")) {
                json(ctx, error(404, "HTTP 404 Not Found"));
            }
        });
        routes.error(405, "*", ctx -> json(ctx, error(405, "HTTP 405 Method Not Allowed")));
    }

    private static Schema schemaFrom(Context ctx) {
        JsonNode body = bodyOf(ctx);
        return SchemaRegistry.parse(body.path("schema").asText(null), body.path("schemaType").asText(null));
    }

    private static CompatibilityLevel levelFrom(Context ctx) {
        String level = bodyOf(ctx).path("compatibility").asText("");
        return CompatibilityLevel.parse(level).orElseThrow(() -> RegistryError.invalidCompatibilityLevel(level));
    }

    private static JsonNode bodyOf(Context ctx) {
        try {
            JsonNode body = JSON.readTree(ctx.bodyAsBytes());
            if (body == null || !body.isObject()) {
                throw new RegistryError(422, 422, "Unrecognized request body: expected a JSON object");
            }
            return body;
        } catch (IOException e) {
            throw new RegistryError(400, 400, "Malformed JSON: " + e.getMessage());
        }
    }

    private static int intParam(Context ctx, String name) {
        try {
            return Integer.parseInt(ctx.pathParam(name));
        } catch (NumberFormatException e) {
            throw RegistryError.schemaNotFound("id " + ctx.pathParam(name));
        }
    }

    private static ObjectNode describe(Version version) {
        return JSON.createObjectNode().put("subject", version.subject()).put("version", version.version())
                .put("id", version.id()).put("schema", version.schema().toString());
    }

    private static ObjectNode level(CompatibilityLevel level) {
        return JSON.createObjectNode().put("compatibilityLevel", level.name());
    }

    private static ObjectNode error(int code, String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message);
    }

    private static void json(Context ctx, JsonNode body) {
        ctx.contentType(SchemaRegistryClient.CONTENT_TYPE);
        ctx.result(body.toString());
    }

    public int port() {
        return http.port();
    }

    /** The base URL clients use, on loopback. */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    public void close() {
        http.stop();
        log.close();
    }

    /** Standalone start; configuration from the environment (see {@link RegistryConfig}). */
    public static void main(String[] args) throws InterruptedException {
        Lifecycle.runUntilShutdown("schema-registry", start(RegistryConfig.fromEnv(Env.system())));
    }
}
