package dev.forewarn.alerting.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forewarn.events.Alert;
import dev.forewarn.events.AlertState;
import dev.forewarn.events.Contribution;
import dev.forewarn.events.EntityType;
import dev.forewarn.events.NotificationKind;
import dev.forewarn.events.RiskLevel;
import dev.forewarn.events.SignalKind;
import dev.forewarn.schemas.AvroSchemas;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The grouping and inhibition rules: which product alert a customer alert is about, when it is held, what a group update reports. */
class GroupingTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private final Grouping grouping = new Grouping(Grouping.Config.defaults());

    @BeforeAll
    static void trustGeneratedClasses() {
        AvroSchemas.trustGeneratedClasses();
    }

    private static Alert alert(EntityType type, String id, RiskLevel level, AlertState state, String owner, Contribution... reasons) {
        return Alert.newBuilder().setAlertId(type + ":" + id).setEntityType(type).setEntityId(id).setState(state).setLevel(level)
                .setScore(level == RiskLevel.CRITICAL ? 85 : 65).setOwnerId(owner).setTopContributors(List.of(reasons))
                .setFiredAt(NOW).setUpdatedAt(NOW).build();
    }

    private static Contribution reason(String product, double weightNow) {
        return Contribution.newBuilder().setEventId("e-" + product + weightNow).setKind(SignalKind.RETURN).setProductId(product)
                .setOccurredAt(NOW).setWeight(weightNow).setWeightNow(weightNow).build();
    }

    @Test
    void shouldRelateACustomerAlertToTheCriticalProductCarryingAtLeastHalfOfItsWeight() {
        Map<String, Alert> alerts = Map.of(
                "PRODUCT:P-1", alert(EntityType.PRODUCT, "P-1", RiskLevel.CRITICAL, AlertState.FIRING, "qo"),
                "PRODUCT:P-2", alert(EntityType.PRODUCT, "P-2", RiskLevel.WARNING, AlertState.FIRING, "qo"),
                "PRODUCT:P-3", alert(EntityType.PRODUCT, "P-3", RiskLevel.CRITICAL, AlertState.RESOLVING, "qo"));

        Alert mostlyP1 = alert(EntityType.CUSTOMER, "C-1", RiskLevel.WARNING, AlertState.FIRING, "am", reason("P-1", 6), reason(null, 5));
        Alert mostlyElsewhere = alert(EntityType.CUSTOMER, "C-2", RiskLevel.WARNING, AlertState.FIRING, "am", reason("P-1", 4), reason(null, 5));
        Alert aboutAWarningProduct = alert(EntityType.CUSTOMER, "C-3", RiskLevel.WARNING, AlertState.FIRING, "am", reason("P-2", 9));
        Alert aboutACalmingProduct = alert(EntityType.CUSTOMER, "C-4", RiskLevel.WARNING, AlertState.FIRING, "am", reason("P-3", 9));

        assertThat(Grouping.relatedProduct(mostlyP1, alerts::get)).map(Alert::getAlertId).contains("PRODUCT:P-1");
        assertThat(Grouping.relatedProduct(mostlyElsewhere, alerts::get)).isEmpty();
        assertThat(Grouping.relatedProduct(aboutAWarningProduct, alerts::get)).isEmpty();
        assertThat(Grouping.relatedProduct(aboutACalmingProduct, alerts::get)).isEmpty();
    }

    @Test
    void shouldHoldACustomerAlertUnderAProductAlertOnlyForTheSameOwnerUnlessConfigured() {
        Alert product = alert(EntityType.PRODUCT, "P-1", RiskLevel.CRITICAL, AlertState.FIRING, "qo-anna");

        assertThat(grouping.groups(product, "qo-anna")).isTrue();
        assertThat(grouping.groups(product, "am-ben")).as("inhibition never silences a different owner").isFalse();
        assertThat(new Grouping(new Grouping.Config(Duration.ofMinutes(5), true)).groups(product, "am-ben")).isTrue();
    }

    @Test
    void shouldReportOnlyTheCustomersAddedSinceTheOwnerWasLastTold() {
        Alert product = alert(EntityType.PRODUCT, "P-1", RiskLevel.CRITICAL, AlertState.FIRING, "qo");
        product.setNotifiedGroup(List.of("CUSTOMER:C-1"));

        assertThat(Grouping.newlyGrouped(product, List.of("CUSTOMER:C-1", "CUSTOMER:C-2", "CUSTOMER:C-3")))
                .containsExactly("CUSTOMER:C-2", "CUSTOMER:C-3");
        assertThat(Grouping.newlyGrouped(product, List.of("CUSTOMER:C-1"))).isEmpty();
        assertThat(Grouping.newlyGrouped(product, List.of())).isEmpty();
    }

    @Test
    void shouldSendGroupUpdatesOnlyForCriticalProductAlertsThatHoldNothingBackOncePerGroupInterval() {
        assertThat(grouping.reportsItsGroup(alert(EntityType.PRODUCT, "P", RiskLevel.CRITICAL, AlertState.FIRING, "qo"), NOW)).isTrue();
        assertThat(grouping.reportsItsGroup(alert(EntityType.PRODUCT, "P", RiskLevel.CRITICAL, AlertState.ACKNOWLEDGED, "qo"), NOW)).isTrue();
        assertThat(grouping.reportsItsGroup(alert(EntityType.PRODUCT, "P", RiskLevel.WARNING, AlertState.FIRING, "qo"), NOW)).isFalse();
        assertThat(grouping.reportsItsGroup(alert(EntityType.PRODUCT, "P", RiskLevel.CRITICAL, AlertState.RESOLVING, "qo"), NOW)).isFalse();
        assertThat(grouping.reportsItsGroup(alert(EntityType.CUSTOMER, "C", RiskLevel.CRITICAL, AlertState.FIRING, "qo"), NOW)).isFalse();
        Alert silenced = alert(EntityType.PRODUCT, "P", RiskLevel.CRITICAL, AlertState.FIRING, "qo");
        silenced.setPendingKind(NotificationKind.FIRING);
        assertThat(grouping.reportsItsGroup(silenced, NOW)).isFalse();

        Alert told = alert(EntityType.PRODUCT, "P", RiskLevel.CRITICAL, AlertState.FIRING, "qo");
        told.setGroupNotifiedAt(NOW);
        assertThat(grouping.reportsItsGroup(told, NOW.plus(Duration.ofMinutes(4)))).as("within the group interval").isFalse();
        assertThat(grouping.reportsItsGroup(told, NOW.plus(Duration.ofMinutes(5)))).isTrue();
    }
}
