package dev.forewarn.alerting.api;

import dev.forewarn.events.Alert;
import dev.forewarn.events.AlertFeedback;
import dev.forewarn.events.AlertState;
import dev.forewarn.events.EntityType;
import dev.forewarn.events.RiskLevel;
import dev.forewarn.service.http.QueryParams;
import dev.forewarn.service.http.Violation;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The filters, order and cursor of {@code GET /v1/alerts}. A cursor names the last alert of a page by its sort key
 * and id, so the next page starts strictly after it: alerts that change between two requests may move, but a page
 * never repeats an alert of the page before in the same order, and nothing is skipped that did not move.
 *
 * @param states     {@code state}: FIRING, ACKNOWLEDGED, RESOLVING, RESOLVED, or several separated by commas (empty: any)
 * @param level      {@code level}: the alert's current level
 * @param entityType {@code entityType}: CUSTOMER or PRODUCT
 * @param owner      {@code owner}: the owner id, exactly
 * @param entityId   {@code entityId}: the entity id, exactly
 * @param text       {@code q}: part of the entity id, any case
 * @param feedback   {@code feedback}: CONFIRMED, FALSE_ALARM or NONE
 * @param sort       {@code sort}: {@code time} (latest change first, the default) or {@code risk} (highest score first)
 * @param limit      {@code limit}: 1..10000, default 100
 * @param after      {@code cursor}: the {@code nextCursor} of the page before
 * @param fields     {@code fields}: the alert fields to answer with, separated by commas (empty: all)
 */
record AlertQuery(Set<AlertState> states, Optional<RiskLevel> level, Optional<EntityType> entityType, String owner,
                  String entityId, String text, String feedback, Sort sort, int limit, Optional<Key> after,
                  Set<String> fields) {

    enum Sort { TIME, RISK }

    /** An alert and its feedback, if any. */
    record Row(Alert alert, AlertFeedback feedback) {
    }

    /** One page and the cursor of the next, null on the last page. */
    record Page(List<Row> rows, String nextCursor) {
    }

    /** A position in the order: the sort value and the alert id that breaks ties. */
    record Key(double value, String id) {
    }

    /** The largest page: 10,000 alerts (ask for fewer {@code fields} to keep it small). */
    static final int MAX_LIMIT = 10_000;

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    static AlertQuery of(Context ctx, List<Violation> violations) {
        Set<AlertState> states = EnumSet.noneOf(AlertState.class);
        String stateParam = blankToNull(ctx.queryParam("state"));
        if (stateParam != null) {
            for (String one : stateParam.split(",")) {
                try {
                    states.add(AlertState.valueOf(one.strip().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    violations.add(new Violation("/state", "enum", "state must be one or more of " + Arrays.toString(AlertState.values())
                            + ", separated by commas"));
                }
            }
        }
        Optional<RiskLevel> level = QueryParams.enumParam(ctx, "level", RiskLevel.class, violations);
        Optional<EntityType> entityType = QueryParams.enumParam(ctx, "entityType", EntityType.class, violations);
        String feedback = blankToNull(ctx.queryParam("feedback"));
        if (feedback != null && !List.of("CONFIRMED", "FALSE_ALARM", "NONE").contains(feedback)) {
            violations.add(new Violation("feedback", "enum", "feedback must be one of CONFIRMED, FALSE_ALARM, NONE"));
        }
        String sortParam = Optional.ofNullable(blankToNull(ctx.queryParam("sort"))).orElse("time");
        Sort sort = switch (sortParam) {
            case "time" -> Sort.TIME;
            case "risk" -> Sort.RISK;
            default -> {
                violations.add(new Violation("sort", "enum", "sort must be time or risk"));
                yield Sort.TIME;
            }
        };
        int limit = QueryParams.intParam(ctx, "limit", 1, MAX_LIMIT, 100, violations);
        Optional<Key> after = Optional.empty();
        String cursor = blankToNull(ctx.queryParam("cursor"));
        if (cursor != null) {
            after = decode(cursor, sort);
            if (after.isEmpty()) {
                violations.add(new Violation("cursor", "format", "cursor must be a nextCursor of this listing with the same sort"));
            }
        }
        String text = blankToNull(ctx.queryParam("q"));
        Set<String> fields = new LinkedHashSet<>();
        String fieldParam = blankToNull(ctx.queryParam("fields"));
        if (fieldParam != null) {
            Arrays.stream(fieldParam.split(",")).map(String::strip).filter(f -> !f.isEmpty()).forEach(fields::add);
        }
        return new AlertQuery(states, level, entityType, blankToNull(ctx.queryParam("owner")), blankToNull(ctx.queryParam("entityId")),
                text == null ? null : text.toLowerCase(Locale.ROOT), feedback, sort, limit, after, Set.copyOf(fields));
    }

    boolean matches(Alert alert, AlertFeedback verdict) {
        return (states.isEmpty() || states.contains(alert.getState()))
                && level.map(l -> l == alert.getLevel()).orElse(true)
                && entityType.map(t -> t == alert.getEntityType()).orElse(true)
                && (owner == null || owner.equals(alert.getOwnerId()))
                && (entityId == null || entityId.equals(alert.getEntityId()))
                && (text == null || alert.getEntityId().toLowerCase(Locale.ROOT).contains(text))
                && (feedback == null || feedback.equals(verdict == null ? "NONE" : verdict.getVerdict().name()));
    }

    /** Sorts {@code matching} and cuts the page after the cursor. */
    Page page(List<Row> matching) {
        Comparator<Key> order = Comparator.comparingDouble(Key::value).reversed().thenComparing(Key::id);
        List<Row> sorted = matching.stream()
                .filter(row -> after.map(a -> order.compare(key(row.alert()), a) > 0).orElse(true))
                .sorted(Comparator.comparing(row -> key(row.alert()), order))
                .limit(limit + 1L)
                .toList();
        if (sorted.size() <= limit) {
            return new Page(sorted, null);
        }
        List<Row> rows = sorted.subList(0, limit);
        return new Page(rows, encode(key(rows.get(limit - 1).alert())));
    }

    private Key key(Alert alert) {
        return new Key(sort == Sort.RISK ? alert.getScore() : alert.getUpdatedAt().toEpochMilli(), alert.getAlertId());
    }

    private String encode(Key key) {
        String raw = sort.name().charAt(0) + "|" + Double.doubleToLongBits(key.value()) + "|" + key.id();
        return ENCODER.encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static Optional<Key> decode(String cursor, Sort sort) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            String[] parts = raw.split("\\|", 3);
            if (parts.length != 3 || parts[0].charAt(0) != sort.name().charAt(0)) {
                return Optional.empty();
            }
            return Optional.of(new Key(Double.longBitsToDouble(Long.parseLong(parts[1])), parts[2]));
        } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
