package dev.forewarn.scoring.score;

import dev.forewarn.events.EntityType;

/** The names of the scorers' state stores, shared by the topology that builds them and the queries that read them. */
public final class EntityStores {

    public static final String CUSTOMER_STATE = "customer-state";
    public static final String PRODUCT_STATE = "product-state";
    public static final String CUSTOMER_SCORE_PASSES = "customer-score-passes";
    public static final String PRODUCT_SCORE_PASSES = "product-score-passes";

    private EntityStores() {
    }

    /** The store holding the states of entities of {@code type}. */
    public static String state(EntityType type) {
        return type == EntityType.CUSTOMER ? CUSTOMER_STATE : PRODUCT_STATE;
    }
}
