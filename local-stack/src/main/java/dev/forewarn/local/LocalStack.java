package dev.forewarn.local;

import dev.forewarn.alerting.AlertingService;
import dev.forewarn.alerting.config.AlertingConfig;
import dev.forewarn.alerting.delivery.WebhookSecrets;
import dev.forewarn.desk.DeskConfig;
import dev.forewarn.desk.DeskService;
import dev.forewarn.ingest.IngestService;
import dev.forewarn.ingest.config.IngestConfig;
import dev.forewarn.kafka.SingleNodeKafka;
import dev.forewarn.registry.RegistryConfig;
import dev.forewarn.registry.SchemaRegistryServer;
import dev.forewarn.scoring.ScoringConfig;
import dev.forewarn.scoring.ScoringService;
import dev.forewarn.service.Env;
import dev.forewarn.topics.TopicAdmin;
import dev.forewarn.topics.TopicCatalogue;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in this JVM, started in order with a readiness check after each part: a real
 * single-node KRaft broker with its data under {@code home}, the dev schema registry, the topics,
 * ingest-service, scoring-streams, alerting-service and a webhook receiver the owners' webhooks
 * point at. {@link #close} stops them in reverse order. A second start on the same {@code home}
 * resumes from the kept data (broker log, Streams state, the signing secret).
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    /**
     * Where things run. Ports 0 pick free ones (tests); {@code commitInterval} is the Streams
     * commit interval of both Streams services (it bounds how soon a result is visible under EOS; null: their own).
     */
    public record Options(Path home, boolean fresh, int kafkaPort, int controllerPort, int registryPort, int ingestPort,
                          int scoringPort, int alertingPort, int deskPort, int receiverPort, int mailPort, int partitions,
                          Duration commitInterval) {

        public static Options defaults(Path home) {
            return new Options(home, false, 9092, 9093, 8081, 8080, 8082, 8083, 8084, 8090, 2525, 3, Duration.ofMillis(100));
        }

        /** Every port free, data in {@code home} (tests). */
        public static Options ephemeral(Path home) {
            return new Options(home, false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, Duration.ofMillis(100));
        }

        public Options withFresh(boolean wipe) {
            return new Options(home, wipe, kafkaPort, controllerPort, registryPort, ingestPort, scoringPort, alertingPort,
                    deskPort, receiverPort, mailPort, partitions, commitInterval);
        }

        public Options withPartitions(int count) {
            return new Options(home, fresh, kafkaPort, controllerPort, registryPort, ingestPort, scoringPort, alertingPort,
                    deskPort, receiverPort, mailPort, count, commitInterval);
        }

        /** A fixed receiver port, so owners' webhook URLs stay valid across restarts. */
        /** {@code null}: each Streams service keeps its own commit interval, as in production. */
        public Options withCommitInterval(Duration interval) {
            return new Options(home, fresh, kafkaPort, controllerPort, registryPort, ingestPort, scoringPort, alertingPort,
                    deskPort, receiverPort, mailPort, partitions, interval);
        }

        public Options withReceiverPort(int port) {
            return new Options(home, fresh, kafkaPort, controllerPort, registryPort, ingestPort, scoringPort, alertingPort,
                    deskPort, port, mailPort, partitions, commitInterval);
        }
    }

    private final Deque<Part> parts = new ArrayDeque<>();
    private MailSink mail;
    private final Map<String, String> urls = new LinkedHashMap<>();
    private SingleNodeKafka kafka;
    private AlertReceiver receiver;
    private String ingestUrl;
    private String webhookSecret;
    private String deskToken;

    private record Part(String name, AutoCloseable closeable) {
    }

    /** Starts every part; on failure stops what was started and rethrows. */
    public static LocalStack start(Options options, Map<String, String> environment, PrintStream out) {
        LocalStack stack = new LocalStack();
        stack.startParts(options, environment, out);
        return stack;
    }

    /**
     * Starts every part, in order; on failure stops what was started and rethrows. {@link #close}
     * may run meanwhile (a shutdown hook registered before the start): it stops what has started.
     */
    public void startParts(Options options, Map<String, String> environment, PrintStream out) {
        try {
            startAll(options, environment, out);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void startAll(Options o, Map<String, String> environment, PrintStream out) {
        Path home = o.home().toAbsolutePath();
        parts.push(new Part("data directory lock", lock(home)));
        if (o.fresh()) {
            try {
                // Everything but the logs, which are open already.
                for (String kept : List.of("kafka", "state", "webhook-secret")) {
                    SingleNodeKafka.deleteRecursively(home.resolve(kept));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot wipe " + home, e);
            }
        }
        kafka = step(out, "Kafka broker (KRaft)", () -> SingleNodeKafka.start(home.resolve("kafka"), o.kafkaPort(),
                o.controllerPort(), READY_TIMEOUT));
        String bootstrap = kafka.bootstrapServers();
        urls.put("Kafka", bootstrap);

        SchemaRegistryServer registry = step(out, "schema registry", () -> SchemaRegistryServer.start(
                RegistryConfig.local(bootstrap, o.registryPort())));
        String registryUrl = registry.url();
        urls.put("schema registry", registryUrl);

        List<String> created = step(out, "topics", () -> {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                return TopicAdmin.createMissing(admin, TopicCatalogue.all(), o.partitions(), (short) 1);
            }
        });
        LOG.info("topics created: {}", created.isEmpty() ? "none, all exist" : created);

        webhookSecret = secret(home);
        receiver = step(out, "webhook receiver", () -> AlertReceiver.start("127.0.0.1", o.receiverPort(), webhookSecret));
        urls.put("webhook receiver", receiver.url());

        mail = step(out, "mail sink (SMTP)", () -> MailSink.start("127.0.0.1", o.mailPort(), home.resolve("mail")));
        urls.put("mail sink", "smtp://127.0.0.1:" + mail.port());

        Map<String, String> env = serviceEnvironment(o, environment, bootstrap, registryUrl, home);
        IngestService ingest = step(out, "ingest-service", () -> IngestService.start(IngestConfig.fromEnv(new Env(env))),
                service -> awaitReady("ingest-service", local(service.port())));
        ingestUrl = local(ingest.port());
        urls.put("ingest-service", ingestUrl);

        Map<String, String> streamsEnv = new HashMap<>(env);
        if (o.commitInterval() != null) { // null: each Streams service's own default (scoring 1 s, alerting 100 ms)
            streamsEnv.put("KAFKA_COMMIT_INTERVAL_MS", Long.toString(o.commitInterval().toMillis()));
        }
        // After an unclean stop the old group member holds its partitions until its session times out (45 s by default).
        streamsEnv.putIfAbsent("KAFKA_SESSION_TIMEOUT_MS", "10000");
        ScoringService scoring = step(out, "scoring-streams", () -> ScoringService.start(ScoringConfig.fromEnv(new Env(streamsEnv))),
                service -> awaitReady("scoring-streams", local(service.port())));
        urls.put("scoring-streams", local(scoring.port()));

        AlertingService alerting = step(out, "alerting-service", () -> AlertingService.start(AlertingConfig.fromEnv(new Env(streamsEnv))),
                service -> awaitReady("alerting-service", local(service.port())));
        urls.put("alerting-service", local(alerting.port()));

        Map<String, String> deskEnv = new HashMap<>(streamsEnv);
        deskEnv.put("DESK_ALERTING_URL", local(alerting.port()));
        deskEnv.put("DESK_SCORING_URL", local(scoring.port()));
        DeskService desk = step(out, "quality-desk", () -> DeskService.start(DeskConfig.fromEnv(new Env(deskEnv))),
                service -> awaitReady("quality-desk", local(service.port())));
        urls.put("quality-desk", local(desk.port()));
    }

    /**
     * Locks {@code home} for this process's life: a second stack on the same data would start a
     * second controller on the running broker's log. Released by {@link #close} (or by the OS when
     * the process dies, so a kill -9 leaves no stale lock).
     */
    static AutoCloseable lock(Path home) {
        Path file = home.resolve(".lock");
        try {
            java.nio.file.Files.createDirectories(home);
            java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
            java.nio.channels.FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("another local stack is running on " + home + " (it holds " + file
                        + "); stop it first, or start this one with another data directory");
            }
            java.nio.channels.FileLock held = lock;
            return () -> {
                held.release();
                channel.close();
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + file, e);
        }
    }

    private static String local(int port) {
        return "http://127.0.0.1:" + port;
    }

    /**
     * The services' settings: local defaults, then any {@code INGEST_*}, {@code SCORING_*},
     * {@code ALERTING_*}, {@code DESK_*} variable of {@code environment} and {@code KAFKA_NUM_STREAM_THREADS}, then what the stack must decide itself
     * (ports, broker, registry, state directories, the signing secret, the receiver's allow-listing).
     */
    private Map<String, String> serviceEnvironment(Options o, Map<String, String> environment, String bootstrap,
                                                   String registryUrl, Path home) {
        Map<String, String> env = new HashMap<>();
        env.put("INGEST_AUTH_DISABLED", "true");
        env.put("INGEST_SOURCE", "local");
        env.put("SCORING_AUTH_DISABLED", "true");
        env.put("ALERTING_AUTH_DISABLED", "true");
        env.put("ALERTING_RATE_PER_DESTINATION", "1000");
        // The simulator replays days of history in seconds (1 s is about half a day): group updates and the other
        // time-driven work must keep up with it (production: 5 min and 1 s).
        env.put("ALERTING_GROUP_INTERVAL", "1s");
        env.put("ALERTING_TICK_INTERVAL", "250ms");
        environment.forEach((name, value) -> {
            if (name.startsWith("INGEST_") || name.startsWith("SCORING_") || name.startsWith("ALERTING_") || name.startsWith("DESK_")
                    || name.equals("KAFKA_NUM_STREAM_THREADS")) {
                env.put(name, value);
            }
        });
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("SCHEMA_REGISTRY_URL", registryUrl);
        // Authentication is off here: nothing may listen beyond this machine.
        env.put("INGEST_HOST", "127.0.0.1");
        env.put("SCORING_HOST", "127.0.0.1");
        env.put("SCORING_ADVERTISED_HOST", "127.0.0.1");
        env.put("ALERTING_HOST", "127.0.0.1");
        env.put("INGEST_PORT", Integer.toString(o.ingestPort()));
        env.put("SCORING_PORT", Integer.toString(o.scoringPort()));
        env.put("ALERTING_PORT", Integer.toString(o.alertingPort()));
        env.put("SCORING_STATE_DIR", home.resolve("state").toString());
        env.put("ALERTING_STATE_DIR", home.resolve("state").toString());
        env.put("ALERTING_WEBHOOK_SECRET", webhookSecret);
        // The default route (entities without an owner, notifications an owner's destination refused) is visible here too.
        env.putIfAbsent("ALERTING_DEFAULT_WEBHOOK_URL", receiver.url() + "/hooks/quality-team");
        if (!env.containsKey("ALERTING_SMTP_HOST")) { // a mail server of the user's own wins over the sink
            env.put("ALERTING_SMTP_HOST", "127.0.0.1");
            env.put("ALERTING_SMTP_PORT", Integer.toString(mail.port()));
        }
        env.put("ALERTING_WEBHOOK_ALLOW", env.containsKey("ALERTING_WEBHOOK_ALLOW")
                ? env.get("ALERTING_WEBHOOK_ALLOW") + ",127.0.0.1" : "127.0.0.1");
        if (o.alertingPort() != 0) {
            env.put("ALERTING_PUBLIC_URL", local(o.alertingPort()));
        }
        // The desk: signed in with a token of this data directory; notifications link to it and carry one-click acknowledge links.
        int desk = o.deskPort() != 0 ? o.deskPort() : SingleNodeKafka.freePort();
        deskToken = keep(home.resolve("desk-token"), () -> java.util.UUID.randomUUID().toString().replace("-", ""));
        String ackSecret = keep(home.resolve("ack-link-secret"), WebhookSecrets::generate);
        env.put("DESK_HOST", "127.0.0.1");
        env.put("DESK_PORT", Integer.toString(desk));
        env.put("DESK_PUBLIC_URL", local(desk));
        env.put("DESK_API_TOKENS", "local:" + deskToken);
        env.put("DESK_ACK_LINK_SECRET", ackSecret);
        env.put("ALERTING_DESK_URL", local(desk));
        env.put("ALERTING_ACK_LINK_SECRET", ackSecret);
        return env;
    }

    /** The signing secret shared by alerting-service and the receiver, kept in {@code home} so a resumed run still verifies. */
    private static String secret(Path home) {
        return keep(home.resolve("webhook-secret"), WebhookSecrets::generate);
    }

    /** The value kept in {@code file}, made by {@code generate} the first time, so a resumed run keeps it. */
    private static String keep(Path file, Supplier<String> generate) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, generate.get());
            }
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep a secret in " + file, e);
        }
    }

    /** Runs one start-up step, printing its name and how long it took; what it starts is stopped by {@link #close}. */
    private <T> T step(PrintStream out, String name, Supplier<T> start) {
        return step(out, name, start, part -> { });
    }

    /** {@link #step(PrintStream, String, Supplier)}, done once {@code ready} returns. */
    private <T> T step(PrintStream out, String name, Supplier<T> start, java.util.function.Consumer<T> ready) {
        long started = System.nanoTime();
        out.printf("  starting %-22s", name + " …");
        out.flush();
        T part = start.get();
        if (part instanceof AutoCloseable closeable) {
            parts.push(new Part(name, closeable));
        }
        ready.accept(part);
        out.printf(" ready in %,d ms%n", (System.nanoTime() - started) / 1_000_000);
        return part;
    }

    /** Waits for {@code /health/ready} to answer 200. */
    private static void awaitReady(String name, String baseUrl) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create(baseUrl + "/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + name, e);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + name, e);
            }
        }
        throw new IllegalStateException(name + " was not ready within " + READY_TIMEOUT + " (" + baseUrl + "/health/ready)");
    }

    /** What runs where (the Kafka bootstrap servers, base URLs), by part. */
    public Map<String, String> urls() {
        return Map.copyOf(urls);
    }

    /** What runs where, in start order, with what to try first. */
    public void printWhere(PrintStream out) {
        Map<String, String> hints = Map.of(
                "webhook receiver", "/hooks/<owner>",
                "ingest-service", "  (POST /v1/reports|complaints|returns, PUT /v1/owners/…)",
                "scoring-streams", "  (GET /v1/risk/top?entityType=CUSTOMER)",
                "alerting-service", "  (GET /v1/alerts)",
                "quality-desk", "  (sign in with the token " + deskToken + ")",
                "mail sink", "  (each e-mail also as a .eml file in " + (mail == null ? "<home>/mail" : mail.directory()) + ")");
        urls.forEach((name, url) -> out.printf("  %-18s %s%s%n", name, url, hints.getOrDefault(name, "")));
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The token that signs in to the local desk (kept in the data directory). */
    public String deskToken() {
        return deskToken;
    }

    /** The quality desk's base URL (sign in there with {@link #deskToken()}: tokens never go in URLs). */
    public String deskUrl() {
        return urls.get("quality-desk");
    }

    public String ingestUrl() {
        return ingestUrl;
    }

    public AlertReceiver receiver() {
        return receiver;
    }

    /** The SMTP server the alerting service sends e-mail to; each message is also kept as an .eml file. */
    public MailSink mail() {
        return mail;
    }

    /** Stops every started part, the last started first. */
    @Override
    public synchronized void close() {
        while (!parts.isEmpty()) {
            Part part = parts.pop();
            try {
                part.closeable().close();
                LOG.info("{} stopped", part.name());
            } catch (Exception e) {
                LOG.warn("{} did not stop cleanly", part.name(), e);
            }
        }
    }
}
