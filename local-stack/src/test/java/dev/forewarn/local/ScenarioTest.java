package dev.forewarn.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScenarioTest {

    private static final Instant END = Instant.parse("2026-11-20T12:00:00Z");

    @Test
    void theSameSeedGivesTheSameSignalsWhateverTheRunId() {
        Scenario first = Scenario.generate(Scenario.Settings.of(200, Duration.ofDays(30), 7), END, "a");
        Scenario second = Scenario.generate(Scenario.Settings.of(200, Duration.ofDays(30), 7), END, "b");
        Scenario otherSeed = Scenario.generate(Scenario.Settings.of(200, Duration.ofDays(30), 8), END, "a");

        assertThat(withoutIds(first)).isEqualTo(withoutIds(second));
        assertThat(withoutIds(first)).isNotEqualTo(withoutIds(otherSeed));
        assertThat(first.events().get(0).eventId()).isNotEqualTo(second.events().get(0).eventId());
    }

    @Test
    void signalsAreInTimeOrderWithinTheSpanAndEveryEscalationIsOneOfThem() {
        Scenario scenario = Scenario.generate(Scenario.Settings.of(400, Duration.ofDays(30), 1), END, "t");

        assertThat(scenario.events()).isSortedAccordingTo((a, b) -> a.at().compareTo(b.at()));
        assertThat(scenario.events()).allSatisfy(e -> assertThat(e.at()).isBetween(END.minus(Duration.ofDays(30)), END));
        // 1 % of 400 customers deteriorate, 5 % of 100 products have a defect wave, and one customer of each wave cancels.
        assertThat(scenario.escalations()).filteredOn(e -> e.entity().startsWith("CUSTOMER:")).hasSize(4 + 5);
        assertThat(scenario.escalations()).filteredOn(e -> e.entity().startsWith("PRODUCT:")).hasSize(5);
        // Every other wave's hard-hit customers are key accounts of the product's owner.
        List<Scenario.Escalation> waveCustomers = scenario.escalations().stream().filter(e -> e.story().contains("cancels")
                && !e.story().startsWith("deteriorating")).toList();
        assertThat(waveCustomers).filteredOn(e -> scenario.owners().get(e.entity()).startsWith("qo-")).hasSize(2);
        assertThat(waveCustomers).filteredOn(e -> scenario.owners().get(e.entity()).startsWith("am-")).hasSize(3);
        for (Scenario.Escalation escalation : scenario.escalations()) {
            assertThat(scenario.events()).filteredOn(e -> e.eventId().equals(escalation.eventId()))
                    .singleElement().satisfies(e -> {
                        assertThat(e.at()).isEqualTo(escalation.at());
                        assertThat(e.body().path("severity").asInt()).isEqualTo(5);
                        assertThat(e.body().path("status").asText()).isEqualTo("OPENED");
                    });
            assertThat(scenario.owners()).containsKey(escalation.entity());
            assertThat(scenario.involved()).contains(escalation.entity());
        }
    }

    @Test
    void calmBackgroundComplaintsAreResolvedWithinTheirSlaAboutTheSameProduct() {
        Scenario scenario = Scenario.generate(Scenario.Settings.of(300, Duration.ofDays(30), 3), END, "t");
        List<Scenario.Event> resolved = scenario.events().stream()
                .filter(e -> e.body().path("status").asText().equals("RESOLVED")).toList();

        assertThat(resolved).isNotEmpty().allSatisfy(r -> {
            Scenario.Event opened = scenario.events().stream().filter(e -> e.body().path("status").asText().equals("OPENED")
                    && e.body().path("complaintId").equals(r.body().path("complaintId"))).findFirst().orElseThrow();
            assertThat(r.at()).isBefore(Instant.parse(opened.body().path("slaDueAt").asText()));
            assertThat(r.body().path("productId")).isEqualTo(opened.body().path("productId"));
        });
    }

    @Test
    void tooSmallPopulationsAndSpansAreRefused() {
        assertThatThrownBy(() -> Scenario.Settings.of(20, Duration.ofDays(30), 1)).hasMessageContaining("at least 50 customers");
        assertThatThrownBy(() -> Scenario.Settings.of(100, Duration.ofDays(10), 1)).hasMessageContaining("at least 16 days");
    }

    private static List<String> withoutIds(Scenario scenario) {
        return scenario.events().stream().map(e -> e.at() + " " + e.kind() + " "
                + e.body().toString().replaceAll("(evt|cmp|ord)-[a-z0-9]+-", "$1-")).toList();
    }
}
