package dev.forewarn.desk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forewarn.events.DeliveryOutcome;
import dev.forewarn.events.EntityType;
import dev.forewarn.events.NotificationChannel;
import dev.forewarn.events.NotificationKind;
import dev.forewarn.events.NotificationRecord;
import dev.forewarn.events.RiskLevel;
import dev.forewarn.schemas.AvroSchemas;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EvidenceIndexTest {

    @Test
    void shouldFoldAComplaintsStatusChangesIntoOneEntryThatKeepsWhatTheCustomerWrote() {
        EvidenceIndex index = new EvidenceIndex(20, 100, EscalationRule.defaults());
        index.add(complaint("e-2", "K-1", "RESOLVED", "2026-11-03T00:00:00Z", null));
        index.add(complaint("e-1", "K-1", "OPENED", "2026-11-01T00:00:00Z", "the lid broke"));

        assertThat(index.ofCustomer("C-1")).singleElement().satisfies(s -> {
            assertThat(s.status()).isEqualTo("RESOLVED");
            assertThat(s.text()).isEqualTo("the lid broke");
            assertThat(s.eventId()).as("the opening's id, which the score's reasons name").isEqualTo("e-1");
        });
        assertThat(index.ofProduct("P-1")).hasSize(1);
        assertThat(index.customersOf("P-1")).extracting(e -> e.getKey()).containsExactly("C-1");
        assertThat(index.escalations(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"))).hasSize(1);
    }

    @Test
    void shouldCountAComplaintAsAnEscalationByItsSeverityOrItsCategoryAsTheBacktestDoes() {
        Instant at = Instant.parse("2026-11-05T00:00:00Z");
        java.util.function.Function<EscalationRule, Integer> escalations = rule -> {
            EvidenceIndex index = new EvidenceIndex(20, 100, rule);
            index.add(new EvidenceIndex.Signal("a", "COMPLAINT", null, "C-1", null, at, 2, " Cancellation ", "K-1", "OPENED", null, null, null));
            index.add(new EvidenceIndex.Signal("b", "COMPLAINT", null, "C-2", null, at, 4, "billing", "K-2", "OPENED", null, null, null));
            index.add(new EvidenceIndex.Signal("c", "COMPLAINT", null, "C-3", null, at, 5, "billing", "K-3", "OPENED", null, null, null));
            index.add(new EvidenceIndex.Signal("d", "REPORT", "NEGATIVE", "C-4", null, at, 5, null, null, null, null, null, null));
            return index.escalations(at.minusSeconds(1), at.plusSeconds(1)).size();
        };

        assertThat(escalations.apply(EscalationRule.defaults())).as("severity 5, or a cancellation of any severity").isEqualTo(2);
        assertThat(escalations.apply(new EscalationRule(4, java.util.Optional.empty()))).as("severity 4 or more, no category").isEqualTo(2);
        assertThat(escalations.apply(new EscalationRule(5, java.util.Optional.of("")))).as("an empty category is none").isEqualTo(1);
        assertThat(EscalationRule.defaults().describe()).isEqualTo("complaints of severity 5 or of category cancellation");
    }

    @Test
    void shouldKeepTheNewestSignalsPerEntityAndForgetTheLeastRecentlyUsedEntity() {
        EvidenceIndex index = new EvidenceIndex(3, 2, EscalationRule.defaults());
        for (int i = 1; i <= 5; i++) {
            index.add(complaint("e-" + i, "K-" + i, "OPENED", "2026-11-0" + i + "T00:00:00Z", "text " + i));
        }
        assertThat(index.ofCustomer("C-1")).extracting(EvidenceIndex.Signal::eventId).containsExactly("e-5", "e-4", "e-3");
        index.add(new EvidenceIndex.Signal("x", "REPORT", "NEGATIVE", "C-2", null, Instant.parse("2026-11-01T00:00:00Z"), 2, null, null,
                null, null, null, null));
        index.add(new EvidenceIndex.Signal("y", "REPORT", "NEGATIVE", "C-3", null, Instant.parse("2026-11-01T00:00:00Z"), 2, null, null,
                null, null, null, null));
        assertThat(index.ofCustomer("C-1")).isEmpty();
        assertThat(index.ofCustomer("C-3")).hasSize(1);
    }

    @Test
    void shouldCutLongTextAtACodePointBoundary() {
        String text = "😡".repeat(EvidenceIndex.EXCERPT + 10);
        String excerpt = EvidenceIndex.excerpt(text);
        assertThat(excerpt.codePointCount(0, excerpt.length())).isEqualTo(EvidenceIndex.EXCERPT);
        assertThat(excerpt).endsWith("😡…");
        assertThat(EvidenceIndex.excerpt("  short  ")).isEqualTo("short");
    }

    @Test
    void shouldKeepEachAlertsNewestDeliveryOutcomesFirst() {
        AvroSchemas.trustGeneratedClasses();
        EvidenceIndex index = new EvidenceIndex(20, 100, EscalationRule.defaults());
        for (int attempt = 1; attempt <= 35; attempt++) {
            index.addDelivery(NotificationRecord.newBuilder().setNotificationId("CUSTOMER:C-1/0").setAlertId("CUSTOMER:C-1")
                    .setEntityType(EntityType.CUSTOMER).setEntityId("C-1").setKind(NotificationKind.FIRING).setLevel(RiskLevel.WARNING)
                    .setChannel(NotificationChannel.WEBHOOK).setDestination("https://hooks.example:443")
                    .setOutcome(attempt < 35 ? DeliveryOutcome.RETRYING : DeliveryOutcome.DELIVERED).setAttempt(attempt)
                    .setHttpStatus(attempt < 35 ? 503 : 200).setAttemptedAt(Instant.ofEpochSecond(attempt)).build());
        }
        assertThat(index.deliveries("CUSTOMER:C-1")).hasSize(30).first().satisfies(d -> {
            assertThat(d.outcome()).isEqualTo("DELIVERED");
            assertThat(d.attempt()).isEqualTo(35);
        });
        assertThat(index.deliveries("CUSTOMER:C-2")).isEmpty();
    }

    private static EvidenceIndex.Signal complaint(String eventId, String complaintId, String status, String at, String text) {
        return new EvidenceIndex.Signal(eventId, "COMPLAINT", status, "C-1", "P-1", Instant.parse(at), 5, "quality", complaintId, status,
                null, null, text);
    }
}
