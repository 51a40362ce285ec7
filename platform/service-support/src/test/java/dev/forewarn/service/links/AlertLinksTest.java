package dev.forewarn.service.links;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class AlertLinksTest {

    private static final byte[] SECRET = "0123456789abcdef-shared".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
    private final AlertLinks links = new AlertLinks("https://alerts.example/", "https://desk.example", SECRET, Duration.ofHours(72),
            Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void shouldLinkToTheDeskPageWhenThereIsADeskAndToTheApiOtherwise() {
        assertThat(links.alert("CUSTOMER:C 1")).isEqualTo("https://desk.example/alerts/CUSTOMER%3AC%201");
        assertThat(links.api("CUSTOMER:C-1")).isEqualTo("https://alerts.example/v1/alerts/CUSTOMER:C-1");
        assertThat(AlertLinks.apiOnly("https://alerts.example").alert("CUSTOMER:C-1")).isEqualTo("https://alerts.example/v1/alerts/CUSTOMER:C-1");
        assertThat(AlertLinks.apiOnly("https://alerts.example").oneClickAck("CUSTOMER:C-1")).isEmpty();
    }

    @Test
    void shouldAcceptItsOwnSignatureUntilItExpiresAndNothingElse() {
        String link = links.oneClickAck("CUSTOMER:C-1").orElseThrow();
        String query = URI.create(link).getQuery();
        long exp = Long.parseLong(query.replaceAll(".*exp=(\\d+).*", "$1"));
        String sig = query.replaceAll(".*sig=([^&]+).*", "$1");
        assertThat(exp).isEqualTo(NOW.plus(Duration.ofHours(72)).getEpochSecond());

        assertThat(AlertLinks.verify(SECRET, "CUSTOMER:C-1", exp, sig, NOW)).isTrue();
        assertThat(AlertLinks.verify(SECRET, "CUSTOMER:C-2", exp, sig, NOW)).as("another alert").isFalse();
        assertThat(AlertLinks.verify(SECRET, "CUSTOMER:C-1", exp + 3600, sig, NOW)).as("a later expiry").isFalse();
        assertThat(AlertLinks.verify("another-secret-of-16-bytes".getBytes(StandardCharsets.UTF_8), "CUSTOMER:C-1", exp, sig, NOW))
                .as("another key").isFalse();
        assertThat(AlertLinks.verify(SECRET, "CUSTOMER:C-1", exp, sig, Instant.ofEpochSecond(exp))).as("expired").isFalse();
        assertThat(AlertLinks.verify(SECRET, "CUSTOMER:C-1", exp, null, NOW)).isFalse();
    }
}
