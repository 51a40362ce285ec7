package dev.forewarn.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml read as a deployment, without a Docker engine: nothing published beyond this
 * host, no secret with a default, state on volumes, restarts and stop grace where they matter.
 * ({@code .ci/run} also checks it with {@code docker-compose config}.)
 */
class ComposeFileTest {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)(:?[-?])?([^}]*)}");
    private static final Pattern SECRET = Pattern.compile(".*(TOKEN|SECRET|KEY|PASSWORD).*");
    private static JsonNode compose;
    private static String text;

    @BeforeAll
    static void read() throws Exception {
        Path file = Path.of("..", "docker-compose.yml");
        text = java.nio.file.Files.readString(file);
        compose = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    }

    private static Iterable<Map.Entry<String, JsonNode>> services() {
        return compose.path("services")::fields;
    }

    @Test
    void shouldPublishEveryPortOnLoopbackOnly() {
        List<String> open = new ArrayList<>();
        for (Map.Entry<String, JsonNode> service : services()) {
            service.getValue().path("ports").forEach(port -> {
                if (!port.asText().startsWith("127.0.0.1:")) {
                    open.add(service.getKey() + " publishes " + port.asText());
                }
            });
        }
        assertThat(open).isEmpty();
    }

    @Test
    void shouldRequireEverySecretWithoutADefault() {
        List<String> defaulted = new ArrayList<>();
        Matcher m = VARIABLE.matcher(text);
        while (m.find()) {
            if (SECRET.matcher(m.group(1)).matches() && !":?".equals(m.group(2))) {
                defaulted.add(m.group());
            }
        }
        assertThat(defaulted).as("secrets must be ${VAR:?explain}").isEmpty();
        List<String> inline = new ArrayList<>();
        for (Map.Entry<String, JsonNode> service : services()) {
            service.getValue().path("environment").fields().forEachRemaining(variable -> {
                if (SECRET.matcher(variable.getKey()).matches() && !variable.getValue().asText().startsWith("${")) {
                    inline.add(service.getKey() + " " + variable.getKey());
                }
            });
        }
        assertThat(inline).as("secrets written into the file").isEmpty();
    }

    @Test
    void shouldKeepEveryStatefulServicesDataOnAVolume() {
        Map<String, String> dataDirs = Map.of("kafka", "/var/lib/kafka/data", "scoring", "/var/lib/forewarn",
                "alerting", "/var/lib/forewarn", "prometheus", "/prometheus", "grafana", "/var/lib/grafana", "alertmanager", "/alertmanager");
        Set<String> named = new java.util.HashSet<>();
        compose.path("volumes").fieldNames().forEachRemaining(named::add);
        dataDirs.forEach((service, dir) -> {
            List<String> mounts = new ArrayList<>();
            compose.path("services").path(service).path("volumes").forEach(v -> mounts.add(v.asText()));
            assertThat(mounts).as(service + " keeps " + dir + " on a named volume")
                    .anyMatch(mount -> mount.endsWith(":" + dir) && named.contains(mount.substring(0, mount.indexOf(':'))));
        });
        JsonNode kafka = compose.path("services").path("kafka").path("environment");
        assertThat(kafka.path("KAFKA_LOG_DIRS").asText()).as("Kafka writes its log into the volume").startsWith("/var/lib/kafka/data");
        assertThat(kafka.path("CLUSTER_ID").asText()).as("a fixed cluster id, so the data is the same cluster's").isNotBlank();
        assertThat(compose.path("services").path("scoring").path("environment").path("SCORING_STATE_DIR").asText()).startsWith("/var/lib/forewarn");
        assertThat(compose.path("services").path("alerting").path("environment").path("ALERTING_STATE_DIR").asText()).startsWith("/var/lib/forewarn");
    }

    @Test
    void shouldRestartLongRunningServicesAndGiveEachServiceMoreThanItsOwnShutdownGrace() {
        for (Map.Entry<String, JsonNode> service : services()) {
            boolean oneShot = Set.of("topic-init", "simulator").contains(service.getKey());
            assertThat(service.getValue().path("restart").asText(compose.path("x-forewarn").path("restart").asText()))
                    .as(service.getKey()).isEqualTo(oneShot ? "no" : "unless-stopped");
        }
        // The services' own grace: ingest 30 s (INGEST_SHUTDOWN_GRACE), scoring 60 s (Streams close), alerting 10 + 60 s.
        Map<String, Integer> ownGrace = Map.of("ingest", 30, "scoring", 60, "alerting", 70);
        ownGrace.forEach((service, seconds) -> {
            String grace = compose.path("services").path(service).path("stop_grace_period").asText("10s");
            assertThat(Integer.parseInt(grace.replace("s", ""))).as(service + " stop_grace_period").isGreaterThan(seconds);
        });
    }

    @Test
    void shouldLoadThePipelinesOwnAlertRulesAndRouteThem() {
        List<String> mounts = new ArrayList<>();
        compose.path("services").path("prometheus").path("volumes").forEach(v -> mounts.add(v.asText()));
        assertThat(mounts).contains("./deploy/prometheus/rules:/etc/prometheus/rules:ro");
        assertThat(compose.path("services").has("alertmanager")).isTrue();
        assertThat(compose.path("services").has("kafka-exporter")).as("consumer lag from the broker's side").isTrue();
    }

    @Test
    void shouldCreateTheTopicsFromTheCatalogue() {
        assertThat(compose.path("services").path("topic-init").path("command").toString()).contains(TopicsMain.class.getName());
    }
}
