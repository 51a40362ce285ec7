package dev.forewarn.alerting.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forewarn.events.Alert;
import dev.forewarn.events.AlertState;
import dev.forewarn.events.NotificationKind;
import dev.forewarn.events.RiskLevel;
import dev.forewarn.events.RiskScore;
import dev.forewarn.events.RiskTransition;
import dev.forewarn.events.TransitionKind;
import dev.forewarn.schemas.AvroSchemas;
import dev.forewarn.testsupport.TestRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AlertLifecycleTest {

    private static final String ID = "CUSTOMER:C-1001";
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private final AlertLifecycle lifecycle = new AlertLifecycle(AlertLifecycle.Config.defaults());

    @BeforeAll
    static void trustGeneratedClasses() {
        AvroSchemas.trustGeneratedClasses();
    }

    private static RiskTransition to(TransitionKind kind, RiskLevel level) {
        return TestRecords.riskTransition().setKind(kind).setToLevel(level).build();
    }

    /** A prediction as scoring writes it: the level stays {@code level} (fromLevel), toLevel is the projected CRITICAL. */
    private static RiskTransition predicted(RiskLevel level, Instant criticalAt) {
        return TestRecords.riskTransition().setKind(TransitionKind.PREDICTED).setFromLevel(level).setToLevel(RiskLevel.CRITICAL)
                .setProjectedCriticalAt(criticalAt).setOccurredAt(NOW).build();
    }

    private Alert fire(RiskLevel level) {
        return lifecycle.onTransition(null, ID, to(TransitionKind.ESCALATED, level), NOW).alert();
    }

    @Test
    void shouldFireOnWarningCriticalOrPredictedButNotOnWatch() {
        assertThat(lifecycle.onTransition(null, ID, to(TransitionKind.ESCALATED, RiskLevel.WARNING), NOW).notifications())
                .containsExactly(NotificationKind.FIRING);
        assertThat(lifecycle.onTransition(null, ID, to(TransitionKind.ESCALATED, RiskLevel.CRITICAL), NOW).notifications())
                .containsExactly(NotificationKind.FIRING);
        AlertLifecycle.Outcome predicted = lifecycle.onTransition(null, ID, predicted(RiskLevel.WATCH, NOW.plus(Duration.ofHours(20))), NOW);
        assertThat(predicted.notifications()).containsExactly(NotificationKind.FIRING);
        assertThat(predicted.alert().getPredicted()).isTrue();

        AlertLifecycle.Outcome watch = lifecycle.onTransition(null, ID, to(TransitionKind.ESCALATED, RiskLevel.WATCH), NOW);
        assertThat(watch.alert()).isNull();
        assertThat(watch.notifications()).isEmpty();
    }

    @Test
    void shouldNotifyAgainWhenTheLevelRisesAndOnlyOncePerLevel() {
        Alert alert = fire(RiskLevel.WARNING);

        AlertLifecycle.Outcome critical = lifecycle.onTransition(alert, ID, to(TransitionKind.ESCALATED, RiskLevel.CRITICAL), NOW.plusSeconds(60));
        assertThat(critical.notifications()).containsExactly(NotificationKind.ESCALATED);

        Alert down = lifecycle.onTransition(critical.alert(), ID, to(TransitionKind.DEESCALATED, RiskLevel.WARNING), NOW.plusSeconds(120)).alert();
        AlertLifecycle.Outcome again = lifecycle.onTransition(down, ID, to(TransitionKind.ESCALATED, RiskLevel.CRITICAL), NOW.plusSeconds(180));
        assertThat(again.notifications()).isEmpty();
        assertThat(again.alert().getLevel()).isEqualTo(RiskLevel.CRITICAL);
    }

    @Test
    void shouldRepeatAfterTheIntervalUntilAcknowledged() {
        Alert alert = fire(RiskLevel.WARNING);
        Duration repeat = lifecycle.config().repeatInterval();

        assertThat(lifecycle.onTick(alert, NOW.plus(repeat).minusSeconds(1)).notifications()).isEmpty();
        AlertLifecycle.Outcome repeated = lifecycle.onTick(alert, NOW.plus(repeat));
        assertThat(repeated.notifications()).containsExactly(NotificationKind.REPEAT);
        assertThat(lifecycle.onTick(repeated.alert(), NOW.plus(repeat).plusSeconds(1)).notifications()).isEmpty();

        Alert acked = lifecycle.onAcknowledge(repeated.alert(), "anna", "on it", NOW.plus(repeat).plusSeconds(5)).alert();
        assertThat(acked.getState()).isEqualTo(AlertState.ACKNOWLEDGED);
        assertThat(lifecycle.onTick(acked, NOW.plus(repeat.multipliedBy(5))).notifications()).isEmpty();
    }

    @Test
    void shouldEscalateAnUnacknowledgedCriticalAlertToTheContactOnce() {
        Alert alert = fire(RiskLevel.CRITICAL);
        Duration timeout = lifecycle.config().ackTimeout();

        assertThat(lifecycle.onTick(alert, NOW.plus(timeout).minusMillis(1)).notifications()).isEmpty();
        AlertLifecycle.Outcome escalated = lifecycle.onTick(alert, NOW.plus(timeout));
        assertThat(escalated.notifications()).containsExactly(NotificationKind.ESCALATION_CONTACT);
        assertThat(lifecycle.onTick(escalated.alert(), NOW.plus(timeout).plusSeconds(60)).notifications()).isEmpty();
    }

    @Test
    void shouldNotEscalateAnAcknowledgedOrWarningAlert() {
        Duration timeout = lifecycle.config().ackTimeout();
        Alert acked = lifecycle.onAcknowledge(fire(RiskLevel.CRITICAL), "anna", null, NOW.plusSeconds(10)).alert();

        assertThat(lifecycle.onTick(acked, NOW.plus(timeout.multipliedBy(2))).notifications()).isEmpty();
        assertThat(lifecycle.onTick(fire(RiskLevel.WARNING), NOW.plus(timeout.multipliedBy(2))).notifications()).isEmpty();
    }

    @Test
    void shouldClearTheAcknowledgementWhenTheAlertEscalates() {
        Alert acked = lifecycle.onAcknowledge(fire(RiskLevel.WARNING), "anna", null, NOW.plusSeconds(10)).alert();

        AlertLifecycle.Outcome critical = lifecycle.onTransition(acked, ID, to(TransitionKind.ESCALATED, RiskLevel.CRITICAL), NOW.plusSeconds(20));

        assertThat(critical.notifications()).containsExactly(NotificationKind.ESCALATED);
        assertThat(critical.alert().getState()).isEqualTo(AlertState.FIRING);
        assertThat(critical.alert().getAcknowledgedAt()).isNull();
    }

    @Test
    void shouldResolveOnlyAfterStayingCalmForTheFlapWindow() {
        Alert alert = fire(RiskLevel.WARNING);
        Duration flap = lifecycle.config().flapWindow();

        AlertLifecycle.Outcome calm = lifecycle.onTransition(alert, ID, to(TransitionKind.RESOLVED, RiskLevel.WATCH), NOW.plusSeconds(10));
        assertThat(calm.alert().getState()).isEqualTo(AlertState.RESOLVING);
        assertThat(calm.notifications()).isEmpty();
        assertThat(lifecycle.onTick(calm.alert(), NOW.plusSeconds(10).plus(flap).minusMillis(1)).notifications()).isEmpty();

        AlertLifecycle.Outcome resolved = lifecycle.onTick(calm.alert(), NOW.plusSeconds(10).plus(flap));
        assertThat(resolved.notifications()).containsExactly(NotificationKind.RESOLVED);
        assertThat(resolved.alert().getState()).isEqualTo(AlertState.RESOLVED);
    }

    @Test
    void shouldProduceOneFiringAndOneResolvedFromFlappingInput() {
        List<NotificationKind> sent = new ArrayList<>();
        Alert alert = null;
        Instant t = NOW;
        for (int i = 0; i < 200; i++) {
            RiskTransition next = i % 2 == 0 ? to(TransitionKind.ESCALATED, RiskLevel.WARNING) : to(TransitionKind.DEESCALATED, RiskLevel.WATCH);
            AlertLifecycle.Outcome outcome = lifecycle.onTransition(alert, ID, next, t);
            alert = outcome.changed() ? outcome.alert() : alert;
            sent.addAll(outcome.notifications());
            t = t.plusSeconds(30);
            AlertLifecycle.Outcome tick = lifecycle.onTick(alert, t);
            alert = tick.changed() ? tick.alert() : alert;
            sent.addAll(tick.notifications());
        }
        AlertLifecycle.Outcome end = lifecycle.onTick(alert, t.plus(lifecycle.config().flapWindow()));
        sent.addAll(end.notifications());

        assertThat(sent).containsExactly(NotificationKind.FIRING, NotificationKind.RESOLVED);
    }

    @Test
    void shouldRenotifyAPredictionOnlyWhenCriticalMovedMuchCloser() {
        Alert alert = lifecycle.onTransition(null, ID, predicted(RiskLevel.WATCH, NOW.plus(Duration.ofHours(40))), NOW).alert();

        AlertLifecycle.Outcome slightly = lifecycle.onTransition(alert, ID, predicted(RiskLevel.WATCH, NOW.plus(Duration.ofHours(30))), NOW);
        assertThat(slightly.notifications()).isEmpty();

        AlertLifecycle.Outcome much = lifecycle.onTransition(slightly.alert(), ID, predicted(RiskLevel.WATCH, NOW.plus(Duration.ofHours(15))), NOW);
        assertThat(much.notifications()).containsExactly(NotificationKind.ESCALATED);
    }

    @Test
    void shouldKeepAResolvedAlertForTheRetentionThenForgetIt() {
        Alert resolving = lifecycle.onTransition(fire(RiskLevel.WARNING), ID, to(TransitionKind.RESOLVED, RiskLevel.OK), NOW).alert();
        Alert resolved = lifecycle.onTick(resolving, NOW.plus(lifecycle.config().flapWindow())).alert();
        Instant forgetAt = resolved.getResolvedAt().plus(lifecycle.config().resolvedRetention());

        assertThat(lifecycle.onTick(resolved, forgetAt.minusSeconds(1)).changed()).isFalse();
        AlertLifecycle.Outcome forgotten = lifecycle.onTick(resolved, forgetAt);
        assertThat(forgotten.changed()).isTrue();
        assertThat(forgotten.alert()).isNull();
    }

    @Test
    void shouldFireAFreshAlertWithANewFiringTimeAfterResolution() {
        Alert resolving = lifecycle.onTransition(fire(RiskLevel.WARNING), ID, to(TransitionKind.RESOLVED, RiskLevel.OK), NOW).alert();
        Alert resolved = lifecycle.onTick(resolving, NOW.plus(lifecycle.config().flapWindow())).alert();

        AlertLifecycle.Outcome again = lifecycle.onTransition(resolved, ID, to(TransitionKind.ESCALATED, RiskLevel.WARNING), NOW.plus(Duration.ofHours(1)));

        assertThat(again.notifications()).containsExactly(NotificationKind.FIRING);
        assertThat(again.alert().getFiredAt()).isEqualTo(NOW.plus(Duration.ofHours(1)));
        assertThat(again.alert().getHistory()).extracting(e -> e.getEvent()).contains("resolved", "fired");
    }

    @Test
    void shouldBoundTheHistory() {
        Alert alert = fire(RiskLevel.WARNING);
        for (int i = 0; i < 200; i++) {
            alert = lifecycle.onTick(alert, NOW.plus(lifecycle.config().repeatInterval().multipliedBy(i + 1))).alert();
        }
        assertThat(alert.getHistory()).hasSize(lifecycle.config().maxHistory());
    }

    @Test
    void shouldKeepTheRealLevelOnAPredictedCriticalAndNeverPageTheContactForIt() {
        AlertLifecycle.Outcome fired = lifecycle.onTransition(null, ID, predicted(RiskLevel.WARNING, NOW.plus(Duration.ofHours(6))), NOW);

        Alert alert = fired.alert();
        assertThat(fired.notifications()).containsExactly(NotificationKind.FIRING);
        assertThat(alert.getLevel()).isEqualTo(RiskLevel.WARNING);
        assertThat(alert.getNotifiedLevel()).isEqualTo(RiskLevel.WARNING);
        assertThat(alert.getPredicted()).isTrue();
        assertThat(alert.getProjectedCriticalAt()).isEqualTo(NOW.plus(Duration.ofHours(6)));
        assertThat(alert.getCriticalSince()).isNull();
        assertThat(alert.getHistory()).last().extracting(e -> e.getDetail().toString()).asString()
                .startsWith("at WARNING, CRITICAL predicted at");
        assertThat(lifecycle.onTick(alert, NOW.plus(lifecycle.config().ackTimeout()).plusSeconds(1)).notifications()).isEmpty();

        // The real CRITICAL escalates as before.
        AlertLifecycle.Outcome critical = lifecycle.onTransition(alert, ID, to(TransitionKind.ESCALATED, RiskLevel.CRITICAL), NOW.plusSeconds(60));
        assertThat(critical.notifications()).containsExactly(NotificationKind.ESCALATED);
        assertThat(critical.alert().getPredicted()).isFalse();
        assertThat(critical.alert().getCriticalSince()).isEqualTo(NOW.plusSeconds(60));
    }

    @Test
    void shouldSayFiredAtTheLevelInTheFirstHistoryEntry() {
        assertThat(fire(RiskLevel.WARNING).getHistory()).first().satisfies(e -> {
            assertThat(e.getEvent()).isEqualTo("fired");
            assertThat(e.getDetail()).startsWith("at WARNING");
        });
    }

    @Test
    void shouldHoldANotificationASilenceCoversAndKeepAHeldFiringAsThePendingKind() {
        Alert alert = fire(RiskLevel.WARNING);

        assertThat(lifecycle.dispose(alert, NotificationKind.FIRING, () -> Optional.of(AlertLifecycle.Hold.silence("s-1")), NOW))
                .isEqualTo(AlertLifecycle.Disposition.HELD);
        assertThat(lifecycle.dispose(alert, NotificationKind.ESCALATED, () -> Optional.of(AlertLifecycle.Hold.inhibition("PRODUCT:P-1")), NOW))
                .isEqualTo(AlertLifecycle.Disposition.HELD);

        assertThat(alert.getPendingKind()).as("the owner must first hear that it fired").isEqualTo(NotificationKind.FIRING);
        assertThat(alert.getInhibitedBy()).isEqualTo("PRODUCT:P-1");
        assertThat(lifecycle.dispose(alert, NotificationKind.REPEAT, Optional::empty, NOW)).isEqualTo(AlertLifecycle.Disposition.SEND);
    }

    @Test
    void shouldResolveQuietlyAnAlertWhoseFiringWasNeverSentWithoutAskingForHolds() {
        Alert alert = Alert.newBuilder(fire(RiskLevel.WARNING)).setPendingKind(NotificationKind.FIRING).setSilencedBy("s-1").build();

        AlertLifecycle.Disposition disposition = lifecycle.dispose(alert, NotificationKind.RESOLVED, () -> {
            throw new AssertionError("holds are not asked for a quiet resolution");
        }, NOW);

        assertThat(disposition).isEqualTo(AlertLifecycle.Disposition.RESOLVED_QUIETLY);
        assertThat(alert.getPendingKind()).isNull();
        assertThat(alert.getSilencedBy()).isNull();
        assertThat(alert.getHistory()).last().satisfies(e -> assertThat(e.getEvent()).isEqualTo("resolved-quietly"));
    }

    @Test
    void shouldReleaseAHeldNotificationWhenItsHoldEndsButNotWhileTheAlertCalmsDown() {
        Alert held = Alert.newBuilder(fire(RiskLevel.WARNING)).setPendingKind(NotificationKind.ESCALATED).setSilencedBy("s-1").build();
        AlertLifecycle.Outcome tick = lifecycle.onTick(held, NOW.plusSeconds(10));

        assertThat(lifecycle.release(tick, () -> Optional.of(AlertLifecycle.Hold.silence("s-1")), NOW.plusSeconds(10))).isEmpty();
        Optional<AlertLifecycle.Release> release = lifecycle.release(tick, Optional::empty, NOW.plusSeconds(10));
        assertThat(release).hasValueSatisfying(r -> {
            assertThat(r.kind()).isEqualTo(NotificationKind.ESCALATED);
            assertThat(r.outcome().alert().getPendingKind()).isNull();
            assertThat(r.outcome().alert().getLastNotifiedAt()).isEqualTo(NOW.plusSeconds(10));
        });

        Alert calming = Alert.newBuilder(held).setState(AlertState.RESOLVING).setResolveAt(NOW.plusSeconds(300)).build();
        assertThat(lifecycle.release(lifecycle.onTick(calming, NOW.plusSeconds(10)), Optional::empty, NOW.plusSeconds(10))).isEmpty();
    }

    @Test
    void shouldListAnUndeliverableDestinationOnTheAlertAndIgnoreOtherDeliveryRecords() {
        Alert alert = fire(RiskLevel.WARNING);
        dev.forewarn.events.NotificationRecord delivered = TestRecords.notification().setAlertId(alert.getAlertId()).build();
        dev.forewarn.events.NotificationRecord givenUp = TestRecords.notification().setAlertId(alert.getAlertId())
                .setOutcome(dev.forewarn.events.DeliveryOutcome.FAILED).setError(AlertLifecycle.UNDELIVERABLE + " HTTP 503 for 24h").build();

        assertThat(lifecycle.onDelivery(alert, delivered, NOW).changed()).isFalse();
        AlertLifecycle.Outcome listed = lifecycle.onDelivery(alert, givenUp, NOW);
        assertThat(listed.alert().getUndeliverable()).singleElement().satisfies(u -> assertThat(u.getReason()).isEqualTo("HTTP 503 for 24h"));
        assertThat(listed.notifications()).isEmpty();
    }

    @Test
    void shouldStartTheAckTimeoutWhenAHeldCriticalNotificationIsReleased() {
        Duration timeout = lifecycle.config().ackTimeout();
        // The caller held the FIRING (a silence) for 75 s, then released it.
        Alert held = Alert.newBuilder(fire(RiskLevel.CRITICAL)).setPendingKind(NotificationKind.FIRING).build();
        assertThat(lifecycle.onTick(held, NOW.plus(timeout)).notifications()).as("nothing while held").isEmpty();
        Alert released = Alert.newBuilder(held).setPendingKind(null).build();
        lifecycle.released(released, NotificationKind.FIRING, NOW.plusSeconds(75));

        assertThat(lifecycle.onTick(released, NOW.plusSeconds(76)).notifications()).isEmpty();
        assertThat(lifecycle.onTick(released, NOW.plusSeconds(75).plus(timeout).minusMillis(1)).notifications()).isEmpty();
        assertThat(lifecycle.onTick(released, NOW.plusSeconds(75).plus(timeout)).notifications())
                .containsExactly(NotificationKind.ESCALATION_CONTACT);
    }

    @Test
    void shouldTakeTheLatestScoreAndReasonsFromRiskScoresButIgnoreOlderOnes() {
        Alert alert = fire(RiskLevel.WARNING);
        RiskScore newer = TestRecords.riskScore().setScore(72.7).setUpdatedAt(alert.getScoredAt().plusSeconds(5)).build();

        AlertLifecycle.Outcome updated = lifecycle.onScore(alert, newer, NOW.plusSeconds(6));
        assertThat(updated.changed()).isTrue();
        assertThat(updated.notifications()).isEmpty();
        assertThat(updated.alert().getScore()).isEqualTo(72.7);
        assertThat(updated.alert().getTopContributors()).isEqualTo(newer.getTopContributors());
        assertThat(updated.alert().getLevel()).isEqualTo(RiskLevel.WARNING);

        RiskScore older = TestRecords.riskScore().setScore(50).setUpdatedAt(alert.getScoredAt().minusSeconds(5)).build();
        assertThat(lifecycle.onScore(updated.alert(), older, NOW.plusSeconds(7)).changed()).isFalse();
        assertThat(lifecycle.onScore(null, newer, NOW).alert()).as("no alert, nothing to update").isNull();
    }

    @Test
    void shouldCalmDownAnAlertRaisedOnlyByAPredictionWhenScoringNoLongerProjectsCritical() {
        Alert alert = lifecycle.onTransition(null, ID, predicted(RiskLevel.WATCH, NOW.plus(Duration.ofHours(20))), NOW).alert();
        RiskScore noProjection = TestRecords.riskScore().setScore(45).setLevel(RiskLevel.WATCH).setProjectedCriticalAt(null)
                .setUpdatedAt(alert.getScoredAt().plus(Duration.ofHours(30))).build();

        AlertLifecycle.Outcome calm = lifecycle.onScore(alert, noProjection, NOW.plus(Duration.ofHours(30)));

        assertThat(calm.alert().getState()).isEqualTo(AlertState.RESOLVING);
        assertThat(calm.alert().getPredicted()).isFalse();
        AlertLifecycle.Outcome resolved = lifecycle.onTick(calm.alert(), NOW.plus(Duration.ofHours(30)).plus(lifecycle.config().flapWindow()));
        assertThat(resolved.notifications()).containsExactly(NotificationKind.RESOLVED);
        assertThat(resolved.alert().getScore()).as("RESOLVED states the current score").isEqualTo(45);
    }

    @Test
    void shouldNotRenotifyTheSamePredictionWhenHistoryIsReplayedLongAfterIt() {
        // A backfill: the transitions' times (and projections) lie days before the wall clock.
        Instant eventTime = NOW.minus(Duration.ofDays(10));
        Instant criticalAt = eventTime.plus(Duration.ofHours(20));
        RiskTransition fired = TestRecords.riskTransition().setKind(TransitionKind.ESCALATED).setFromLevel(RiskLevel.WATCH)
                .setToLevel(RiskLevel.WARNING).setProjectedCriticalAt(criticalAt).setOccurredAt(eventTime).build();
        Alert alert = lifecycle.onTransition(null, ID, fired, NOW).alert();
        RiskTransition sameProjection = TestRecords.riskTransition().setKind(TransitionKind.PREDICTED).setFromLevel(RiskLevel.WARNING)
                .setToLevel(RiskLevel.CRITICAL).setProjectedCriticalAt(criticalAt).setOccurredAt(eventTime).build();

        assertThat(lifecycle.onTransition(alert, ID, sameProjection, NOW).notifications()).isEmpty();

        RiskTransition muchCloser = RiskTransition.newBuilder(sameProjection).setProjectedCriticalAt(eventTime.plus(Duration.ofHours(8)))
                .setOccurredAt(eventTime.plus(Duration.ofHours(1))).build();
        assertThat(lifecycle.onTransition(alert, ID, muchCloser, NOW).notifications()).containsExactly(NotificationKind.ESCALATED);
    }
}
