package dev.forewarn.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A labelled history for judging the model: a customer population in which each customer (and each product with a
 * defect wave) belongs to one <em>family</em> — a pattern the model must tell apart — and the ground truth is known:
 * who escalated (a complaint of category {@code cancellation}, severity 5) and when. Fully determined by the settings
 * and the seed; written as the ingest API's NDJSON by {@link ScenariosMain}. The families and their intent:
 *
 * <ul>
 * <li>{@code calm} — background: a signal a week on average, mostly confirmations, ideas, harmless returns and small
 *     complaints resolved in time. Must stay quiet; so must the products they name ({@code calm-product}), though each
 *     gathers the background of many customers.</li>
 * <li>{@code slow-deterioration} — over five to seven weeks, medium-severity signals (negative feedback of severity 2–3,
 *     complaints of severity 2–3, returns not as described) arrive ever faster, then the customer cancels. No single
 *     signal is alarming; the rising inflow is. Must be warned days ahead.</li>
 * <li>{@code sudden-deterioration} — within six days: severe negative feedback, a complaint left past its SLA, then a
 *     cancellation (the local simulator's story). Must be warned, with less lead.</li>
 * <li>{@code isolated-severe} — one complaint of severity 4 resolved two to four days after its 24 h SLA, one angry
 *     report, then calm again; never escalates. One incident handled late is a service failure to fix, not a customer
 *     about to leave: ideally not an alert.</li>
 * <li>{@code frequent-small} — complains about small things every day or two for the whole history (negative feedback
 *     and complaints of severity 1–2, all resolved in time) and never leaves. A high but steady inflow: must stay
 *     below WARNING.</li>
 * <li>{@code defect-wave} — customers returning a defective product within a week; a quarter of them are hit again
 *     (a second defective return of a must-be feature, a complaint about it) and cancel a few days later, one of them
 *     with a safety complaint about the product (the product's escalation). The product must be warned; of its
 *     customers, those hit twice should be, the others not.</li>
 * <li>{@code seasonal-returns} — in a two-week season, two to four returns each for harmless reasons (no longer needed,
 *     wrong item, late delivery); never escalates. Must stay quiet.</li>
 * <li>{@code unwarnable} — a calm customer who cancels out of the blue. No model can warn of it; it keeps the recall
 *     figures honest (their ceiling is below 100 %).</li>
 * </ul>
 */
public final class ScenarioFamilies {

    /** The families, in the order reports list them. */
    public static final List<String> FAMILIES = List.of("calm", "calm-product", "slow-deterioration", "sudden-deterioration", "isolated-severe",
            "frequent-small", "defect-wave", "seasonal-returns", "unwarnable");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] KANO = {"PERFORMANCE", "PERFORMANCE", "PERFORMANCE", "ATTRACTIVE", "INDIFFERENT"};
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;

    /**
     * @param customers population size (at least 200)
     * @param span      how much history, ending at {@code end} (at least 60 days: stories start after the first 20)
     * @param seed      the random seed
     */
    public record Settings(int customers, Duration span, long seed) {
        public Settings {
            if (customers < 200) {
                throw new IllegalArgumentException("at least 200 customers (each family needs a few)");
            }
            if (span.compareTo(Duration.ofDays(60)) < 0 || span.compareTo(Duration.ofDays(400)) > 0) {
                throw new IllegalArgumentException("the span must be 60 to 400 days");
            }
        }
    }

    /** One signal for {@code /v1/<kind>} ({@code reports}, {@code complaints}, {@code returns}). */
    public record Event(long at, String kind, ObjectNode body) {
    }

    private final Random random;
    private final long start;
    private final long end;
    private final List<Event> events = new ArrayList<>();
    /** Entity key → family. */
    private final Map<String, String> families = new LinkedHashMap<>();
    /** Entity key → when it escalated. */
    private final Map<String, Long> escalations = new LinkedHashMap<>();
    private List<String> calmProducts = List.of();
    private int sequence;

    private ScenarioFamilies(Settings settings, Instant end) {
        this.random = new Random(settings.seed());
        this.end = end.truncatedTo(ChronoUnit.MILLIS).toEpochMilli();
        this.start = this.end - settings.span().toMillis();
    }

    public static ScenarioFamilies generate(Settings settings, Instant end) {
        ScenarioFamilies s = new ScenarioFamilies(settings, end);
        s.build(settings.customers());
        return s;
    }

    private void build(int population) {
        int products = Math.max(20, population / 10);
        List<String> customers = new ArrayList<>();
        for (int i = 0; i < population; i++) {
            customers.add("c-%05d".formatted(i));
        }
        Collections.shuffle(customers, random);
        List<String> productIds = new ArrayList<>();
        for (int i = 0; i < products; i++) {
            productIds.add("p-%04d".formatted(i));
        }
        int next = 0;
        next = assign(customers, next, share(population, 0.03), "slow-deterioration");
        next = assign(customers, next, share(population, 0.015), "sudden-deterioration");
        next = assign(customers, next, share(population, 0.03), "isolated-severe");
        next = assign(customers, next, share(population, 0.05), "frequent-small");
        next = assign(customers, next, share(population, 0.12), "seasonal-returns");
        next = assign(customers, next, share(population, 0.005), "unwarnable");
        int waves = Math.max(2, products / 20);
        calmProducts = List.copyOf(productIds.subList(waves, productIds.size()));
        calmProducts.forEach(product -> families.put("PRODUCT:" + product, "calm-product"));
        long season = between(start + 25 * DAY, end - 20 * DAY);
        for (String customer : customers) {
            String family = families.getOrDefault(key(customer), "calm");
            families.putIfAbsent(key(customer), family);
            background(customer, calmProducts);
            switch (family) {
                case "slow-deterioration" -> slowDeterioration(customer);
                case "sudden-deterioration" -> suddenDeterioration(customer);
                case "isolated-severe" -> isolatedSevere(customer);
                case "frequent-small" -> frequentSmall(customer);
                case "seasonal-returns" -> seasonalReturns(customer, season, calmProducts);
                case "unwarnable" -> escalate(customer, null, storyStart(), "cancellation", "cancels without a word before");
                default -> { }
            }
        }
        // Defect waves take customers still calm, from the end of the shuffled list.
        int taken = customers.size();
        for (int w = 0; w < waves; w++) {
            int size = 12 + random.nextInt(7);
            List<String> hit = new ArrayList<>(customers.subList(taken - size, taken));
            taken -= size;
            defectWave(productIds.get(w), hit);
        }
        events.sort(Comparator.comparingLong(Event::at));
    }

    private int assign(List<String> customers, int from, int count, String family) {
        for (int i = from; i < from + count; i++) {
            families.put(key(customers.get(i)), family);
        }
        return from + count;
    }

    private static int share(int population, double share) {
        return Math.max(2, (int) Math.round(population * share));
    }

    /** When a story starts: after the first 20 days (the state has history) and early enough to finish before the end. */
    private long storyStart() {
        return between(start + 20 * DAY, end - 40 * DAY);
    }

    private void background(String customer, List<String> products) {
        long at = start + exponential(7 * DAY);
        while (at < end) {
            String product = random.nextDouble() < 0.5 ? products.get(random.nextInt(products.size())) : null;
            double roll = random.nextDouble();
            if (roll < 0.45) {
                report(customer, at, product, "CONFIRMATION", null);
            } else if (roll < 0.70) {
                report(customer, at, product, "IMPROVEMENT", null);
            } else if (roll < 0.82) {
                report(customer, at, product, "NEGATIVE", 1 + random.nextInt(2));
            } else if (roll < 0.92) {
                String[] reasons = {"NO_LONGER_NEEDED", "NO_LONGER_NEEDED", "LATE_DELIVERY", "WRONG_ITEM", "OTHER"};
                productReturn(customer, at, products.get(random.nextInt(products.size())), reasons[random.nextInt(reasons.length)], null);
            } else {
                complaintResolved(customer, at, null, 1 + random.nextInt(2), 72, (6 + random.nextInt(42)) * HOUR, "delivery");
            }
            at += exponential(7 * DAY);
        }
    }

    /** Medium-severity signals, each gap 85 % of the one before (from five days to half a day), then a cancellation. */
    private void slowDeterioration(String customer) {
        long at = storyStart();
        double gap = 5 * DAY;
        while (gap > DAY / 2.0) {
            double roll = random.nextDouble();
            if (roll < 0.6) {
                report(customer, at, null, "NEGATIVE", random.nextDouble() < 0.7 ? 2 : 3);
            } else if (roll < 0.85) {
                complaintResolved(customer, at, null, 2 + random.nextInt(2), 72, (24 + random.nextInt(72)) * HOUR, "service");
            } else {
                productReturn(customer, at, calmProducts.get(random.nextInt(calmProducts.size())), random.nextBoolean() ? "NOT_AS_DESCRIBED" : "DAMAGED", "PERFORMANCE");
            }
            at += (long) (gap * (0.7 + 0.6 * random.nextDouble()));
            gap *= 0.85;
        }
        escalate(customer, null, at + between(DAY, 3 * DAY), "cancellation", "we are moving to another supplier");
    }

    /** The local simulator's story: severe feedback, a complaint past its 24 h SLA, a cancellation on the sixth day. */
    private void suddenDeterioration(String customer) {
        long at = storyStart();
        report(customer, jitter(at, 0), null, "NEGATIVE", 3);
        report(customer, jitter(at, 1.5), null, "NEGATIVE", 3);
        report(customer, jitter(at, 2.5), null, "NEGATIVE", 4);
        long opened = jitter(at, 3);
        complaint(customer, opened, null, id("cmp"), "OPENED", 4, opened + DAY, "billing");
        report(customer, jitter(at, 4.5), null, "NEGATIVE", 4);
        escalate(customer, null, at + 6 * DAY, "cancellation", "customer announces cancellation of the contract");
    }

    /** One severity-4 complaint resolved two to four days after its 24 h SLA, and one angry report. */
    private void isolatedSevere(String customer) {
        long at = storyStart();
        complaintResolved(customer, at, null, 4, 24, between(3 * DAY, 5 * DAY), "outage");
        report(customer, at + between(DAY, 3 * DAY), null, "NEGATIVE", 3);
    }

    /** Every day or two, small complaints and mild negative feedback, each complaint resolved in time. */
    private void frequentSmall(String customer) {
        long at = start + exponential(36 * HOUR);
        while (at < end) {
            double roll = random.nextDouble();
            if (roll < 0.4) {
                report(customer, at, null, "NEGATIVE", 1 + random.nextInt(2));
            } else if (roll < 0.7) {
                complaintResolved(customer, at, null, 1 + random.nextInt(2), 72, (4 + random.nextInt(40)) * HOUR, "small-issue");
            } else {
                report(customer, at, null, "IMPROVEMENT", null);
            }
            at += exponential(36 * HOUR);
        }
    }

    private void seasonalReturns(String customer, long season, List<String> products) {
        String[] reasons = {"NO_LONGER_NEEDED", "WRONG_ITEM", "LATE_DELIVERY"};
        int returns = 2 + random.nextInt(3);
        for (int i = 0; i < returns; i++) {
            productReturn(customer, season + between(0, 14 * DAY), products.get(random.nextInt(products.size())),
                    reasons[random.nextInt(reasons.length)], null);
        }
    }

    /**
     * Customers return the product as defective within a week; a quarter are hit again (a must-be defect, a complaint)
     * and cancel three to six days later; the first of those cancels with a safety complaint about the product.
     */
    private void defectWave(String product, List<String> customers) {
        families.put("PRODUCT:" + product, "defect-wave");
        long at = storyStart();
        int twice = Math.max(2, customers.size() / 4);
        for (int i = 0; i < customers.size(); i++) {
            String customer = customers.get(i);
            families.put(key(customer), "defect-wave");
            long first = at + between(0, 6 * DAY);
            productReturn(customer, first, product, "DEFECTIVE", "PERFORMANCE");
            if (i < twice) {
                long again = first + between(DAY, 3 * DAY);
                productReturn(customer, again, product, "DEFECTIVE", "MUST_BE");
                complaintResolved(customer, again + between(HOUR, DAY), product, 3, 48, between(DAY, 4 * DAY), "product-quality");
                long cancels = again + between(3 * DAY, 6 * DAY);
                if (i == 0) {
                    escalate(customer, product, cancels, "product-safety", "the device overheated twice; cancelling");
                } else {
                    escalate(customer, product, cancels, "cancellation", "cancels: the device failed twice");
                }
            }
        }
    }

    /** A severity-5 complaint: the entity's (and with a product, the product's) escalation. */
    private void escalate(String customer, String product, long at, String category, String text) {
        if (at >= end) {
            return;
        }
        complaint(customer, at, product, id("cmp"), "OPENED", 5, at + 4 * HOUR, category).put("description", text);
        escalations.putIfAbsent(key(customer), at);
        if (product != null) {
            escalations.putIfAbsent("PRODUCT:" + product, at);
        }
    }

    private void complaintResolved(String customer, long at, String product, int severity, int slaHours, long resolvedAfter,
                                   String category) {
        if (at + resolvedAfter >= end) {
            return;
        }
        String complaintId = id("cmp");
        long sla = at + slaHours * HOUR;
        complaint(customer, at, product, complaintId, "OPENED", severity, sla, category);
        complaint(customer, at + resolvedAfter, product, complaintId, "RESOLVED", null, sla, category);
    }

    private void report(String customer, long at, String product, String type, Integer severity) {
        ObjectNode body = common(customer, at, product).put("feedbackType", type);
        if (product != null) {
            body.put("kanoCategory", KANO[random.nextInt(KANO.length)]);
        }
        if (severity != null) {
            body.put("severity", severity);
        }
        add(at, "reports", body);
    }

    private void productReturn(String customer, long at, String product, String reason, String kano) {
        ObjectNode body = common(customer, at, product).put("reason", reason).put("quantity", 1).put("orderId", id("ord"));
        body.put("kanoCategory", kano != null ? kano : KANO[random.nextInt(KANO.length)]);
        add(at, "returns", body);
    }

    private ObjectNode complaint(String customer, long at, String product, String complaintId, String status, Integer severity,
                                 long slaDueAt, String category) {
        ObjectNode body = common(customer, at, product).put("complaintId", complaintId).put("status", status)
                .put("slaDueAt", Instant.ofEpochMilli(slaDueAt).toString()).put("category", category);
        if (severity != null) {
            body.put("severity", severity);
        }
        add(at, "complaints", body);
        return body;
    }

    private ObjectNode common(String customer, long at, String product) {
        ObjectNode body = JSON.createObjectNode().put("eventId", id("evt")).put("customerId", customer)
                .put("occurredAt", Instant.ofEpochMilli(at).toString());
        if (product != null) {
            body.put("productId", product);
        }
        return body;
    }

    private void add(long at, String kind, ObjectNode body) {
        if (at >= start && at < end) {
            events.add(new Event(at, kind, body));
        }
    }

    private String id(String prefix) {
        return prefix + "-" + (++sequence);
    }

    private long jitter(long at, double days) {
        return at + (long) ((days + (random.nextDouble() - 0.5) * 0.4) * DAY);
    }

    private long between(long from, long to) {
        return from + (long) (random.nextDouble() * (to - from));
    }

    private long exponential(long mean) {
        return (long) (-Math.log(1 - random.nextDouble()) * mean);
    }

    private static String key(String customer) {
        return "CUSTOMER:" + customer;
    }

    /** Every signal, in time order. */
    public List<Event> events() {
        return Collections.unmodifiableList(events);
    }

    /** Entity key ({@code CUSTOMER:id}, {@code PRODUCT:id}) → family. */
    public Map<String, String> families() {
        return Collections.unmodifiableMap(families);
    }

    /** Entity key → when it escalated. */
    public Map<String, Long> escalations() {
        return Collections.unmodifiableMap(escalations);
    }
}
