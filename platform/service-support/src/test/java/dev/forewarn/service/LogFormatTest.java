package dev.forewarn.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The services' log4j2.xml in a fresh JVM, as a service runs it: text or JSON lines, hostile text encoded, the trace id carried. */
class LogFormatTest {

    /** Logs what a request could make a service log: text with a line break, under a trace id. */
    public static void main(String[] args) {
        Logger log = LoggerFactory.getLogger("dev.forewarn.ingest.Example");
        MDC.put("traceId", "trace-42");
        log.warn("record not written for customer {}", "C-1\nFAKE 2026-01-01 ERROR forged line");
        MDC.remove("traceId");
        log.debug("hidden unless LOG_LEVEL=DEBUG");
    }

    private static List<String> run(String... env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LogFormatTest.class.getName()).redirectErrorStream(true);
        builder.environment().remove("LOG_FORMAT");
        builder.environment().remove("LOG_LEVEL");
        for (int i = 0; i < env.length; i += 2) {
            builder.environment().put(env[i], env[i + 1]);
        }
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out.lines().filter(l -> l.contains("Example") || l.contains("\"log.logger\"")).toList();
    }

    @Test
    void shouldWriteOneEncodedTextLinePerEventWithItsTraceId() throws Exception {
        List<String> lines = run();

        assertThat(lines).singleElement().satisfies(line -> {
            assertThat(line).contains("WARN").contains("[trace trace-42]").contains("C-1\\nFAKE").doesNotContain("hidden");
        });
    }

    @Test
    void shouldWriteJsonLinesWhenAskedAndHonourTheLevel() throws Exception {
        List<String> lines = run("LOG_FORMAT", "json", "LOG_LEVEL", "DEBUG");

        assertThat(lines).hasSize(2);
        JsonNode warn = new ObjectMapper().readTree(lines.get(0));
        assertThat(warn.path("log.level").asText()).isEqualTo("WARN");
        assertThat(warn.path("message").asText()).isEqualTo("record not written for customer C-1\nFAKE 2026-01-01 ERROR forged line");
        assertThat(warn.toString()).contains("trace-42");
        assertThat(new ObjectMapper().readTree(lines.get(1)).path("message").asText()).isEqualTo("hidden unless LOG_LEVEL=DEBUG");
    }
}
