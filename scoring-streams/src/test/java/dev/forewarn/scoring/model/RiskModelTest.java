package dev.forewarn.scoring.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.forewarn.events.ComplaintStatus;
import dev.forewarn.events.FeedbackType;
import dev.forewarn.events.KanoCategory;
import dev.forewarn.events.ReturnReason;
import dev.forewarn.events.RiskLevel;
import dev.forewarn.events.TransitionKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RiskModelTest {

    static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    static final long DAY = Duration.ofDays(1).toMillis();
    static final long HOUR = Duration.ofHours(1).toMillis();
    private final RiskModel model = new RiskModel(RiskModel.Config.defaults());
    private int ids;

    private Signal negative(long at, int severity, KanoCategory kano) {
        return Signal.report("r-" + ids++, "C-1", "P-1", at, kano, FeedbackType.NEGATIVE, severity);
    }

    private Signal confirmation(long at) {
        return Signal.report("r-" + ids++, "C-1", "P-1", at, null, FeedbackType.CONFIRMATION, 3);
    }

    private Signal complaint(String id, ComplaintStatus status, long at, Long due) {
        return Signal.complaint("k-" + ids++, "C-1", "P-1", at, null, id, status, 3, due);
    }

    @Test
    void shouldHalvePressureAfterOneHalfLife() {
        EntityState s = new EntityState();
        model.apply(s, negative(T0, 3, null));

        assertThat(model.pressureAt(s, T0)).isEqualTo(3.0);
        assertThat(model.pressureAt(s, T0 + 14 * DAY)).isCloseTo(1.5, within(1e-12));
        assertThat(model.pressureAt(s, T0 + 28 * DAY)).isCloseTo(0.75, within(1e-12));
    }

    @Test
    void shouldLowerRiskWithConfirmationsButNeverBelowZero() {
        EntityState s = new EntityState();
        model.apply(s, negative(T0, 5, null));
        double before = model.score(s, T0);

        model.apply(s, confirmation(T0));
        double after = model.score(s, T0);
        for (int i = 0; i < 5; i++) {
            model.apply(s, confirmation(T0));
        }

        assertThat(after).isLessThan(before).isPositive();
        assertThat(model.score(s, T0)).isZero();
        assertThat(s.pressure).as("the exact signed sum is kept: six confirmations of -1").isEqualTo(5 - 6.0);
    }

    @Test
    void shouldWeighByKanoCategory() {
        double[] pressures = new double[5];
        KanoCategory[] kanos = {KanoCategory.MUST_BE, KanoCategory.PERFORMANCE, KanoCategory.ATTRACTIVE, KanoCategory.INDIFFERENT, null};
        for (int i = 0; i < kanos.length; i++) {
            EntityState s = new EntityState();
            model.apply(s, negative(T0, 3, kanos[i]));
            pressures[i] = s.pressure;
        }

        assertThat(pressures).containsExactly(6.0, 3.0, 1.5, 0.75, 3.0);
    }

    @Test
    void shouldWeighReturnsByReasonAndComplaintsBySeverity() {
        EntityState s = new EntityState();
        model.apply(s, Signal.productReturn("x-1", "C-1", "P-1", T0, null, ReturnReason.DEFECTIVE));
        assertThat(s.pressure).isCloseTo(9.0, within(1e-12));
        model.apply(s, Signal.complaint("x-2", "C-1", "P-1", T0, null, "K-1", ComplaintStatus.OPENED, 5, null));
        assertThat(s.pressure).isCloseTo(9.0 + 50.0 / 3, within(1e-12));
    }

    @Test
    void shouldNotFlapAroundAThreshold() {
        // A level is entered at its threshold and left only 10 points (the hysteresis) below it.
        assertThat(model.level(RiskLevel.OK, 39.9)).isEqualTo(RiskLevel.OK);
        assertThat(model.level(RiskLevel.OK, 40)).isEqualTo(RiskLevel.WATCH);
        assertThat(model.level(RiskLevel.WATCH, 31)).isEqualTo(RiskLevel.WATCH);
        assertThat(model.level(RiskLevel.WATCH, 29.9)).isEqualTo(RiskLevel.OK);
        assertThat(model.level(RiskLevel.OK, 85)).isEqualTo(RiskLevel.CRITICAL);
        assertThat(model.level(RiskLevel.CRITICAL, 57)).as("descending, each level is left 10 below it").isEqualTo(RiskLevel.WARNING);
        assertThat(model.level(RiskLevel.CRITICAL, 50)).isEqualTo(RiskLevel.WARNING);
        assertThat(model.level(RiskLevel.CRITICAL, 49.9)).isEqualTo(RiskLevel.WATCH);
    }

    @Test
    void shouldProjectCriticalAsTheClosedFormSays() {
        EntityState s = new EntityState();
        for (int i = 0; i < 6; i++) {
            model.apply(s, negative(T0 + i * 2 * HOUR, 3, null));
        }
        long at = T0 + 10 * HOUR;
        long projected = model.projectCritical(s, at);

        double k = Math.log(2) / 14;
        double lambda = model.inflowPerDay(s, at);
        double p = model.pressureAt(s, at);
        double tau = (projected - at) / (double) DAY;
        double closedForm = p * Math.exp(-k * tau) + lambda / k * (1 - Math.exp(-k * tau));
        assertThat(projected).isGreaterThan(at);
        assertThat(model.risk(closedForm)).isCloseTo(80.0, within(1e-6));
    }

    @Test
    void shouldPredictCriticalBeforeEscalatingWhenInflowIsHigh() {
        EntityState s = new EntityState();
        List<RiskModel.Transition> transitions = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            transitions.addAll(model.apply(s, negative(T0 + i * HOUR, 3, null)));
        }

        assertThat(transitions).extracting(RiskModel.Transition::kind).contains(TransitionKind.PREDICTED);
        RiskModel.Transition prediction = transitions.stream().filter(t -> t.kind() == TransitionKind.PREDICTED).findFirst().orElseThrow();
        assertThat(prediction.projectedCriticalAt()).isBetween(prediction.occurredAt(),
                prediction.occurredAt() + model.config().horizon().toMillis());
        assertThat(s.level).isNotEqualTo(RiskLevel.CRITICAL);
    }

    @Test
    void shouldNotProjectCriticalForACustomerWhoseManySmallComplaintsAreAllResolvedInTime() {
        // A complaint of severity 1 every 4 hours, each resolved 2 hours later within its SLA: many signals, no trend.
        RiskModel.Config defaults = RiskModel.Config.defaults();
        RiskModel grossInflow = new RiskModel(new RiskModel.Config(defaults.weights(), defaults.halfLife(), defaults.scale(),
                defaults.inflowHalfLife(), defaults.horizon(), defaults.hysteresis(), defaults.topContributors(),
                defaults.maxOpenComplaints(), defaults.maxClosedComplaints(), defaults.complaintMemory(), false));
        Map<RiskModel, List<RiskModel.Transition>> transitions = new java.util.HashMap<>();
        for (RiskModel m : List.of(model, grossInflow)) {
            EntityState s = new EntityState();
            List<RiskModel.Transition> seen = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                long opened = T0 + i * 4 * HOUR;
                seen.addAll(m.apply(s, Signal.complaint("o-" + i, "C-1", null, opened, null, "K-" + i, ComplaintStatus.OPENED, 1,
                        opened + DAY)));
                seen.addAll(m.apply(s, Signal.complaint("r-" + i, "C-1", null, opened + 2 * HOUR, null, "K-" + i,
                        ComplaintStatus.RESOLVED, 1, opened + DAY)));
            }
            transitions.put(m, seen);
        }

        assertThat(transitions.get(model)).as("net inflow: the credits of the resolutions count against the openings").isEmpty();
        assertThat(transitions.get(grossInflow)).as("counting only the openings, the pace projects CRITICAL")
                .extracting(RiskModel.Transition::kind).contains(TransitionKind.PREDICTED);
    }

    @Test
    void shouldCountAnSlaBreachWhenObservedTimePassesTheDueTime() {
        EntityState s = new EntityState();
        model.apply(s, complaint("K-1", ComplaintStatus.OPENED, T0, T0 + DAY));

        model.advance(s, T0 + DAY - 1);
        assertThat(s.breachedSlas).isZero();
        model.advance(s, T0 + DAY);

        assertThat(s.breachedSlas).isEqualTo(1);
        assertThat(model.pressureAt(s, T0 + DAY)).isCloseTo(10 * Math.pow(2, -1.0 / 14) + 8, within(1e-9));
        assertThat(s.top).extracting(EntityState.Contributor::eventId).contains("K-1#sla");
    }

    @Test
    void shouldNeverBreachAComplaintResolvedWithinItsSla() {
        EntityState replayed = new EntityState();
        model.apply(replayed, complaint("K-1", ComplaintStatus.OPENED, T0, T0 + DAY));
        model.apply(replayed, complaint("K-1", ComplaintStatus.RESOLVED, T0 + DAY - 1, null));
        model.advance(replayed, T0 + 300 * DAY);

        EntityState resolvedLate = new EntityState();
        model.apply(resolvedLate, complaint("K-2", ComplaintStatus.OPENED, T0, T0 + DAY));
        model.advance(resolvedLate, T0 + 5 * DAY); // the resolution reaches us after the due time passed
        model.apply(resolvedLate, complaint("K-2", ComplaintStatus.RESOLVED, T0 + DAY - 1, null));

        assertThat(replayed.breachedSlas).isZero();
        assertThat(resolvedLate.breachedSlas).isZero();
        assertThat(model.pressureAt(resolvedLate, T0 + 5 * DAY)).isCloseTo(model.pressureAt(replayed, T0 + 5 * DAY), within(1e-9));
    }

    @Test
    void shouldApplyAResolutionThatArrivesBeforeItsOpening() {
        EntityState inOrder = new EntityState();
        model.apply(inOrder, complaint("K-1", ComplaintStatus.OPENED, T0, T0 + DAY));
        model.apply(inOrder, complaint("K-1", ComplaintStatus.RESOLVED, T0 + HOUR, null));
        model.advance(inOrder, T0 + 3 * DAY);

        EntityState resolvedFirst = new EntityState();
        model.apply(resolvedFirst, complaint("K-1", ComplaintStatus.RESOLVED, T0 + HOUR, null));
        assertThat(resolvedFirst.openComplaints()).isZero();
        model.apply(resolvedFirst, complaint("K-1", ComplaintStatus.OPENED, T0, T0 + DAY));
        model.advance(resolvedFirst, T0 + 3 * DAY);

        assertThat(resolvedFirst.openComplaints()).isZero();
        assertThat(resolvedFirst.breachedSlas).isZero();
        assertThat(model.score(resolvedFirst, T0 + 3 * DAY)).isCloseTo(model.score(inOrder, T0 + 3 * DAY), within(1e-9));
        assertThat(resolvedFirst.top).extracting(EntityState.Contributor::eventId).contains("K-1#resolved");
    }

    @Test
    void shouldBreachAReopenedComplaintOnItsNewSlaWhateverTheOrder() {
        EntityState s = new EntityState();
        model.apply(s, complaint("K-1", ComplaintStatus.REOPENED, T0 + 2 * DAY, T0 + 3 * DAY));
        model.apply(s, complaint("K-1", ComplaintStatus.RESOLVED, T0 + HOUR, null));
        model.apply(s, complaint("K-1", ComplaintStatus.OPENED, T0, T0 + DAY));
        model.advance(s, T0 + 5 * DAY);

        assertThat(s.breachedSlas).isEqualTo(1); // the first episode was resolved in time, the second ran out
        assertThat(s.openComplaints()).isEqualTo(1);
        assertThat(s.top).extracting(EntityState.Contributor::eventId).contains("K-1#resolved", "K-1#sla-2");
    }

    @Test
    void shouldForgetClosedComplaintsBeyondItsMemory() {
        EntityState s = new EntityState();
        for (int i = 0; i < 20; i++) {
            model.apply(s, complaint("K-" + i, ComplaintStatus.OPENED, T0 + i * HOUR, null));
            model.apply(s, complaint("K-" + i, ComplaintStatus.RESOLVED, T0 + i * HOUR + 1, null));
        }
        assertThat(s.complaintLog).hasSize(8).allMatch(c -> !c.isOpen());
        assertThat(s.complaintLog).extracting(c -> c.complaintId).contains("K-19").doesNotContain("K-0");

        model.apply(s, negative(T0 + 40 * DAY, 1, null));
        assertThat(s.complaintLog).isEmpty();
        assertThat(s.complaints).isEqualTo(20);
    }

    @Test
    void shouldResolveAfterDecayWithoutNewSignals() {
        EntityState s = new EntityState();
        List<RiskModel.Transition> transitions = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            transitions.addAll(model.apply(s, Signal.complaint("k" + i, "C-1", null, T0, KanoCategory.MUST_BE, "K" + i,
                    ComplaintStatus.OPENED, 5, null)));
        }
        assertThat(s.level).isEqualTo(RiskLevel.CRITICAL);

        transitions.addAll(model.advance(s, T0 + 365 * DAY));

        assertThat(transitions).extracting(RiskModel.Transition::kind)
                .containsSubsequence(TransitionKind.ESCALATED, TransitionKind.DEESCALATED, TransitionKind.RESOLVED);
        assertThat(s.level).isEqualTo(RiskLevel.OK);
        assertThat(transitions.get(transitions.size() - 1).occurredAt()).isLessThan(T0 + 365 * DAY);
    }
}
