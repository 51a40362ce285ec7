package dev.forewarn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forewarn.local.AlertReceiver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class E2eWarmUpTest {

    private static final long S = 1_000_000_000L;

    private final E2eBenchmark.WarmUp warmUp = new E2eBenchmark.WarmUp(Duration.ofSeconds(20), Duration.ofSeconds(60));

    @Test
    void lastsAtLeastTheMinimumWhenTheStackKeepsUp() {
        warmUp.posted("warm-0", 5 * S);
        warmUp.heard(alert("warm-0", "FIRING"));

        for (long t = 0; t < 20; t++) {
            assertThat(warmUp.over(t * S)).isFalse();
        }
        assertThat(warmUp.over(20 * S)).isTrue();
        assertThat(warmUp.endedAt()).isEqualTo(20 * S);
        assertThat(warmUp.caughtUp()).isTrue();
    }

    @Test
    void goesOnUntilNoAlertPostedMoreThanASecondAgoIsMissingForFiveSeconds() {
        warmUp.posted("warm-0", 10 * S);
        warmUp.posted("warm-1", 18 * S);
        warmUp.heard(alert("warm-0", "FIRING"));
        warmUp.heard(alert("warm-1", "RESOLVED")); // not the alert the complaints fire

        assertThat(warmUp.over(20 * S)).isFalse();
        assertThat(warmUp.over(25 * S)).isFalse();
        warmUp.heard(alert("warm-1", "FIRING"));
        assertThat(warmUp.over(26 * S)).as("kept up since 26 s").isFalse();
        warmUp.posted("warm-2", 29 * S + S / 2);
        assertThat(warmUp.over(30 * S)).as("warm-2 posted half a second ago: not behind").isFalse();
        assertThat(warmUp.over(31 * S)).as("warm-2 missing for more than a second: behind again").isFalse();
        warmUp.heard(alert("warm-2", "FIRING"));
        assertThat(warmUp.over(32 * S)).isFalse();
        assertThat(warmUp.over(36 * S + S / 2)).isFalse();
        assertThat(warmUp.over(37 * S)).isTrue();
        assertThat(warmUp.endedAt()).isEqualTo(37 * S);
        assertThat(warmUp.caughtUp()).isTrue();
        assertThat(warmUp.over(38 * S)).as("the end is fixed once reached").isTrue();
        assertThat(warmUp.endedAt()).isEqualTo(37 * S);
    }

    @Test
    void anAlertPostedLessThanASecondAgoIsNotYetMissing() {
        E2eBenchmark.WarmUp later = new E2eBenchmark.WarmUp(Duration.ofSeconds(25), Duration.ofSeconds(60));
        later.over(19 * S);
        later.posted("warm-0", 24 * S + 200_000_000L);

        assertThat(later.over(25 * S)).as("posted 0.8 s ago, in flight").isTrue();
        assertThat(later.caughtUp()).isTrue();
    }

    @Test
    void endsAtTheMaximumWhenTheStackNeverCatchesUpAndSaysSo() {
        warmUp.posted("warm-0", 2 * S);

        assertThat(warmUp.over(59 * S)).isFalse();
        assertThat(warmUp.over(60 * S)).isTrue();
        assertThat(warmUp.caughtUp()).isFalse();
    }

    private static AlertReceiver.Received alert(String customer, String kind) {
        return new AlertReceiver.Received(Instant.now(), "quality-team", "n-" + customer, kind, "CUSTOMER", customer, "WARNING", false,
                50, Optional.empty(), Optional.empty(), List.of(), Optional.empty());
    }
}
