package dev.forewarn.alerting.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HttpChannelTest {

    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");

    @Test
    void shouldReadRetryAfterAsSecondsOrAsAnHttpDate() {
        assertThat(HttpChannel.retryAfter("120", NOW)).contains(Duration.ofMinutes(2));
        assertThat(HttpChannel.retryAfter(" 0 ", NOW)).contains(Duration.ZERO);
        assertThat(HttpChannel.retryAfter("Mon, 30 Nov 2026 10:05:00 GMT", NOW)).contains(Duration.ofMinutes(5));
        assertThat(HttpChannel.retryAfter("Mon, 30 Nov 2026 09:00:00 GMT", NOW)).as("a date in the past").contains(Duration.ZERO);
        assertThat(HttpChannel.retryAfter("soon", NOW)).isEmpty();
        assertThat(HttpChannel.retryAfter(null, NOW)).isEmpty();
    }
}
