package dev.forewarn.scoring.model;

import static dev.forewarn.scoring.model.RiskModelTest.DAY;
import static dev.forewarn.scoring.model.RiskModelTest.HOUR;
import static dev.forewarn.scoring.model.RiskModelTest.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.forewarn.events.ComplaintStatus;
import dev.forewarn.events.FeedbackType;
import dev.forewarn.events.KanoCategory;
import dev.forewarn.events.ReturnReason;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Properties of the model over random histories. */
class RiskModelPropertyTest {

    private final RiskModel model = new RiskModel(RiskModel.Config.defaults());
    /** Remembers closed complaints for longer than any test history, so every late status change still finds its complaint. */
    private final RiskModel longMemory = new RiskModel(RiskModel.Config.defaults().withComplaintMemory(64, java.time.Duration.ofDays(365)));

    /** A random history: reports, returns and complaint lifecycles over 30 days, in time order. */
    @Provide
    Arbitrary<List<Signal>> histories() {
        Arbitrary<KanoCategory> kano = Arbitraries.of(KanoCategory.class).injectNull(0.3);
        Arbitrary<Long> time = Arbitraries.longs().between(0, 30 * DAY).map(t -> T0 + t);
        Arbitrary<List<Signal>> report = Combinators.combine(time, kano, Arbitraries.of(FeedbackType.class), Arbitraries.integers().between(1, 5))
                .as((at, k, type, severity) -> List.of(Signal.report(null, "C-1", "P-1", at, k, type, severity)));
        Arbitrary<List<Signal>> returned = Combinators.combine(time, kano, Arbitraries.of(ReturnReason.class))
                .as((at, k, reason) -> List.of(Signal.productReturn(null, "C-1", "P-1", at, k, reason)));
        Arbitrary<List<Signal>> complaint = Combinators.combine(time, kano, Arbitraries.integers().between(1, 5),
                        Arbitraries.longs().between(HOUR, 5 * DAY), Arbitraries.longs().between(0, 6 * DAY).injectNull(0.3),
                        Arbitraries.longs().between(1, 4 * DAY).injectNull(0.5), Arbitraries.longs().between(HOUR, 3 * DAY).injectNull(0.4))
                .as((at, k, severity, sla, resolvedAfter, reopenedAfter, resolvedAgainAfter) ->
                        lifecycle(at, k, severity, sla, resolvedAfter, reopenedAfter, resolvedAgainAfter));
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(5, report), net.jqwik.api.Tuple.of(2, returned), net.jqwik.api.Tuple.of(2, complaint))
                .list().ofMinSize(1).ofMaxSize(40)
                .map(groups -> {
                    List<Signal> all = new ArrayList<>();
                    int[] n = {0};
                    for (int g = 0; g < groups.size(); g++) {
                        String complaintId = "K" + g; // one id per lifecycle
                        groups.get(g).forEach(s -> all.add(withIds(s, "e" + n[0]++, complaintId)));
                    }
                    all.sort(Comparator.comparingLong(Signal::occurredAt).thenComparing(Signal::eventId));
                    return all;
                });
    }

    /** OPENED, then perhaps RESOLVED, then perhaps REOPENED (with a new SLA) and RESOLVED again. */
    static List<Signal> lifecycle(long at, KanoCategory k, int severity, long sla, Long resolvedAfter, Long reopenedAfter,
                                  Long resolvedAgainAfter) {
        List<Signal> lifecycle = new ArrayList<>();
        lifecycle.add(Signal.complaint(null, "C-1", "P-1", at, k, "K", ComplaintStatus.OPENED, severity, at + sla));
        if (resolvedAfter != null) {
            long resolved = at + resolvedAfter;
            lifecycle.add(Signal.complaint(null, "C-1", "P-1", resolved, k, "K", ComplaintStatus.RESOLVED, severity, null));
            if (reopenedAfter != null) {
                long reopened = resolved + reopenedAfter;
                lifecycle.add(Signal.complaint(null, "C-1", "P-1", reopened, k, "K", ComplaintStatus.REOPENED, severity, reopened + sla));
                if (resolvedAgainAfter != null) {
                    lifecycle.add(Signal.complaint(null, "C-1", "P-1", reopened + resolvedAgainAfter, k, "K", ComplaintStatus.RESOLVED,
                            severity, null));
                }
            }
        }
        return lifecycle;
    }

    private static Signal withIds(Signal s, String eventId, String complaintId) {
        return new Signal(eventId, s.customerId(), s.productId(), s.kind(), s.occurredAt(), s.kano(), s.feedbackType(),
                s.severity(), s.returnReason(), s.complaintId() == null ? null : complaintId, s.complaintStatus(), s.slaDueAt(), s.source());
    }

    /**
     * A random arrival order in which each complaint's own lifecycle stays in order (as when one
     * source publishes it on one key) while everything else may arrive late.
     */
    private static List<Signal> arrivalOrder(List<Signal> history, Random random) {
        List<Signal> shuffled = new ArrayList<>(history);
        Collections.shuffle(shuffled, random);
        Map<String, List<Integer>> slots = new java.util.HashMap<>();
        for (int i = 0; i < shuffled.size(); i++) {
            if (shuffled.get(i).complaintId() != null) {
                slots.computeIfAbsent(shuffled.get(i).complaintId(), id -> new ArrayList<>()).add(i);
            }
        }
        Map<String, List<Signal>> lifecycles = history.stream().filter(s -> s.complaintId() != null)
                .collect(Collectors.groupingBy(Signal::complaintId));
        slots.forEach((id, positions) -> {
            List<Signal> inOrder = lifecycles.get(id);
            for (int i = 0; i < positions.size(); i++) {
                shuffled.set(positions.get(i), inOrder.get(i));
            }
        });
        return shuffled;
    }

    private EntityState replay(List<Signal> arrivals, long until) {
        return replay(model, arrivals, until);
    }

    private static EntityState replay(RiskModel model, List<Signal> arrivals, long until) {
        EntityState s = new EntityState();
        arrivals.forEach(signal -> model.apply(s, signal));
        model.advance(s, until);
        return s;
    }

    @Property(tries = 300)
    void shouldScoreTheSameWhateverTheArrivalOrder(@ForAll("histories") List<Signal> history, @ForAll Random random) {
        // Within the complaint log's bounds: a history may close more complaints at one instant than the default
        // remembers (8), and a resolution that arrives before its opening must still find its complaint
        // (beyond the bounds the model documents that a forgotten lifecycle is not revised).
        assertSameOutcome(longMemory, history, arrivalOrder(history, random));
    }

    @Property(tries = 300)
    void shouldScoreTheSameWhenEvenAComplaintsOwnStatusChangesArriveInAnyOrder(@ForAll("histories") List<Signal> history,
                                                                              @ForAll Random random) {
        // Two systems, retries, backfills: a RESOLVED may come before its OPENED, a REOPENED before the RESOLVED it follows.
        List<Signal> shuffled = new ArrayList<>(history);
        Collections.shuffle(shuffled, random);
        assertSameOutcome(longMemory, history, shuffled);
    }

    /** Times in milliseconds: SLA 1 h..5 d, resolved after 0..6 d, reopened 1 ms..4 d later, resolved again 1 h..3 d later. */
    @Property(tries = 200)
    void shouldReadEveryPermutationOfOneComplaintsLifecycleAlike(@ForAll @net.jqwik.api.constraints.LongRange(min = 3_600_000, max = 432_000_000) long sla,
                                                                 @ForAll @net.jqwik.api.constraints.LongRange(min = 0, max = 518_400_000) long resolvedAfter,
                                                                 @ForAll @net.jqwik.api.constraints.LongRange(min = 1, max = 345_600_000) long reopenedAfter,
                                                                 @ForAll @net.jqwik.api.constraints.LongRange(min = 3_600_000, max = 259_200_000) long resolvedAgainAfter) {
        List<Signal> history = new ArrayList<>();
        int[] n = {0};
        lifecycle(T0, KanoCategory.MUST_BE, 4, sla, resolvedAfter, reopenedAfter, resolvedAgainAfter)
                .forEach(signal -> history.add(withIds(signal, "e" + n[0]++, "K-1")));
        for (List<Signal> order : permutations(history)) {
            assertSameOutcome(model, history, order);
        }
    }

    private static List<List<Signal>> permutations(List<Signal> signals) {
        if (signals.isEmpty()) {
            return List.of(List.of());
        }
        List<List<Signal>> all = new ArrayList<>();
        for (int i = 0; i < signals.size(); i++) {
            List<Signal> rest = new ArrayList<>(signals);
            Signal first = rest.remove(i);
            for (List<Signal> tail : permutations(rest)) {
                List<Signal> order = new ArrayList<>(List.of(first));
                order.addAll(tail);
                all.add(order);
            }
        }
        return all;
    }

    private static void assertSameOutcome(RiskModel model, List<Signal> history, List<Signal> arrivals) {
        long end = T0 + 60 * DAY;
        EntityState inOrder = replay(model, history, end);
        EntityState shuffled = replay(model, arrivals, end);

        assertThat(model.pressureAt(shuffled, end)).isCloseTo(model.pressureAt(inOrder, end), within(1e-9));
        assertThat(model.score(shuffled, end)).isCloseTo(model.score(inOrder, end), within(1e-9));
        assertThat(model.inflowPerDay(shuffled, end)).isCloseTo(model.inflowPerDay(inOrder, end), within(1e-9));
        assertThat(shuffled.breachedSlas).isEqualTo(inOrder.breachedSlas);
        assertThat(shuffled.openComplaints()).isEqualTo(inOrder.openComplaints());
        assertThat(List.of(shuffled.negativeReports, shuffled.improvementReports, shuffled.confirmationReports, shuffled.complaints, shuffled.returns))
                .isEqualTo(List.of(inOrder.negativeReports, inOrder.improvementReports, inOrder.confirmationReports, inOrder.complaints, inOrder.returns));
        assertThat(model.score(shuffled, end)).isBetween(0.0, 100.0);
    }

    @Property(tries = 200)
    void shouldGiveABackfillTheTransitionsOfTheLiveRun(@ForAll("histories") List<Signal> history) {
        // Live: time-driven work happens as the clock passes each hour. Backfill: signals arrive at once.
        EntityState live = new EntityState();
        List<RiskModel.Transition> liveTransitions = new ArrayList<>();
        int next = 0;
        for (long clock = T0; clock <= T0 + 60 * DAY; clock += HOUR) {
            while (next < history.size() && history.get(next).occurredAt() <= clock) {
                liveTransitions.addAll(model.apply(live, history.get(next++)));
            }
            liveTransitions.addAll(model.advance(live, clock));
        }
        EntityState backfill = new EntityState();
        List<RiskModel.Transition> backfillTransitions = new ArrayList<>();
        history.forEach(signal -> backfillTransitions.addAll(model.apply(backfill, signal)));
        backfillTransitions.addAll(model.advance(backfill, T0 + 60 * DAY));

        assertThat(backfillTransitions).isEqualTo(liveTransitions);
        assertThat(backfill).isEqualTo(live);
    }

    @Property(tries = 100)
    void shouldKeepTheExplanationBounded(@ForAll("histories") @Size(max = 40) List<Signal> history) {
        EntityState s = replay(history, T0 + 60 * DAY);

        assertThat(s.top).hasSizeLessThanOrEqualTo(5);
        assertThat(s.openComplaints()).isLessThanOrEqualTo(32);
        assertThat(s.complaintLog.size() - s.openComplaints()).isLessThanOrEqualTo(8);
    }
}
