package dev.forewarn.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forewarn.testsupport.ChildJvm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local stack killed with SIGKILL (not stopped) mid-run and started again on the same data:
 * the data directory's lock died with the process, the broker recovers its log, and the alerts
 * raised before the kill are all still there. The stack runs as the user runs it: {@code LocalMain}
 * in its own JVM, on its default ports.
 */
class LocalStackKillIT {

    private static final Path OUTPUT = Path.of("target", "kill-it");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path home;

    private Process start(String name, String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("--home=" + home));
        all.addAll(List.of(args));
        ProcessBuilder builder = ChildJvm.of(LocalMain.class.getName(), List.of("-Xmx768m"), all.toArray(String[]::new));
        Files.createDirectories(OUTPUT);
        return builder.redirectErrorStream(true).redirectOutput(OUTPUT.resolve(home.getFileName() + "-" + name + ".out").toFile()).start();
    }

    private String output(String name) throws Exception {
        Path file = OUTPUT.resolve(home.getFileName() + "-" + name + ".out");
        return Files.exists(file) ? Files.readString(file) : "";
    }

    /** The last warnings and errors of the stack's log (what a failed restart is diagnosed from; the data directory goes with the test). */
    private String warnings() throws Exception {
        Path log = home.resolve("logs").resolve("forewarn.log");
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> lines = Files.readAllLines(log).stream()
                .filter(line -> line.contains(" WARN ") || line.contains(" ERROR ") || line.contains(" -> ")).toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    }

    private static Set<String> alerts() {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:8083/v1/alerts?limit=500"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Set.of();
            }
            Set<String> ids = new HashSet<>();
            JsonNode body = IngestClient.JSON.readTree(response.body());
            body.path("alerts").forEach(a -> ids.add(a.path("id").asText()));
            return ids;
        } catch (Exception e) {
            return Set.of();
        }
    }

    @Test
    void shouldComeBackWithItsAlertsAfterASigkill() throws Exception {
        Process first = start("first", "--customers=60", "--days=20", "--duration=20s", "--settle=5s", "--seed=7");
        Set<String> before;
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).alias("the simulation's summary")
                    .until(() -> output("first").contains("the pipeline keeps running"));
            before = alerts();
            assertThat(before).as("alerts raised by the simulation").isNotEmpty();
        } finally {
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no clean stop of broker or services
        }

        Process second = start("second", "--no-simulator");
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).alias("restarted on the same data")
                    .until(() -> output("second").contains("the pipeline keeps running") || !second.isAlive());
            assertThat(second.isAlive()).as("restarted; its output: " + output("second") + "\nits log's warnings: " + warnings()).isTrue();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(alerts()).as("alerts after the restart").containsAll(before));
        } finally {
            second.destroy();
            second.waitFor(60, TimeUnit.SECONDS);
        }
    }
}
