package dev.forewarn.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on the local stack (real KRaft broker, registry, the three services in this JVM):
 * the simulator plays a short deterministic scenario through the HTTP API and the owners must be
 * alerted, by signed webhooks, before the escalations; calm entities must not be alerted; a second
 * start on the same data resumes with the alerts it had.
 */
class LocalStackIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path home;

    @Test
    void deterioratingCustomerAndDefectWaveAreAlertedBeforeTheyEscalateAndCalmEntitiesAreNot() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
        // 60 customers (one deteriorates), 15 products (one defect wave), 20 days of history in 40 s: 12 h per second.
        Scenario scenario = Scenario.generate(Scenario.Settings.of(60, Duration.ofDays(20), 7), Instant.now(), "it");
        // The receiver keeps its port across the restart, so a notification sent again would reach it.
        LocalStack.Options options = LocalStack.Options.ephemeral(home).withReceiverPort(dev.forewarn.kafka.SingleNodeKafka.freePort());
        Simulator.Report report;
        try (LocalStack stack = LocalStack.start(options, Map.of(), out)) {
            Simulator simulator = new Simulator(new IngestClient(stack.ingestUrl(), Optional.empty()), Optional.of(stack.receiver()),
                    stack.receiver().url(), out);
            report = simulator.run(scenario, Duration.ofSeconds(40), Duration.ofSeconds(8));
            Simulator.print(report, true, out);
            System.out.println(console.toString(StandardCharsets.UTF_8));

            assertThat(report.rejected()).isZero();
            assertThat(report.eventsSent()).isEqualTo(scenario.events().size());
            assertThat(scenario.escalations()).extracting(Scenario.Escalation::entity)
                    .anyMatch(e -> e.startsWith("CUSTOMER:")).anyMatch(e -> e.startsWith("PRODUCT:"));
            // Both kinds of defect-wave customers escalate: key accounts of the product's owner (grouped under the product's
            // alert) and customers of their own account manager (told directly, with the product alert named).
            assertThat(scenario.escalations()).extracting(Scenario.Escalation::story)
                    .contains("key account of the product's owner cancels", "customer of a defect wave cancels");
            for (Simulator.Outcome outcome : report.outcomes()) {
                String entity = outcome.escalation().entity();
                assertThat(outcome.firstAlert()).as("a notification naming %s to its own owner %s", entity,
                        scenario.owners().get(entity)).isPresent();
                assertThat(outcome.alertedBefore()).as("%s's owner told before its escalation was sent", entity).isTrue();
                assertThat(outcome.firstAlert().get().owner()).isEqualTo(scenario.owners().get(entity));
                assertThat(outcome.heardAhead()).as("history between %s's owner hearing of it and its escalation", entity)
                        .hasValueSatisfying(ahead -> assertThat(ahead).isGreaterThan(Duration.ofHours(24)));
            }
            assertThat(report.calmAlerted()).as("calm entities alerted").isEmpty();
            // A replay at any speed: every entity at WARNING or above at its end was named to its own owner.
            String scoring = stack.urls().get("scoring-streams");
            List<String> warning = new java.util.ArrayList<>();
            for (String type : List.of("CUSTOMER", "PRODUCT")) {
                JsonNode top = IngestClient.JSON.readTree(HTTP.send(HttpRequest.newBuilder(
                        URI.create(scoring + "/v1/risk/top?entityType=" + type + "&limit=1000")).build(), HttpResponse.BodyHandlers.ofString()).body());
                top.path("items").forEach(item -> {
                    if (List.of("WARNING", "CRITICAL").contains(item.path("level").asText())) {
                        warning.add(type + ":" + item.path("entityId").asText());
                    }
                });
            }
            assertThat(warning).as("entities at WARNING or above at the end").isNotEmpty();
            for (String entity : warning) {
                String owner = scenario.owners().get(entity);
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(stack.receiver().received())
                        .as("a notification naming %s to its owner %s", entity, owner).anyMatch(a -> a.names(entity) && a.owner().equals(owner)));
            }
            // The quality desk and the backtest agree on the same data: the backtest of the stack's own topics counts, with
            // the desk's definition, exactly the escalations and catches the desk shows from alerting's real alerts.
            java.io.StringWriter backtestOut = new java.io.StringWriter();
            assertThat(new picocli.CommandLine(new dev.forewarn.tools.BacktestMain()).setOut(new java.io.PrintWriter(backtestOut))
                    .execute("--bootstrap-servers", stack.bootstrapServers(), "--registry-url", stack.urls().get("schema registry")))
                    .as(backtestOut.toString()).isZero();
            List<String> backtestLines = backtestOut.toString().lines().toList();
            JsonNode deskView = IngestClient.JSON.readTree(backtestLines.get(backtestLines.size() - 1)).path("desk");
            DeskSession desk = DeskSession.signIn(stack.deskUrl(), stack.deskToken());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                String quality = desk.page("/quality?days=30");
                assertThat(DeskSession.figure(quality, "escalations")).as("escalations on the desk; backtest said %s", backtestOut)
                        .isEqualTo(deskView.path("escalations").asInt()).isPositive();
                assertThat(DeskSession.figure(quality, "caught")).as("caught on the desk; backtest said %s", backtestOut)
                        .isEqualTo(deskView.path("caught").asInt());
            });

            // Every channel is visible locally: each escalating entity's owner also got an e-mail, kept as an .eml file.
            for (Simulator.Outcome outcome : report.outcomes()) {
                String mailbox = scenario.owners().get(outcome.escalation().entity()) + "@forewarn.local";
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(stack.mail().received())
                        .as("e-mails to %s", mailbox).anyMatch(m -> m.to().equals(mailbox) && java.nio.file.Files.exists(m.file())));
            }
            // A prediction is not a CRITICAL: an alert raised by one keeps the entity's real level and says so.
            assertThat(stack.receiver().received()).as("the scenario raises predictions").anyMatch(AlertReceiver.Received::predicted);
            stack.receiver().received().stream().filter(AlertReceiver.Received::predicted).forEach(a ->
                    assertThat(a.level()).as("level of the predicted alert %s", a.entityKey()).isNotEqualTo("CRITICAL"));
            assertThat(report.wrongOwner()).isEmpty();
            assertThat(stack.receiver().badSignatures()).isZero();

            // Authentication is off here, so nothing listens beyond loopback: not the services, not the registry, not Kafka.
            java.util.Optional<java.net.InetAddress> external = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())
                    .stream().flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                    .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()).findFirst();
            if (external.isPresent()) {
                for (String url : List.of(stack.urls().get("ingest-service"), stack.urls().get("scoring-streams"),
                        stack.urls().get("alerting-service"), stack.urls().get("schema registry"))) {
                    int port = URI.create(url).getPort();
                    assertThat(listens(external.get(), port)).as("%s on %s", url, external.get()).isFalse();
                    assertThat(listens(java.net.InetAddress.getLoopbackAddress(), port)).as(url).isTrue();
                }
            }

            // Every metric the Grafana dashboard queries is one the services really export.
            Set<String> exported = new HashSet<>();
            for (String service : List.of("ingest-service", "scoring-streams", "alerting-service")) {
                String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(stack.urls().get(service) + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                metrics.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).map(l -> l.split("[{ ]", 2)[0]).forEach(exported::add);
                // The health gauges the alert rules read say what they should of a healthy service (not NaN, not 0).
                metrics.lines().filter(l -> l.startsWith("forewarn_ready{") || l.startsWith("forewarn_streams_running{"))
                        .forEach(l -> assertThat(l).as(service).endsWith(" 1.0"));
            }
            Set<String> queried = dashboardMetrics(Path.of("..", "deploy", "grafana", "dashboards", "forewarn.json"));
            queried.removeAll(EXPORTER_METRICS); // read from the broker by docker-compose's kafka-exporter, not by the services
            assertThat(queried).hasSizeGreaterThan(10);
            assertThat(exported).as("metrics the dashboard queries").containsAll(queried);
            // And every metric the pipeline's own alert rules use, except the lag exporter's and the counter of failed
            // threads, created by the first failure, which a healthy run never has.
            Set<String> ruled = ruleMetrics(Path.of("..", "deploy", "prometheus", "rules", "forewarn.rules.yml"));
            ruled.removeAll(EXPORTER_METRICS);
            ruled.remove("forewarn_thread_failures_total");
            assertThat(ruled).hasSizeGreaterThan(5);
            assertThat(exported).as("metrics the alert rules use").containsAll(ruled);
        }

        // A second start on the same data resumes: the alerts are still there, and nothing starts over.
        Set<String> alerted = new HashSet<>();
        report.alerts().forEach(a -> alerted.add(a.entityKey()));
        int before = report.alerts().size();
        try (LocalStack again = LocalStack.start(options, Map.of(), out)) {
            String alerting = again.urls().get("alerting-service");
            JsonNode alerts = IngestClient.JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(alerting + "/v1/alerts?limit=500")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            Set<String> listed = new HashSet<>();
            alerts.path("alerts").forEach(a -> listed.add(a.path("entityType").asText() + ":" + a.path("entityId").asText()));
            assertThat(listed).containsAll(alerted);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(again.receiver().received()).as("notifications sent again after the restart").isEmpty());
        }
        assertThat(before).isPositive();
    }

    /** Metrics of docker-compose's kafka-exporter (consumer lag and topic offsets as the broker sees them). */
    private static final Set<String> EXPORTER_METRICS = Set.of("kafka_consumergroup_lag", "kafka_topic_partition_current_offset");

    private static boolean listens(java.net.InetAddress address, int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(address, port), 2_000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The metric names in the alert rules' PromQL expressions. */
    private static Set<String> ruleMetrics(Path rules) throws Exception {
        Pattern metric = Pattern.compile("\\b(?:forewarn|kafka|http_server|jvm|process)_[a-zA-Z0-9_]+");
        Set<String> names = new HashSet<>();
        JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(rules.toFile());
        for (JsonNode group : root.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                Matcher m = metric.matcher(rule.path("expr").asText());
                while (m.find()) {
                    names.add(m.group());
                }
            }
        }
        return names;
    }

    /** The metric names in the dashboard's PromQL expressions (ours, Kafka's, HTTP, JVM). */
    private static Set<String> dashboardMetrics(Path dashboard) throws Exception {
        Pattern metric = Pattern.compile("\\b(?:forewarn|kafka|http_server|jvm|process)_[a-zA-Z0-9_]+");
        Set<String> names = new HashSet<>();
        for (JsonNode panel : IngestClient.JSON.readTree(dashboard.toFile()).path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                Matcher m = metric.matcher(target.path("expr").asText());
                while (m.find()) {
                    names.add(m.group());
                }
            }
        }
        return names;
    }
}
