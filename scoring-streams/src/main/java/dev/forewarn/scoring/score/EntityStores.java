package dev.forewarn.scoring.score;

import dev.forewarn.events.EntityType;

/** The names of the scorers' state stores, shared by the topology that builds them and the queries that read them. */
public final class EntityStores {

    public static final String CUSTOMER_STATE = "customer-state";
    public static final String PRODUCT_STATE = "product-state";
    public static final String CUSTOMER_SCORE_PASSES = "customer-score-passes";
    public static final String PRODUCT_SCORE_PASSES = "product-score-passes";
    /** Each task's highest-ranked entities (at most {@link #TOP_SIZE}), read by {@code /v1/risk/top}; in memory, rebuilt at start. */
    public static final String CUSTOMER_TOP = "customer-top";
    public static final String PRODUCT_TOP = "product-top";
    /** Entities kept per task in the top stores: {@code /v1/risk/top} answers at most this many. */
    public static final int TOP_SIZE = 1000;

    private EntityStores() {
    }

    /** The store holding the highest-ranked entities of {@code type}. */
    public static String top(EntityType type) {
        return type == EntityType.CUSTOMER ? CUSTOMER_TOP : PRODUCT_TOP;
    }

    /** The store holding the states of entities of {@code type}. */
    public static String state(EntityType type) {
        return type == EntityType.CUSTOMER ? CUSTOMER_STATE : PRODUCT_STATE;
    }
}
