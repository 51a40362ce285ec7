package dev.forewarn.desk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class QualityReportTest {

    private static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void shouldCountAlertsByFeedbackAndTheFalseAlarmRateOfThoseJudged() {
        List<JsonNode> alerts = List.of(
                alert("CUSTOMER:a", "2026-11-02T00:00:00Z", "CONFIRMED"),
                alert("CUSTOMER:b", "2026-11-03T00:00:00Z", "FALSE_ALARM"),
                alert("CUSTOMER:c", "2026-11-04T00:00:00Z", "CONFIRMED"),
                alert("CUSTOMER:d", "2026-11-05T00:00:00Z", null),
                alert("CUSTOMER:e", "2026-10-05T00:00:00Z", "FALSE_ALARM")); // before the period

        QualityReport report = QualityReport.compute(alerts, List.of(), FROM, TO);

        assertThat(report.fired()).isEqualTo(4);
        assertThat(report.confirmed()).isEqualTo(2);
        assertThat(report.falseAlarms()).isEqualTo(1);
        assertThat(report.withoutFeedback()).isEqualTo(1);
        assertThat(report.falseAlarmRate()).hasValueSatisfying(rate -> assertThat(rate).isEqualTo(1.0 / 3));
        assertThat(QualityReport.compute(List.of(alert("CUSTOMER:d", "2026-11-05T00:00:00Z", null)), List.of(), FROM, TO)
                .falseAlarmRate()).isEmpty();
    }

    @Test
    void shouldCatchAnEscalationByTheAlertOfItsCustomerOrItsProductThatFiredBeforeIt() {
        List<JsonNode> alerts = List.of(
                alert("CUSTOMER:warned", "2026-11-10T00:00:00Z", null),
                alert("PRODUCT:p-1", "2026-11-08T00:00:00Z", null),
                alert("CUSTOMER:late", "2026-11-21T00:00:00Z", null));
        List<EvidenceIndex.Signal> escalations = List.of(
                severe("warned", null, "2026-11-12T00:00:00Z"),
                severe("through-product", "p-1", "2026-11-09T12:00:00Z"),
                severe("late", null, "2026-11-20T00:00:00Z"),
                severe("never", null, "2026-11-20T00:00:00Z"));

        QualityReport report = QualityReport.compute(alerts, escalations, FROM, TO);

        assertThat(report.escalations()).hasSize(4);
        assertThat(report.caught()).isEqualTo(2);
        assertThat(report.leads()).containsExactly(Duration.ofHours(36), Duration.ofDays(2));
        assertThat(report.caughtAhead(Duration.ofHours(48))).isEqualTo(1);
        assertThat(report.leadQuantile(0.5)).contains(Duration.ofHours(36));
        assertThat(report.escalations()).filteredOn(e -> e.complaint().customerId().equals("through-product"))
                .singleElement().satisfies(e -> assertThat(e.alertId()).contains("PRODUCT:p-1"));
    }

    private static JsonNode alert(String id, String firedScoredAt, String verdict) {
        ObjectNode alert = Backend.JSON.createObjectNode().put("id", id).put("firedAt", "2026-11-30T12:00:00Z")
                .put("firedScoredAt", firedScoredAt);
        if (verdict == null) {
            alert.putNull("feedback");
        } else {
            alert.putObject("feedback").put("verdict", verdict);
        }
        return alert;
    }

    private static EvidenceIndex.Signal severe(String customer, String product, String at) {
        return new EvidenceIndex.Signal("e-" + customer, "COMPLAINT", "OPENED", customer, product, Instant.parse(at), 5, "quality",
                "K-" + customer, "OPENED", null, null, "leaving");
    }
}
