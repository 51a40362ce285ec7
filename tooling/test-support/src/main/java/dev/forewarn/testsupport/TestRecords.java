package dev.forewarn.testsupport;

import dev.forewarn.events.Complaint;
import dev.forewarn.events.ComplaintStatus;
import dev.forewarn.events.Contribution;
import dev.forewarn.events.CustomerReport;
import dev.forewarn.events.DeliveryOutcome;
import dev.forewarn.events.EntityType;
import dev.forewarn.events.FeedbackType;
import dev.forewarn.events.KanoCategory;
import dev.forewarn.events.NotificationChannel;
import dev.forewarn.events.NotificationKind;
import dev.forewarn.events.NotificationRecord;
import dev.forewarn.events.OwnerAssignment;
import dev.forewarn.events.ProductReturn;
import dev.forewarn.events.ReturnReason;
import dev.forewarn.events.RiskLevel;
import dev.forewarn.events.RiskScore;
import dev.forewarn.events.RiskTransition;
import dev.forewarn.events.SignalCounts;
import dev.forewarn.events.SignalKind;
import dev.forewarn.events.TransitionKind;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * Builders of realistic test records with every field filled; tests override only what they are
 * about. Timestamps are millisecond-precise, as {@code timestamp-millis} stores them.
 */
public final class TestRecords {

    /** A fixed instant, so test data is reproducible. */
    public static final Instant T0 = Instant.parse("2026-03-02T09:15:00Z");

    private TestRecords() {
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }

    public static CustomerReport.Builder report() {
        return CustomerReport.newBuilder()
                .setEventId(newId())
                .setCustomerId("C-1001")
                .setOccurredAt(T0)
                .setSource("crm")
                .setProductId("P-42")
                .setKanoCategory(KanoCategory.PERFORMANCE)
                .setChannel("email")
                .setFeedbackType(FeedbackType.NEGATIVE)
                .setSeverity(4)
                .setText("Delivery took three weeks and nobody answered my e-mails. 😞");
    }

    public static Complaint.Builder complaint() {
        return Complaint.newBuilder()
                .setEventId(newId())
                .setCustomerId("C-1001")
                .setOccurredAt(T0)
                .setSource("crm")
                .setProductId("P-42")
                .setKanoCategory(KanoCategory.MUST_BE)
                .setChannel("phone")
                .setComplaintId("CMP-" + newId().substring(0, 8))
                .setStatus(ComplaintStatus.OPENED)
                .setSeverity(5)
                .setSlaDueAt(T0.plus(Duration.ofHours(48)))
                .setCategory("billing")
                .setDescription("Charged twice for the same order");
    }

    public static ProductReturn.Builder productReturn() {
        return ProductReturn.newBuilder()
                .setEventId(newId())
                .setCustomerId("C-1001")
                .setOccurredAt(T0)
                .setSource("shop")
                .setProductId("P-42")
                .setKanoCategory(null)
                .setChannel("store")
                .setReason(ReturnReason.DEFECTIVE)
                .setQuantity(2)
                .setOrderId("O-9001")
                .setComment("Stopped working after two days");
    }

    public static OwnerAssignment.Builder owner() {
        return OwnerAssignment.newBuilder()
                .setEntityType(EntityType.CUSTOMER)
                .setEntityId("C-1001")
                .setOwnerId("am-anna")
                .setOwnerName("Anna Account-Manager")
                .setEmail("anna@example.com")
                .setWebhookUrl("https://hooks.example.com/anna")
                .setSlackWebhookUrl(null)
                .setEscalationContact("head-of-sales")
                .setEscalationEmail("sales-lead@example.com")
                .setEscalationWebhookUrl(null)
                .setUpdatedAt(T0);
    }

    public static Contribution contribution() {
        return Contribution.newBuilder()
                .setEventId(newId())
                .setKind(SignalKind.COMPLAINT)
                .setProductId("P-42")
                .setOccurredAt(T0)
                .setWeight(16.7)
                .setWeightNow(12.1)
                .build();
    }

    public static RiskScore.Builder riskScore() {
        return RiskScore.newBuilder()
                .setEntityType(EntityType.CUSTOMER)
                .setEntityId("C-1001")
                .setScore(63.2)
                .setLevel(RiskLevel.WARNING)
                .setPressure(20.0)
                .setReferenceTime(T0)
                .setInflowPerDay(4.5)
                .setProjectedCriticalAt(T0.plus(Duration.ofHours(30)))
                .setTopContributors(List.of(contribution(), contribution()))
                .setCounts(SignalCounts.newBuilder().setNegativeReports(3).setComplaints(1).setReturns(1).build())
                .setOpenComplaints(1)
                .setBreachedSlas(0)
                .setLastSignalAt(T0)
                .setUpdatedAt(T0.plus(1, ChronoUnit.SECONDS));
    }

    public static RiskTransition.Builder riskTransition() {
        return RiskTransition.newBuilder()
                .setTransitionId(newId())
                .setEntityType(EntityType.CUSTOMER)
                .setEntityId("C-1001")
                .setKind(TransitionKind.ESCALATED)
                .setFromLevel(RiskLevel.WATCH)
                .setToLevel(RiskLevel.WARNING)
                .setScore(63.2)
                .setPreviousScore(52.0)
                .setProjectedCriticalAt(null)
                .setTopContributors(List.of(contribution()))
                .setTriggeringEventId(newId())
                .setSignalOccurredAt(T0)
                .setOccurredAt(T0.plus(2, ChronoUnit.SECONDS));
    }

    public static NotificationRecord.Builder notification() {
        return NotificationRecord.newBuilder()
                .setNotificationId(newId())
                .setAlertId("CUSTOMER:C-1001")
                .setEntityType(EntityType.CUSTOMER)
                .setEntityId("C-1001")
                .setKind(NotificationKind.FIRING)
                .setLevel(RiskLevel.WARNING)
                .setChannel(NotificationChannel.WEBHOOK)
                .setDestination("https://hooks.example.com/anna")
                .setOwnerId("am-anna")
                .setOutcome(DeliveryOutcome.DELIVERED)
                .setAttempt(1)
                .setHttpStatus(204)
                .setError(null)
                .setTransitionId(newId())
                .setSignalOccurredAt(T0)
                .setAttemptedAt(T0.plus(3, ChronoUnit.SECONDS));
    }
}
