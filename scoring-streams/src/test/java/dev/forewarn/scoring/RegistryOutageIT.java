package dev.forewarn.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forewarn.registry.SchemaRegistryServer;
import dev.forewarn.testsupport.ChildJvm;
import dev.forewarn.testsupport.Topics;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * A schema-registry outage is not bad data. The registry runs as its own process; signals keep
 * flowing while it is down for 60 s, and a scoring instance is restarted during the outage, so it
 * starts with an empty schema cache and cannot read a record. It must wait (readiness false,
 * {@code forewarn_registry_errors_total} counting), go on by itself when the registry is back, and
 * end with every signal scored exactly once and nothing dead-lettered.
 */
class RegistryOutageIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final ScoringDrill drill = new ScoringDrill("scoring-registry-outage-");
    private final int registryPort = ChildJvm.freePort();
    private final String registryUrl = "http://127.0.0.1:" + registryPort;

    private Process startRegistry(String name) throws Exception {
        ProcessBuilder builder = ChildJvm.service(SchemaRegistryServer.class, "256m");
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", ScoringDrill.KAFKA.bootstrapServers());
        builder.environment().put("SCHEMA_REGISTRY_HOST", "127.0.0.1");
        builder.environment().put("SCHEMA_REGISTRY_PORT", Integer.toString(registryPort));
        File log = drill.stateDir.resolve(name + ".log").toFile();
        log.getParentFile().mkdirs();
        Process registry = builder.redirectErrorStream(true).redirectOutput(log).start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> status(registryUrl + "/subjects") == 200);
        return registry;
    }

    private static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static double registryErrors(int port) throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith("forewarn_registry_errors_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void shouldWaitForTheRegistryAndScoreEverySignalOnceWhenItIsBack() throws Exception {
        ScoringDrill.createTopics();
        List<ScoringDrill.Sent> all = drill.stream(3_000, 200);
        int third = all.size() / 3;
        Process registry = startRegistry("registry-1");
        drill.produce(all.subList(0, third));
        int firstPort = ChildJvm.freePort();
        Process first = drill.startChild("first", registryUrl, firstPort);
        Process second = null;
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> drill.latestCustomerScores().size() >= 20);

            // The registry goes away; signals keep coming (the producer's schema ids are cached).
            registry.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            long outageStart = System.nanoTime();
            drill.produce(all.subList(third, 2 * third));
            // A restart during the outage: the new instance knows no schema.
            first.destroy();
            first.waitFor(60, TimeUnit.SECONDS);
            int secondPort = ChildJvm.freePort();
            second = drill.startChild("second", registryUrl, secondPort);
            drill.produce(all.subList(2 * third, all.size()));
            await().atMost(Duration.ofSeconds(50)).pollInterval(Duration.ofMillis(500)).alias("registry errors counted")
                    .until(() -> status("http://127.0.0.1:" + secondPort + "/health/live") == 200 && registryErrors(secondPort) > 0);
            AtomicBoolean readyDuringOutage = new AtomicBoolean();
            while (System.nanoTime() - outageStart < TimeUnit.SECONDS.toNanos(60)) {
                readyDuringOutage.compareAndSet(false, status("http://127.0.0.1:" + secondPort + "/health/ready") == 200);
                Thread.sleep(500);
            }
            assertThat(readyDuringOutage).as("ready while it could not read a record").isFalse();
            assertThat(second.isAlive()).as("waits for the registry instead of exiting").isTrue();

            registry = startRegistry("registry-2");
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).alias("caught up after the outage")
                    .until(drill::caughtUp);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).alias("ready again")
                    .until(() -> status("http://127.0.0.1:" + secondPort + "/health/ready") == 200);
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.destroy();
                second.waitFor(60, TimeUnit.SECONDS);
            }
            registry.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }

        drill.assertScoresMatchReference(all);
        drill.assertTransitionsMatchScores();
        Map<String, Object> props = new HashMap<>(ScoringDrill.KAFKA.clientProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        for (String input : ScoringDrill.INPUTS) {
            assertThat(Topics.readToEnd(props, input + ".dlq", new ByteArrayDeserializer()))
                    .as("dead letters of this run in " + input + ".dlq")
                    .noneMatch(r -> r.key() != null && r.key().startsWith("X" + drill.run));
        }
    }
}
