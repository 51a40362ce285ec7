package dev.forewarn.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forewarn.kafka.SingleNodeKafka;
import dev.forewarn.local.AlertReceiver;
import dev.forewarn.local.IngestClient;
import dev.forewarn.local.LocalStack;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The end-to-end benchmark: the local stack (real broker, registry, the three services, a webhook
 * receiver, all in this JVM, EOS with the stack's 100 ms commit interval) under a sustained rate
 * of signals posted over HTTP for a fixed time. Most signals are calm background (confirmations
 * and improvement ideas from a large population); every second a few "hot" customers get two
 * severity-3 complaints in one batch, which takes each to WARNING and fires one alert. The delay
 * of each alert is measured from the moment its triggering signal was posted (its
 * {@code occurredAt}, stamped just before the HTTP request, so the HTTP round trip is included)
 * to the moment the signed webhook reached the receiver. Alerts of the warm-up are not counted; how long the warm-up
 * took is printed (the stack's cold start under load).
 *
 * <p>Baseline, side by side: Kafka's own {@code EndToEndLatency} tool (produce, consume, one
 * record at a time, {@code acks=all}) on the same broker: the floor one hop through Kafka costs;
 * the pipeline makes four (ingest → scoring → alerting → outbox → dispatcher) with two EOS
 * transactions on the way.
 *
 * <p>Options as {@code --name=value}: {@code rate} (5000 signals/s), {@code seconds} (60),
 * {@code warmup} (20 s: the least warm-up; it goes on until the stack has caught up with it, see {@link WarmUp}),
 * {@code warmup-max} (120 s), {@code hot} (10 hot customers/s), {@code customers} (100000),
 * {@code products} (5000), {@code partitions} (3), {@code production-defaults} (false: the local stack's faster settings), {@code rate-per-destination}
 * (alerting's notifications per second per destination host; default: that of the settings chosen), {@code dir} (where the
 * stack keeps its data, in a new directory removed afterwards; default: the JVM's temporary directory).
 */
public final class E2eBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern E2E_PERCENTILES = Pattern.compile("50th = ([\\d.]+), 99th = ([\\d.]+)");

    record Options(int rate, int seconds, int warmup, int warmupMax, int hot, int customers, int products, int partitions,
                   boolean production, int ratePerDestination, String dir) {
        static Options parse(String[] args) {
            BenchArgs given = new BenchArgs(args);
            return given.done(new Options(given.integer("rate", 5_000, 1), given.integer("seconds", 60, 1),
                    given.integer("warmup", 20, 0), given.integer("warmup-max", 120, 1), given.integer("hot", 10, 1),
                    given.integer("customers", 100_000, 1), given.integer("products", 5_000, 1),
                    given.integer("partitions", 3, 1), given.bool("production-defaults", false),
                    given.integer("rate-per-destination", 0, 0), given.string("dir", "")));
        }

        /**
         * The environment the local stack starts from: this process's (the stack takes the services' variables from it, as
         * from its own), with the benchmark's receiver and the settings chosen here over it.
         */
        Map<String, String> environment(int receiverPort) {
            Map<String, String> env = new java.util.LinkedHashMap<>(System.getenv());
            env.put("ALERTING_DEFAULT_WEBHOOK_URL", "http://127.0.0.1:" + receiverPort + "/hooks/quality-team");
            if (production) { // the services' own defaults where the local stack changes them for a fast replay
                env.put("ALERTING_RATE_PER_DESTINATION", "10");
                env.put("ALERTING_GROUP_INTERVAL", "5m");
                env.put("ALERTING_TICK_INTERVAL", "1s");
            }
            if (ratePerDestination > 0) {
                env.put("ALERTING_RATE_PER_DESTINATION", Integer.toString(ratePerDestination));
            }
            return env;
        }
    }

    private final Options options;
    private final Random random = new Random(42);
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private long sequence;

    private E2eBenchmark(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Options options = BenchArgs.orExit("bin/bench-e2e", () -> Options.parse(args));
        Path home = options.dir().isEmpty() ? Files.createTempDirectory("forewarn-e2e-bench")
                : Files.createTempDirectory(Files.createDirectories(Path.of(options.dir())), "forewarn-e2e-bench");
        int receiverPort = SingleNodeKafka.freePort();
        LocalStack.Options stackOptions = LocalStack.Options.ephemeral(home).withReceiverPort(receiverPort)
                .withPartitions(options.partitions());
        if (options.production()) {
            stackOptions = stackOptions.withCommitInterval(null);
        }
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "end-to-end benchmark: %d signals/s for %d s after a warm-up of at least %d s (until the stack has caught"
                        + " up, at most %d s), %d hot customers/s, %d partitions%n",
                options.rate(), options.seconds(), options.warmup(), options.warmupMax(), options.hot(), options.partitions());
        out.println(options.production()
                ? "settings: the services' production defaults — commit interval scoring 1 s, alerting 100 ms (their own);"
                        + " ALERTING_RATE_PER_DESTINATION=10, ALERTING_GROUP_INTERVAL=5m, ALERTING_TICK_INTERVAL=1s"
                : "settings: the local stack's — commit interval 100 ms in both Streams services; ALERTING_RATE_PER_DESTINATION=1000,"
                        + " ALERTING_GROUP_INTERVAL=1s, ALERTING_TICK_INTERVAL=250ms (--production-defaults=true for the services' own)");
        if (options.ratePerDestination() > 0) {
            out.println("  and ALERTING_RATE_PER_DESTINATION=" + options.ratePerDestination());
        }
        try (LocalStack stack = LocalStack.start(stackOptions, options.environment(receiverPort), out)) {
            new E2eBenchmark(options).run(stack, out);
        } finally {
            SingleNodeKafka.deleteRecursively(home);
        }
    }

    private void run(LocalStack stack, PrintStream out) throws Exception {
        IngestClient ingest = new IngestClient(stack.ingestUrl(), Optional.empty());
        Semaphore inFlight = new Semaphore(8);
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        WarmUp warmUp = new WarmUp(Duration.ofSeconds(options.warmup()), Duration.ofSeconds(options.warmupMax()));
        stack.receiver().onAlert(warmUp::heard);
        long start = System.nanoTime();
        long sent = 0;
        long hotSent = 0;
        int measuredHot = 0;
        long acceptedAtWarmupEnd = -1;
        long lastPrint = 0;
        while (true) {
            long elapsed = System.nanoTime() - start;
            if (acceptedAtWarmupEnd < 0 && warmUp.over(elapsed)) {
                acceptedAtWarmupEnd = accepted.get();
                out.printf(Locale.ROOT, "  %3d s: warm-up over (%s); measuring for %d s%n", elapsed / 1_000_000_000L,
                        warmUp.caughtUp() ? "the stack has kept within " + WarmUp.BEHIND.toMillis() + " ms of its warm-up's alerts for "
                                + WarmUp.STEADY.toSeconds() + " s"
                                : "it did not catch up within --warmup-max", options.seconds());
            }
            boolean measuring = acceptedAtWarmupEnd >= 0;
            if (measuring && elapsed - warmUp.endedAt() >= Duration.ofSeconds(options.seconds()).toNanos()) {
                break;
            }
            long due = (long) (options.rate() * (elapsed / 1e9)) - sent;
            long hotDue = (long) (options.hot() * (elapsed / 1e9)) - hotSent;
            if (due > 0) {
                Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                List<ObjectNode> complaints = new ArrayList<>();
                for (long h = 0; h < hotDue && due >= 2; h++, hotSent++, due -= 2, sent += 2) {
                    String customer = (measuring ? "hot-" : "warm-") + hotSent;
                    measuredHot += measuring ? 1 : 0;
                    if (!measuring) {
                        warmUp.posted(customer, elapsed);
                    }
                    complaints.add(complaint(customer, now));
                    complaints.add(complaint(customer, now));
                }
                List<ObjectNode> reports = new ArrayList<>();
                for (long i = 0; i < due; i++, sent++) {
                    reports.add(background(now));
                }
                for (int from = 0; from < reports.size(); from += 1000) {
                    pending.add(post(ingest, inFlight, "reports", reports.subList(from, Math.min(reports.size(), from + 1000))));
                }
                if (!complaints.isEmpty()) {
                    pending.add(post(ingest, inFlight, "complaints", complaints));
                }
            }
            if (elapsed - lastPrint > 5_000_000_000L) {
                lastPrint = elapsed;
                out.printf(Locale.ROOT, "  %3d s: %,d signals accepted, %d alerts received%n", elapsed / 1_000_000_000L,
                        accepted.get(), stack.receiver().received().size());
            }
            Thread.sleep(20);
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        double measuredSeconds = (System.nanoTime() - start - warmUp.endedAt()) / 1e9;
        double eventsPerSec = (accepted.get() - Math.max(0, acceptedAtWarmupEnd)) / measuredSeconds;

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (measured(stack.receiver()).size() < measuredHot && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        List<Long> delays = measured(stack.receiver()).stream()
                .map(a -> Duration.between(a.signalOccurredAt().orElseThrow(), a.receivedAt()).toMillis()).sorted().toList();
        if (delays.isEmpty()) {
            throw new IllegalStateException("no alert of the measured window arrived; see the stack's logs");
        }
        Instant loadStart = Instant.now().minusNanos(System.nanoTime() - start);
        out.println("slowest alerts (signal posted at load time +s: delay ms): " + measured(stack.receiver()).stream()
                .sorted(java.util.Comparator.comparing((AlertReceiver.Received a) -> Duration.between(a.signalOccurredAt().orElseThrow(),
                        a.receivedAt())).reversed()).limit(8)
                .map(a -> "+%.1f: %d".formatted(Duration.between(loadStart, a.signalOccurredAt().orElseThrow()).toMillis() / 1000.0,
                        Duration.between(a.signalOccurredAt().orElseThrow(), a.receivedAt()).toMillis())).toList());
        // Late alerts by the second of the load their signal was posted in: one stall, or late throughout?
        Map<Long, Long> lateBySecond = new TreeMap<>();
        for (AlertReceiver.Received alert : measured(stack.receiver())) {
            Instant posted = alert.signalOccurredAt().orElseThrow();
            if (Duration.between(posted, alert.receivedAt()).toMillis() >= 1000) {
                lateBySecond.merge(Duration.between(loadStart, posted).toSeconds(), 1L, Long::sum);
            }
        }
        out.println("alerts that took 1 s or more, by the second of the load their signal was posted in (+s: alerts): "
                + (lateBySecond.isEmpty() ? "none" : lateBySecond));
        KafkaLatency baseline = kafkaEndToEndLatency(stack.bootstrapServers());

        out.println();
        out.printf(Locale.ROOT, "%-58s %10s %9s %9s %9s%n", "path", "events/s", "p50 ms", "p99 ms", "max ms");
        out.printf(Locale.ROOT, "%-58s %10.0f %9d %9d %9d%n", "pipeline: HTTP post → webhook received (" + delays.size() + " alerts)",
                eventsPerSec, pct(delays, 50), pct(delays, 99), delays.get(delays.size() - 1));
        out.printf(Locale.ROOT, "%-58s %10s %9.1f %9.1f %9s%n", "baseline: Kafka EndToEndLatency, one hop, same broker", "-",
                baseline.p50(), baseline.p99(), "-");
        out.printf(Locale.ROOT, "warm-up (cold start under load): %.1f s%s%n", warmUp.endedAt() / 1e9,
                warmUp.caughtUp() ? "" : ", and the stack had not caught up with it: the measured window may include its backlog");
        out.printf(Locale.ROOT, "target: p99 < 1000 ms at 5000 events/s; alerts received %d of %d; signals rejected %d%n",
                delays.size(), measuredHot, rejected.get());
        ObjectNode json = JSON.createObjectNode().put("bench", "e2e")
                .put("eventsPerSec", Math.round(eventsPerSec))
                .put("p50Ms", pct(delays, 50)).put("p99Ms", pct(delays, 99)).put("maxMs", delays.get(delays.size() - 1))
                .put("alerts", delays.size()).put("expectedAlerts", measuredHot)
                .put("warmupSeconds", Math.round(warmUp.endedAt() / 1e8) / 10.0).put("caughtUp", warmUp.caughtUp())
                .put("kafkaHopP50Ms", baseline.p50()).put("kafkaHopP99Ms", baseline.p99());
        out.println(json);
    }

    /**
     * The warm-up: at least {@code minimum} of load, then on until the stack has kept up with it for {@link #STEADY} —
     * all that time, every warm-up alert whose complaints were posted more than {@link #BEHIND} ago had arrived — or
     * {@code maximum} has passed. A cold JVM on two cores falls seconds behind while it compiles; without this the
     * measured window would time the backlog of the cold start rather than the pipeline (the cold start is printed on
     * its own). Times are nanoseconds since the load began.
     */
    static final class WarmUp {
        static final Duration BEHIND = Duration.ofSeconds(1);
        static final Duration STEADY = Duration.ofSeconds(5);

        private record Posted(String customer, long at) {
        }

        private final long minimum;
        private final long maximum;
        private final Deque<Posted> posted = new ArrayDeque<>();
        private final Set<String> heard = ConcurrentHashMap.newKeySet();
        private long keptUpSince = -1;
        private long endedAt = -1;
        private boolean caughtUp;

        WarmUp(Duration minimum, Duration maximum) {
            this.minimum = minimum.toNanos();
            this.maximum = Math.max(minimum.toNanos(), maximum.toNanos());
        }

        /** A warm-up customer's complaints were posted {@code at}; its FIRING alert is awaited. */
        void posted(String customer, long at) {
            posted.addLast(new Posted(customer, at));
        }

        /** Called on the receiver's threads for each notification delivered. */
        void heard(AlertReceiver.Received alert) {
            if (alert.kind().equals("FIRING")) {
                heard.add(alert.entityId());
            }
        }

        /** Whether the warm-up is over at {@code elapsed} (called with growing times); the first call that says so fixes its end. */
        boolean over(long elapsed) {
            if (endedAt < 0) {
                while (!posted.isEmpty() && heard.contains(posted.peekFirst().customer())) {
                    posted.pollFirst();
                }
                boolean behind = !posted.isEmpty() && posted.peekFirst().at() <= elapsed - BEHIND.toNanos();
                keptUpSince = behind ? -1 : keptUpSince < 0 ? elapsed : keptUpSince;
                boolean steady = keptUpSince >= 0 && elapsed - keptUpSince >= STEADY.toNanos();
                if (elapsed >= minimum && (steady || elapsed >= maximum)) {
                    endedAt = elapsed;
                    caughtUp = steady;
                }
            }
            return endedAt >= 0;
        }

        long endedAt() {
            return endedAt;
        }

        boolean caughtUp() {
            return caughtUp;
        }
    }

    private static List<AlertReceiver.Received> measured(AlertReceiver receiver) {
        return receiver.received().stream().filter(a -> a.entityId().startsWith("hot-") && a.kind().equals("FIRING")).toList();
    }

    private static long pct(List<Long> sorted, int percentile) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1));
    }

    private CompletableFuture<Void> post(IngestClient ingest, Semaphore inFlight, String kind, List<ObjectNode> items) {
        inFlight.acquireUninterruptibly();
        return ingest.post(kind, List.copyOf(items)).whenComplete((r, e) -> inFlight.release()).thenAccept(r -> {
            accepted.addAndGet(r.accepted());
            rejected.addAndGet(r.rejected().size());
        });
    }

    /** Calm background: confirmations (some about a product) and improvement ideas. */
    private ObjectNode background(Instant at) {
        ObjectNode body = JSON.createObjectNode().put("eventId", "bg-" + (++sequence))
                .put("customerId", "c-" + random.nextInt(options.customers())).put("occurredAt", at.toString());
        if (random.nextBoolean()) {
            body.put("feedbackType", "CONFIRMATION").put("productId", "p-" + random.nextInt(options.products()));
        } else {
            body.put("feedbackType", "IMPROVEMENT");
        }
        return body;
    }

    private ObjectNode complaint(String customer, Instant at) {
        return JSON.createObjectNode().put("eventId", "hot-" + (++sequence)).put("customerId", customer)
                .put("occurredAt", at.toString()).put("complaintId", "cmp-" + sequence).put("status", "OPENED")
                .put("severity", 3).put("slaDueAt", at.plus(Duration.ofDays(3)).toString());
    }

    record KafkaLatency(double p50, double p99) {
    }

    /** Kafka's {@code EndToEndLatency} in a child JVM: 5,000 round trips of 200-byte records, acks=all. */
    private static KafkaLatency kafkaEndToEndLatency(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic("bench.e2e-latency", 1, (short) 1))).all().get();
        }
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "org.apache.kafka.tools.EndToEndLatency",
                "--bootstrap-server", bootstrap, "--topic", "bench.e2e-latency", "--num-records", "5000",
                "--producer-acks", "all", "--record-size", "200");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                output.add(line);
            }
        }
        process.waitFor();
        for (String line : output) {
            Matcher m = E2E_PERCENTILES.matcher(line);
            if (m.find()) {
                return new KafkaLatency(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)));
            }
        }
        throw new IllegalStateException("unreadable EndToEndLatency output:\n" + String.join("\n", output));
    }
}
