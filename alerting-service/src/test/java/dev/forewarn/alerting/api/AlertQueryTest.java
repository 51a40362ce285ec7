package dev.forewarn.alerting.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forewarn.events.Alert;
import dev.forewarn.events.AlertFeedback;
import dev.forewarn.events.AlertState;
import dev.forewarn.events.EntityType;
import dev.forewarn.events.FeedbackVerdict;
import dev.forewarn.events.RiskLevel;
import dev.forewarn.schemas.AvroSchemas;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AlertQueryTest {

    @BeforeAll
    static void trustGeneratedClasses() {
        AvroSchemas.trustGeneratedClasses();
    }

    @Test
    void shouldPageThroughEveryAlertOnceInOrderWhateverThePageSize() {
        Random random = new Random(7);
        List<AlertQuery.Row> rows = new ArrayList<>();
        for (int i = 0; i < 237; i++) {
            // Ties on purpose: many alerts share a score or an update time, the id breaks them.
            rows.add(new AlertQuery.Row(alert("CUSTOMER:c-" + i, random.nextInt(20) * 5.0, 1_000L * random.nextInt(30)), null));
        }
        for (AlertQuery.Sort sort : AlertQuery.Sort.values()) {
            for (int size : new int[] {1, 10, 100, 1000}) {
                List<String> seen = new ArrayList<>();
                AlertQuery query = query(sort, size, Optional.empty());
                while (true) {
                    AlertQuery.Page page = query.page(rows);
                    page.rows().forEach(r -> seen.add(r.alert().getAlertId()));
                    if (page.nextCursor() == null) {
                        break;
                    }
                    query = query(sort, size, decode(page.nextCursor(), sort));
                }
                assertThat(seen).as(sort + " by " + size).doesNotHaveDuplicates().hasSize(rows.size());
                List<Double> keys = seen.stream().map(id -> rows.stream().filter(r -> r.alert().getAlertId().equals(id)).findFirst()
                        .map(r -> sort == AlertQuery.Sort.RISK ? r.alert().getScore() : (double) r.alert().getUpdatedAt().toEpochMilli())
                        .orElseThrow()).toList();
                assertThat(keys).as("descending").isSortedAccordingTo((a, b) -> Double.compare(b, a));
            }
        }
    }

    @Test
    void shouldFilterByLevelTextAndFeedback() {
        Alert warning = alert("CUSTOMER:Acme-42", 70, 0);
        Alert critical = alert("CUSTOMER:globex", 90, 0);
        critical.setLevel(RiskLevel.CRITICAL);
        AlertFeedback falseAlarm = AlertFeedback.newBuilder().setAlertId("CUSTOMER:globex").setVerdict(FeedbackVerdict.FALSE_ALARM)
                .setActor("am").setAt(Instant.EPOCH).build();
        AlertQuery byText = new AlertQuery(java.util.Set.of(), Optional.empty(), Optional.empty(), null, null, "acme", null,
                AlertQuery.Sort.TIME, 10, Optional.empty(), java.util.Set.of());
        AlertQuery byLevel = new AlertQuery(java.util.Set.of(), Optional.of(RiskLevel.CRITICAL), Optional.empty(), null, null, null, null,
                AlertQuery.Sort.TIME, 10, Optional.empty(), java.util.Set.of());
        AlertQuery withoutFeedback = new AlertQuery(java.util.Set.of(), Optional.empty(), Optional.empty(), null, null, null, "NONE",
                AlertQuery.Sort.TIME, 10, Optional.empty(), java.util.Set.of());

        assertThat(byText.matches(warning, null)).isTrue();
        assertThat(byText.matches(critical, null)).isFalse();
        assertThat(byLevel.matches(critical, null)).isTrue();
        assertThat(byLevel.matches(warning, null)).isFalse();
        AlertQuery open = new AlertQuery(java.util.Set.of(AlertState.FIRING, AlertState.ACKNOWLEDGED), Optional.empty(), Optional.empty(),
                null, null, null, null, AlertQuery.Sort.TIME, 10, Optional.empty(), java.util.Set.of());
        Alert resolved = alert("CUSTOMER:gone", 10, 0);
        resolved.setState(AlertState.RESOLVED);
        assertThat(open.matches(warning, null)).isTrue();
        assertThat(open.matches(resolved, null)).isFalse();
        assertThat(withoutFeedback.matches(warning, null)).isTrue();
        assertThat(withoutFeedback.matches(critical, falseAlarm)).isFalse();
    }

    private static AlertQuery query(AlertQuery.Sort sort, int limit, Optional<AlertQuery.Key> after) {
        return new AlertQuery(java.util.Set.of(), Optional.empty(), Optional.empty(), null, null, null, null, sort, limit, after, java.util.Set.of());
    }

    /** The cursor as a client would send it back: through the same decoding the endpoint uses. */
    private static Optional<AlertQuery.Key> decode(String cursor, AlertQuery.Sort sort) {
        return AlertQuery.decode(cursor, sort);
    }

    private static Alert alert(String id, double score, long updatedAt) {
        return Alert.newBuilder().setAlertId(id).setEntityType(EntityType.CUSTOMER).setEntityId(id.substring(9))
                .setState(AlertState.FIRING).setLevel(RiskLevel.WARNING).setScore(score).setFiredAt(Instant.EPOCH)
                .setUpdatedAt(Instant.ofEpochMilli(updatedAt)).build();
    }
}
