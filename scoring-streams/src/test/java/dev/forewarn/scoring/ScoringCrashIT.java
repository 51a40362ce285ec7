package dev.forewarn.scoring;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The scoring service in a child JVM is killed with SIGKILL in the middle of a large mixed stream
 * (with redelivered duplicates), started again, and must end with every customer's and product's
 * score exactly as a reference computation applying each distinct event once, and with each
 * transition written once.
 */
class ScoringCrashIT {

    private final ScoringDrill drill = new ScoringDrill("scoring-crash-");

    @Test
    void shouldEndWithTheReferenceScoresAfterASigkillMidStream() throws Exception {
        ScoringDrill.createTopics();
        List<ScoringDrill.Sent> all = drill.stream(6_000, 300);
        List<ScoringDrill.Sent> first = all.subList(0, all.size() / 2);
        List<ScoringDrill.Sent> second = all.subList(all.size() / 2, all.size());
        drill.produce(first);

        Process child = drill.startChild("first", ScoringDrill.KAFKA.schemaRegistryUrl(), 0);
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> drill.latestCustomerScores().size() >= 50);
        } finally {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no commit, no flush
        }
        drill.produce(second);
        Process restarted = drill.startChild("restarted", ScoringDrill.KAFKA.schemaRegistryUrl(), 0);
        try {
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).alias("caught up")
                    .conditionEvaluationListener(condition -> {
                        if (condition.getRemainingTimeInMS() < 1_500) {
                            System.err.println("still behind: " + drill.lag);
                        }
                    })
                    .until(drill::caughtUp);
        } finally {
            restarted.destroy();
            restarted.waitFor(60, TimeUnit.SECONDS);
        }

        drill.assertScoresMatchReference(all);
        drill.assertTransitionsMatchScores();
    }
}
