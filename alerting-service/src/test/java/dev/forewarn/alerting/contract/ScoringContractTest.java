package dev.forewarn.alerting.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forewarn.alerting.lifecycle.AlertLifecycle;
import dev.forewarn.events.Alert;
import dev.forewarn.events.AlertState;
import dev.forewarn.events.ComplaintStatus;
import dev.forewarn.events.EntityType;
import dev.forewarn.events.NotificationKind;
import dev.forewarn.events.RiskLevel;
import dev.forewarn.events.RiskScore;
import dev.forewarn.events.RiskTransition;
import dev.forewarn.events.TransitionKind;
import dev.forewarn.schemas.AvroSchemas;
import dev.forewarn.scoring.model.EntityState;
import dev.forewarn.scoring.model.RiskModel;
import dev.forewarn.scoring.model.Signal;
import dev.forewarn.scoring.score.RiskRecords;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The alert lifecycle fed with what scoring really writes: signals go through scoring's
 * {@link RiskModel} and {@link RiskRecords} (the code the service runs), and the resulting
 * {@link RiskTransition}s and {@link RiskScore}s through {@link AlertLifecycle}. A change on one
 * side of the contract that the other side reads differently fails here.
 */
class ScoringContractTest {

    private static final long T0 = Instant.parse("2026-11-23T08:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;
    private final RiskModel model = new RiskModel(RiskModel.Config.defaults());
    private final AlertLifecycle lifecycle = new AlertLifecycle(AlertLifecycle.Config.defaults());

    @BeforeAll
    static void trustGeneratedClasses() {
        AvroSchemas.trustGeneratedClasses();
    }

    @BeforeContainer
    static void trustGeneratedClassesForProperties() {
        AvroSchemas.trustGeneratedClasses();
    }

    /** One customer's signals run through scoring, its records through the alert lifecycle (alerting's clock = event time). */
    private final class Pipeline {
        final EntityState state = new EntityState();
        final List<RiskTransition> transitions = new ArrayList<>();
        final List<NotificationKind> notifications = new ArrayList<>();
        Alert alert;
        int ids;

        void complaint(long at, int severity) {
            apply(Signal.complaint("k-" + ids++, "C-1", "P-1", at, null, "c-" + ids, ComplaintStatus.OPENED, severity, null), at);
        }

        void apply(Signal signal, long at) {
            for (RiskModel.Transition t : model.apply(state, signal)) {
                RiskTransition transition = RiskRecords.transition(EntityType.CUSTOMER, "C-1", t,
                        RiskRecords.contributions(model, state, state.evaluatedAt));
                transitions.add(transition);
                outcome(lifecycle.onTransition(alert, "CUSTOMER:C-1", transition, Instant.ofEpochMilli(at)));
            }
            score(at);
        }

        void score(long at) {
            RiskScore score = RiskRecords.score(model, EntityType.CUSTOMER, "C-1", state);
            outcome(lifecycle.onScore(alert, score, Instant.ofEpochMilli(at)));
        }

        void tick(long at) {
            outcome(lifecycle.onTick(alert, Instant.ofEpochMilli(at)));
        }

        private void outcome(AlertLifecycle.Outcome outcome) {
            alert = outcome.alert();
            notifications.addAll(outcome.notifications());
        }
    }

    @Test
    void shouldKeepTheRealLevelWhenScoringPredictsCritical() {
        Pipeline p = new Pipeline();
        // A small complaint, then a severe one about a must-be feature: from OK to WARNING, CRITICAL projected, at once.
        p.complaint(T0, 2);
        p.apply(Signal.complaint("k-severe", "C-1", "P-1", T0 + 40 * MINUTE, dev.forewarn.events.KanoCategory.MUST_BE, "c-severe",
                ComplaintStatus.OPENED, 5, null), T0 + 40 * MINUTE);

        assertThat(p.state.level).isEqualTo(RiskLevel.WARNING);
        assertThat(p.transitions).extracting(RiskTransition::getKind).contains(TransitionKind.PREDICTED);
        assertThat(p.alert.getLevel()).as("the entity's real level, not the projected one").isEqualTo(RiskLevel.WARNING);
        assertThat(p.alert.getPredicted()).isTrue();
        assertThat(p.alert.getProjectedCriticalAt()).isNotNull();
        assertThat(p.alert.getCriticalSince()).isNull();
        assertThat(p.alert.getHistory().toString()).doesNotContain("to CRITICAL");
        assertThat(p.notifications).as("one notification tells the level and the prediction together").containsExactly(NotificationKind.FIRING);

        // An unacknowledged prediction never goes to the escalation contact by itself.
        long afterAckTimeout = T0 + 40 * MINUTE + lifecycle.config().ackTimeout().toMillis() + MINUTE;
        p.tick(afterAckTimeout);
        assertThat(p.notifications).doesNotContain(NotificationKind.ESCALATION_CONTACT);
    }

    @Test
    void shouldAnnounceALevelAndAPredictionThatComeTogetherInOneNotification() {
        Pipeline p = new Pipeline();
        p.complaint(T0, 3);
        p.complaint(T0 + 10 * MINUTE, 3);
        p.complaint(T0 + 20 * MINUTE, 3);
        p.complaint(T0 + 30 * MINUTE, 2);

        // Scoring wrote a level change and a PREDICTED for the same moment somewhere in this story ...
        assertThat(p.transitions).anySatisfy(t -> {
            assertThat(t.getKind()).isEqualTo(TransitionKind.PREDICTED);
            assertThat(p.transitions).anyMatch(c -> c.getKind() == TransitionKind.ESCALATED && c.getOccurredAt().equals(t.getOccurredAt()));
        });
        // ... and the owner heard of both at once: no notification follows another for the same instant.
        long distinctInstants = p.alert.getHistory().stream().filter(e -> e.getEvent().equals("fired") || e.getEvent().equals("escalated"))
                .map(e -> e.getAt()).distinct().count();
        assertThat(distinctInstants).isEqualTo(p.notifications.size());
    }

    @Test
    void shouldEscalateWhenTheEntityReallyTurnsCritical() {
        Pipeline p = new Pipeline();
        for (int i = 0; i < 5; i++) {
            p.complaint(T0 + i * 7 * MINUTE, 4);
        }

        assertThat(p.state.level).isEqualTo(RiskLevel.CRITICAL);
        assertThat(p.alert.getLevel()).isEqualTo(RiskLevel.CRITICAL);
        assertThat(p.alert.getPredicted()).isFalse();
        assertThat(p.alert.getCriticalSince()).isNotNull();
        p.tick(T0 + 30 * MINUTE + lifecycle.config().ackTimeout().toMillis() + MINUTE);
        assertThat(p.notifications).contains(NotificationKind.ESCALATION_CONTACT);
    }

    @Test
    void shouldShowScoringsLatestScoreAndReasonsOnTheAlert() {
        Pipeline p = new Pipeline();
        p.complaint(T0, 5);
        p.complaint(T0 + MINUTE, 5);
        double afterTwo = p.alert.getScore();
        // A third complaint raises the score without a level change: no transition, only a new RiskScore.
        p.apply(Signal.report("r-1", "C-1", "P-1", T0 + 2 * MINUTE, null, dev.forewarn.events.FeedbackType.NEGATIVE, 5), T0 + 2 * MINUTE);

        RiskScore latest = RiskRecords.score(model, EntityType.CUSTOMER, "C-1", p.state);
        assertThat(p.alert.getScore()).isEqualTo(latest.getScore()).isGreaterThan(afterTwo);
        assertThat(p.alert.getTopContributors()).isEqualTo(latest.getTopContributors());
        assertThat(p.alert.getTopContributors()).anyMatch(c -> c.getEventId().equals("r-1"));
    }

    /**
     * Whatever the signals, the alert agrees with scoring: its level is scoring's level, it is
     * CRITICAL-since only when scoring says CRITICAL, and "predicted" only below CRITICAL.
     */
    @Property(tries = 300)
    void shouldAgreeWithScoringOnTheLevelWhateverTheSignals(
            @ForAll @Size(min = 1, max = 25) List<@IntRange(min = 0, max = 5) Integer> severities,
            @ForAll @Size(min = 25, max = 25) List<@IntRange(min = 1, max = 600) Integer> gapsInMinutes) {
        Pipeline p = new Pipeline();
        long at = T0;
        for (int i = 0; i < severities.size(); i++) {
            at += gapsInMinutes.get(i) * MINUTE;
            int severity = severities.get(i);
            if (severity == 0) {
                p.apply(Signal.report("r-" + i, "C-1", "P-1", at, null, dev.forewarn.events.FeedbackType.CONFIRMATION, 3), at);
            } else {
                p.complaint(at, severity);
            }
            if (p.alert != null && p.alert.getState() != AlertState.RESOLVED) {
                assertThat(p.alert.getLevel()).isEqualTo(p.state.level);
                assertThat(p.alert.getCriticalSince() != null).isEqualTo(p.state.level == RiskLevel.CRITICAL);
                if (p.alert.getPredicted()) {
                    assertThat(p.alert.getLevel()).isNotEqualTo(RiskLevel.CRITICAL);
                    assertThat(p.alert.getProjectedCriticalAt()).isNotNull();
                }
            }
        }
    }
}
