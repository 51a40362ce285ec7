package dev.forewarn.alerting.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    private static final TopicPartition P0 = new TopicPartition("alerts.outbox", 0);

    @Test
    void shouldCommitOnlyBelowTheOldestUnfinishedNotification() {
        OffsetTracker tracker = new OffsetTracker();
        for (long offset = 10; offset < 15; offset++) {
            tracker.started(P0, offset);
        }
        tracker.finished(P0, 10);
        tracker.finished(P0, 12);
        tracker.finished(P0, 13);

        assertThat(tracker.committable().get(P0).offset()).isEqualTo(11);
        assertThat(tracker.inFlight()).isEqualTo(2);
        tracker.started(new TopicPartition("alerts.retry", 0), 7); // waiting for its due time
        assertThat(tracker.inFlight("alerts.outbox")).as("what is being delivered from the outbox").isEqualTo(2);
        tracker.finished(new TopicPartition("alerts.retry", 0), 7);

        tracker.finished(P0, 11);
        tracker.finished(P0, 14);
        assertThat(tracker.committable().get(P0).offset()).isEqualTo(15);
    }

    @Test
    void shouldNotOfferTheSameOffsetTwiceAndForgetRevokedPartitions() {
        OffsetTracker tracker = new OffsetTracker();
        tracker.started(P0, 0);
        tracker.finished(P0, 0);
        var first = tracker.committable();
        tracker.committed(first);

        assertThat(tracker.committable()).isEmpty();

        tracker.started(P0, 1);
        tracker.revoked(List.of(P0));
        assertThat(tracker.inFlight()).isZero();
        assertThat(tracker.committable()).isEmpty();
    }
}
