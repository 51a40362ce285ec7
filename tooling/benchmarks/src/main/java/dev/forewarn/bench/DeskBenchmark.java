package dev.forewarn.bench;

import dev.forewarn.events.Alert;
import dev.forewarn.events.AlertState;
import dev.forewarn.events.Complaint;
import dev.forewarn.events.ComplaintStatus;
import dev.forewarn.events.EntityType;
import dev.forewarn.events.RiskLevel;
import dev.forewarn.kafka.SingleNodeKafka;
import dev.forewarn.local.LocalStack;
import dev.forewarn.topics.TopicCatalogue;
import dev.forewarn.topics.TopicSerdes;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How fast the quality desk's pages are with a realistic amount of state: the local stack (real broker, registry,
 * services, desk) with {@code --alerts} alerts in alerting-service's view and {@code --entities} customers scored by
 * scoring-streams (one complaint each, one in 50 of severity 5; also read by the desk's evidence index). Each page is requested
 * {@code --runs} times after a warm-up; the figure is the desk's answer time (loopback, so server-side time plus
 * microseconds), printed beside its baseline: the same data straight from the backend API the page is built from.
 * Target: every page under 200 ms at the 95th percentile with 10,000 alerts and 100,000 scored entities.
 */
public final class DeskBenchmark {

    record Options(int alerts, int entities, int runs) {
        static Options parse(String[] args) {
            BenchArgs given = new BenchArgs(args);
            return given.done(new Options(given.integer("alerts", 10_000, 1), given.integer("entities", 100_000, 1),
                    given.integer("runs", 30, 1)));
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    public static void main(String[] args) throws Exception {
        Options options = BenchArgs.orExit("bin/bench-desk", () -> Options.parse(args));
        Path home = Files.createTempDirectory("forewarn-desk-bench");
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "desk benchmark: %,d alerts, %,d scored entities, %d runs per page; Java %s, Kafka %s, %d cores%n",
                options.alerts(), options.entities(), options.runs(), System.getProperty("java.version"),
                org.apache.kafka.common.utils.AppInfoParser.getVersion(), Runtime.getRuntime().availableProcessors());
        try (LocalStack stack = LocalStack.start(LocalStack.Options.ephemeral(home), Map.of(), out)) {
            seed(stack, options, out);
            measure(stack, options, out);
        } finally {
            SingleNodeKafka.deleteRecursively(home);
        }
    }

    private static void seed(LocalStack stack, Options options, PrintStream out) throws Exception {
        String registry = stack.urls().get("schema registry");
        TopicSerdes serdes = TopicSerdes.of(registry);
        Serializer<Complaint> complaints = serdes.value(TopicCatalogue.COMPLAINTS).serializer();
        Serializer<Alert> alerts = serdes.value(TopicCatalogue.ALERT_STATE).serializer();
        Random random = new Random(42);
        Instant now = Instant.now();
        long started = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", stack.bootstrapServers(),
                "linger.ms", 20, "batch.size", 262_144), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < options.entities(); i++) {
                String customer = String.format(Locale.ROOT, "c-%06d", i);
                Complaint complaint = Complaint.newBuilder().setEventId("bench-" + i).setCustomerId(customer)
                        .setOccurredAt(now.minus(Duration.ofMinutes(random.nextInt(60 * 24 * 20)))).setSource("bench")
                        .setProductId(String.format(Locale.ROOT, "p-%04d", random.nextInt(5_000))).setComplaintId("K-" + i)
                        .setStatus(ComplaintStatus.OPENED).setSeverity(random.nextInt(50) == 0 ? 5 : 1 + random.nextInt(2)).setCategory("quality")
                        .setDescription("The lid broke again <b>" + i + "</b>").build();
                producer.send(new ProducerRecord<>(TopicCatalogue.COMPLAINTS.name(), customer,
                        complaints.serialize(TopicCatalogue.COMPLAINTS.name(), complaint)));
            }
            for (int i = 0; i < options.alerts(); i++) {
                String customer = String.format(Locale.ROOT, "c-%06d", i * Math.max(1, options.entities() / options.alerts()));
                RiskLevel level = random.nextInt(4) == 0 ? RiskLevel.CRITICAL : RiskLevel.WARNING;
                Instant fired = now.minus(Duration.ofMinutes(random.nextInt(60 * 24 * 20)));
                Alert alert = Alert.newBuilder().setAlertId("CUSTOMER:" + customer).setEntityType(EntityType.CUSTOMER)
                        .setEntityId(customer).setState(AlertState.values()[random.nextInt(4)]).setLevel(level)
                        .setScore(50 + random.nextDouble() * 50).setFiredAt(fired).setFiredScoredAt(fired).setUpdatedAt(fired)
                        .setOwnerId("am-" + random.nextInt(50)).build();
                producer.send(new ProducerRecord<>(TopicCatalogue.ALERT_STATE.name(), alert.getAlertId(),
                        alerts.serialize(TopicCatalogue.ALERT_STATE.name(), alert)));
            }
            producer.flush();
        }
        String alerting = stack.urls().get("alerting-service");
        String scoring = stack.urls().get("scoring-streams");
        String lastCustomer = String.format(Locale.ROOT, "c-%06d", options.entities() - 1);
        long deadline = System.nanoTime() + Duration.ofMinutes(Math.max(1, options.entities() / 10_000)).toNanos();
        // Scoring raises alerts of its own from the severe complaints: at least the seeded ones must be in the view.
        while (!(total(alerting) >= options.alerts() && get(scoring + "/v1/risk/customers/" + lastCustomer, null).statusCode() == 200)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the stack did not take the seeded data in time: alerts "
                        + get(alerting + "/v1/alerts?limit=1", null).body() + "; last customer "
                        + get(scoring + "/v1/risk/customers/" + lastCustomer, null).body());
            }
            Thread.sleep(500);
        }
        out.printf(Locale.ROOT, "seeded and scored in %,d ms; %,d alerts in alerting's view%n", (System.nanoTime() - started) / 1_000_000,
                total(alerting));
    }

    private static int total(String alerting) throws Exception {
        Matcher total = Pattern.compile("\"total\":(\\d+)").matcher(get(alerting + "/v1/alerts?limit=1", null).body());
        return total.find() ? Integer.parseInt(total.group(1)) : 0;
    }

    private static void measure(LocalStack stack, Options options, PrintStream out) throws Exception {
        String desk = stack.deskUrl();
        String session = signIn(desk, stack.deskToken());
        String alerting = stack.urls().get("alerting-service");
        String scoring = stack.urls().get("scoring-streams");
        String customer = "c-000000";
        Map<String, String[]> pages = new LinkedHashMap<>();
        pages.put("inbox (latest change first)", new String[] {desk + "/inbox", alerting + "/v1/alerts?limit=50"});
        pages.put("inbox (highest risk, WARNING, text)", new String[] {desk + "/inbox?sort=risk&level=WARNING&q=c-00",
                alerting + "/v1/alerts?limit=50&sort=risk&level=WARNING&q=c-00"});
        pages.put("at risk, customers", new String[] {desk + "/at-risk", scoring + "/v1/risk/top?entityType=CUSTOMER&limit=1000"});
        pages.put("at risk, products by time to CRITICAL", new String[] {desk + "/at-risk?entityType=PRODUCT&by=critical",
                scoring + "/v1/risk/top?entityType=PRODUCT&limit=1000"});
        pages.put("entity page (customer)", new String[] {desk + "/entities/customer/" + customer, scoring + "/v1/risk/customers/" + customer});
        pages.put("entity page (product)", new String[] {desk + "/entities/product/p-0001", scoring + "/v1/risk/products/p-0001"});
        pages.put("owners and coverage", new String[] {desk + "/owners", alerting + "/v1/owners"});
        pages.put("how good are the warnings (30 days)", new String[] {desk + "/quality", alerting + "/v1/alerts?limit=1000"});
        pages.put("silences", new String[] {desk + "/silences", alerting + "/v1/silences"});
        String third = thirdPage(desk, session);
        pages.put("inbox (third page)", new String[] {desk + third, alerting + "/v1/alerts?limit=50"});

        out.println();
        out.printf(Locale.ROOT, "%-40s %9s %9s %9s   %-9s %9s%n", "page", "p50 ms", "p95 ms", "max ms", "baseline:", "p95 ms");
        boolean allUnder = true;
        for (Map.Entry<String, String[]> page : pages.entrySet()) {
            List<Double> times = time(page.getValue()[0], session, options.runs());
            List<Double> baseline = time(page.getValue()[1], null, options.runs());
            allUnder &= percentile(times, 0.95) < 200;
            out.printf(Locale.ROOT, "%-40s %9.1f %9.1f %9.1f   %-9s %9.1f%n", page.getKey(), percentile(times, 0.5), percentile(times, 0.95),
                    times.get(times.size() - 1), "API", percentile(baseline, 0.95));
        }
        out.printf(Locale.ROOT, "target: every page < 200 ms at p95 with %,d alerts and %,d scored entities: %s%n", options.alerts(),
                options.entities(), allUnder ? "met" : "NOT met");
    }

    private static List<Double> time(String url, String session, int runs) throws Exception {
        for (int i = 0; i < 3; i++) {
            check(get(url, session), url);
        }
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long started = System.nanoTime();
            check(get(url, session), url);
            times.add((System.nanoTime() - started) / 1e6);
        }
        Collections.sort(times);
        return times;
    }

    private static void check(HttpResponse<String> response, String url) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode());
        }
    }

    private static double percentile(List<Double> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    private static String thirdPage(String desk, String session) throws Exception {
        String path = "/inbox";
        for (int i = 0; i < 2; i++) {
            Matcher next = Pattern.compile("href=\"(/inbox\\?[^\"]*cursor=[^\"]*)\" rel=\"next\"").matcher(get(desk + path, session).body());
            if (!next.find()) {
                throw new IllegalStateException("no next page on " + path);
            }
            path = next.group(1).replace("&amp;", "&");
        }
        return path;
    }

    private static String signIn(String desk, String token) throws Exception {
        HttpResponse<String> page = get(desk + "/sign-in", null);
        String formCookie = page.headers().allValues("Set-Cookie").get(0).split(";", 2)[0];
        Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]*)\"").matcher(page.body());
        if (!csrf.find()) {
            throw new IllegalStateException("no sign-in form");
        }
        HttpResponse<String> signedIn = HTTP.send(HttpRequest.newBuilder(URI.create(desk + "/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", formCookie)
                .POST(HttpRequest.BodyPublishers.ofString("csrf=" + csrf.group(1) + "&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        return signedIn.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("forewarn_desk=")).findFirst()
                .map(c -> c.split(";", 2)[0]).orElseThrow(() -> new IllegalStateException("sign-in failed: " + signedIn.statusCode()));
    }

    private static HttpResponse<String> get(String url, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
