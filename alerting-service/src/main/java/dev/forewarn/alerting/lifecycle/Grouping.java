package dev.forewarn.alerting.lifecycle;

import dev.forewarn.events.Alert;
import dev.forewarn.events.AlertState;
import dev.forewarn.events.Contribution;
import dev.forewarn.events.EntityType;
import dev.forewarn.events.RiskLevel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * How customer alerts relate to product alerts, in one pure class: which CRITICAL product alert a
 * customer's risk comes from, when that groups (holds) the customer alert under it, and what a
 * product alert's group update reports.
 *
 * <ul>
 *   <li>A customer alert is <em>about</em> a product when that product carries at least half of its
 *       positive weight and has a CRITICAL alert that is FIRING or ACKNOWLEDGED.</li>
 *   <li>It is <em>grouped</em> under (held by) that product alert only when both go to the same
 *       owner ({@code inhibitAcrossOwners} false, the default): one person does not need a page per
 *       customer of a defective product. When the owners differ, the customer's owner is notified as
 *       usual and told which product alert (and owner) the risk comes from: the account manager can
 *       call the customer while the quality owner fixes the product.</li>
 *   <li>A product alert whose group grew sends a <em>group update</em> listing the customers added
 *       since its owner was last told, at most once per {@code groupInterval} (Alertmanager's
 *       {@code group_interval}), not only at its next repeat.</li>
 * </ul>
 */
public final class Grouping {

    /**
     * @param groupInterval       {@code ALERTING_GROUP_INTERVAL}, default 5 min: how often a product alert's grown group is reported
     * @param inhibitAcrossOwners {@code ALERTING_INHIBIT_ACROSS_OWNERS}, default false: group customer alerts under a product
     *                            alert even when the customer has another owner
     */
    public record Config(Duration groupInterval, boolean inhibitAcrossOwners) {

        public static Config defaults() {
            return new Config(Duration.ofMinutes(5), false);
        }
    }

    private final Config config;

    public Grouping(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    /**
     * The CRITICAL product alert the customer alert's risk comes from, if any: a product with at least
     * half of the customer's positive weight now, whose alert ({@code alerts} by id) is CRITICAL and
     * FIRING or ACKNOWLEDGED.
     */
    public static Optional<Alert> relatedProduct(Alert customer, Function<String, Alert> alerts) {
        if (customer.getEntityType() != EntityType.CUSTOMER || customer.getState() == AlertState.RESOLVED) {
            return Optional.empty();
        }
        Map<String, Double> byProduct = new HashMap<>();
        double total = 0;
        for (Contribution c : customer.getTopContributors()) {
            if (c.getWeightNow() > 0) {
                total += c.getWeightNow();
                if (c.getProductId() != null) {
                    byProduct.merge(c.getProductId(), c.getWeightNow(), Double::sum);
                }
            }
        }
        double all = total;
        return byProduct.entrySet().stream()
                .filter(e -> e.getValue() >= 0.5 * all)
                .map(e -> alerts.apply("PRODUCT:" + e.getKey()))
                .filter(product -> product != null && product.getLevel() == RiskLevel.CRITICAL
                        && (product.getState() == AlertState.FIRING || product.getState() == AlertState.ACKNOWLEDGED))
                .findFirst();
    }

    /** Whether the customer alert (owned by {@code customerOwner}) is held under {@code product}'s alert. */
    public boolean groups(Alert product, String customerOwner) {
        return config.inhibitAcrossOwners() || Objects.equals(product.getOwnerId(), customerOwner);
    }

    /** The customer alerts grouped under {@code product} now that its owner has not been told of, in {@code groupedNow}'s order. */
    public static List<String> newlyGrouped(Alert product, List<String> groupedNow) {
        Set<String> told = new LinkedHashSet<>(product.getNotifiedGroup());
        List<String> added = new ArrayList<>();
        for (String id : groupedNow) {
            if (!told.contains(id)) {
                added.add(id);
            }
        }
        return added;
    }

    /**
     * Whether a product alert may send a group update at {@code now}: CRITICAL, FIRING or
     * ACKNOWLEDGED, nothing held back, and a group interval since its owner was last sent its group.
     */
    public boolean reportsItsGroup(Alert product, java.time.Instant now) {
        return product.getEntityType() == EntityType.PRODUCT && product.getLevel() == RiskLevel.CRITICAL
                && (product.getState() == AlertState.FIRING || product.getState() == AlertState.ACKNOWLEDGED)
                && product.getPendingKind() == null
                && (product.getGroupNotifiedAt() == null || !now.isBefore(product.getGroupNotifiedAt().plus(config.groupInterval())));
    }
}
