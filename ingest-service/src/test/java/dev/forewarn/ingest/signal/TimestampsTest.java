package dev.forewarn.ingest.signal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimestampsTest {

    /** What {@link OffsetDateTime#parse} says, the reference the fast path must agree with. */
    private static Instant reference(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Test
    void shouldAgreeWithOffsetDateTimeOnEdgeCases() {
        List<String> texts = List.of("2026-11-22T10:15:30Z", "2026-11-22T10:15:30.123Z", "2026-11-22T10:15:30.123456789Z",
                "2026-11-22T10:15:30+01:00", "2026-11-22T10:15:30.5-05:30", "2026-11-22T00:00:00+18:00",
                "2026-11-22T00:00:00-18:00", "2024-02-29T12:00:00Z", "2026-11-22T10:15Z", "2026-11-22T10:15:30+0100",
                "2026-11-22T10:15:30+01", "2026-11-22t10:15:30Z", "2026-11-22 10:15:30Z", "2026-11-22T10:15:30",
                "2026-02-29T10:15:30Z", "2026-13-01T10:15:30Z", "2026-11-31T10:15:30Z", "2026-11-22T24:00:00Z",
                "2026-11-22T10:60:30Z", "2026-11-22T10:15:60Z", "2026-11-22T10:15:30.Z", "2026-11-22T10:15:30.1234567891Z",
                "2026-11-22T10:15:30+19:00", "2026-11-22T10:15:30+01:60", "+12026-11-22T10:15:30Z", "2026-1-22T10:15:30Z",
                "２026-11-22T10:15:30Z", "2026-11-22T10:15:30Zjunk", "", "2026-11-22T10:15:30z", "2026-11-22T10:15:30+01:00[Europe/Paris]");

        assertThat(texts).allSatisfy(text -> assertThat(Timestamps.parse(text)).as(text).isEqualTo(reference(text)));
    }

    @Test
    void shouldAgreeWithOffsetDateTimeOnRandomTimestamps() {
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(-5_000_000_000L, 5_000_000_000L), random.nextInt(1_000_000_000));
            int offsetMinutes = random.nextInt(-18 * 60, 18 * 60 + 1);
            String text = instant.atOffset(java.time.ZoneOffset.ofTotalSeconds(offsetMinutes * 60)).toString();
            assertThat(Timestamps.parse(text)).as(text).isEqualTo(reference(text)).isEqualTo(instant);
        }
    }
}
