package dev.forewarn.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A simulated customer population and its signals over a span of history, fully determined by the
 * settings and the seed (only event ids carry the run id, so a second run is not deduplicated
 * away). Background: every customer sends a signal every {@code meanInterval} on average —
 * mostly confirmations and improvement ideas, some mild negative feedback, returns for harmless
 * reasons, and low-severity complaints resolved within their SLA — which keeps calm entities calm.
 * Stories: a share of customers deteriorates (negative feedback, a complaint left past its SLA)
 * and finally escalates with a severity-5 cancellation complaint; a share of products has a defect
 * wave (defective returns from more and more customers) that ends in a severity-5 complaint, and in
 * each wave two customers are hit twice and one of them cancels. In every other wave those two
 * customers are key accounts of the product's own quality owner (their alerts are grouped under the
 * product's), in the others they keep their account manager (who must hear of them directly). The
 * pipeline should tell each escalating entity's own owner before its escalation.
 */
public final class Scenario {

    /**
     * @param customers         population size
     * @param products          product catalogue size
     * @param span              how much history the run covers (ends now)
     * @param meanInterval      mean time between a calm customer's signals
     * @param deterioratingShare share of customers that deteriorate and escalate (at least one)
     * @param waveShare         share of products with a defect wave (at least one)
     * @param seed              the random seed
     */
    public record Settings(int customers, int products, Duration span, Duration meanInterval, double deterioratingShare,
                           double waveShare, long seed) {

        public Settings {
            if (customers < 50 || products < 2) {
                throw new IllegalArgumentException("at least 50 customers (a defect wave involves 14) and 2 products");
            }
            if (span.compareTo(Duration.ofDays(400)) > 0) {
                throw new IllegalArgumentException("the span must be at most 400 days: ingest rejects older signals");
            }
            if (span.compareTo(Duration.ofDays(16)) < 0) {
                throw new IllegalArgumentException("the span must be at least 16 days: a story takes about a week");
            }
        }

        public static Settings of(int customers, Duration span, long seed) {
            return new Settings(customers, Math.max(2, customers / 4), span, Duration.ofDays(7), 0.01, 0.05, seed);
        }
    }

    /** One signal to post to {@code /v1/<kind>}. */
    public record Event(Instant at, String kind, ObjectNode body) {

        public String eventId() {
            return body.path("eventId").asText();
        }
    }

    /** An entity's escalation: the event that a good alert comes before. */
    public record Escalation(String entity, Instant at, String eventId, String story) {
    }

    /** Background Kano mix; MUST_BE (double weight) is left to the stories. */
    private static final String[] KANO = {"PERFORMANCE", "PERFORMANCE", "PERFORMANCE", "ATTRACTIVE", "INDIFFERENT"};
    private static final String[] CHANNELS = {"shop", "call-center", "survey", "app", "email"};

    private final Random random;
    private final String runId;
    private final List<Event> events = new ArrayList<>();
    private final List<Escalation> escalations = new ArrayList<>();
    private final Set<String> involved = new LinkedHashSet<>();
    private final Map<String, String> owners = new LinkedHashMap<>();
    private int sequence;
    private Instant start;
    private Instant end;

    private Scenario(long seed, String runId) {
        this.random = new Random(seed);
        this.runId = runId;
    }

    /** The population and its signals for the span ending at {@code end}. */
    public static Scenario generate(Settings s, Instant end, String runId) {
        Scenario scenario = new Scenario(s.seed(), runId);
        scenario.build(s, end.truncatedTo(ChronoUnit.MILLIS));
        return scenario;
    }

    private void build(Settings s, Instant end) {
        this.end = end;
        this.start = end.minus(s.span());
        List<String> customers = new ArrayList<>();
        List<String> products = new ArrayList<>();
        int managers = Math.max(2, s.customers() / 25);
        int qualityOwners = Math.max(2, s.products() / 10);
        for (int i = 0; i < s.customers(); i++) {
            customers.add("c-%05d".formatted(i));
            owners.put("CUSTOMER:" + customers.get(i), "am-%02d".formatted(i % managers));
        }
        for (int i = 0; i < s.products(); i++) {
            products.add("p-%04d".formatted(i));
            owners.put("PRODUCT:" + products.get(i), "qo-%02d".formatted(i % qualityOwners));
        }
        List<String> shuffled = new ArrayList<>(customers);
        Collections.shuffle(shuffled, random);
        int deteriorating = Math.max(1, (int) Math.round(s.customers() * s.deterioratingShare()));
        List<String> calmCustomers = new ArrayList<>(shuffled.subList(deteriorating, shuffled.size()));
        for (String customer : shuffled.subList(0, deteriorating)) {
            deteriorate(customer, storyStart(start, s.span()));
        }
        List<String> shuffledProducts = new ArrayList<>(products);
        Collections.shuffle(shuffledProducts, random);
        int waves = Math.max(2, (int) Math.round(s.products() * s.waveShare()));
        for (int w = 0; w < waves; w++) {
            defectWave(shuffledProducts.get(w), storyStart(start, s.span()), calmCustomers, w % 2 == 1);
        }
        List<String> calmProducts = shuffledProducts.subList(waves, shuffledProducts.size());
        for (String customer : customers) {
            background(customer, start, end, s.meanInterval(), calmProducts);
        }
        events.sort(Comparator.comparing(Event::at));
    }

    private Instant storyStart(Instant start, Duration span) {
        return start.plusMillis((long) (span.toMillis() * (0.35 + 0.25 * random.nextDouble())));
    }

    /** Mostly good or harmless signals at random times. */
    private void background(String customer, Instant start, Instant end, Duration meanInterval, List<String> products) {
        Instant at = start.plusMillis(exponential(meanInterval));
        while (at.isBefore(end)) {
            String product = products.get(random.nextInt(products.size()));
            double roll = random.nextDouble();
            if (roll < 0.45) {
                report(customer, at, random.nextDouble() < 0.5 ? product : null, "CONFIRMATION", null, "all good");
            } else if (roll < 0.70) {
                report(customer, at, random.nextDouble() < 0.5 ? product : null, "IMPROVEMENT", null, "would be nice to have");
            } else if (roll < 0.82) {
                report(customer, at, random.nextDouble() < 0.5 ? product : null, "NEGATIVE", 1 + random.nextInt(2), "a bit disappointed");
            } else if (roll < 0.92) {
                String[] reasons = {"NO_LONGER_NEEDED", "NO_LONGER_NEEDED", "LATE_DELIVERY", "WRONG_ITEM", "OTHER"};
                productReturn(customer, at, product, reasons[random.nextInt(reasons.length)], null);
            } else {
                Instant resolved = at.plus(Duration.ofHours(6 + random.nextInt(42)));
                if (resolved.isBefore(end)) {
                    String complaint = id("cmp");
                    Instant sla = at.plus(Duration.ofHours(72));
                    String about = random.nextDouble() < 0.3 ? product : null; // later events of a complaint repeat its product
                    complaint(customer, at, about, complaint, "OPENED", 1 + random.nextInt(2), sla, "delivery", null);
                    complaint(customer, resolved, about, complaint, "RESOLVED", null, sla, "delivery", null);
                }
            }
            at = at.plusMillis(exponential(meanInterval));
        }
    }

    /**
     * Rising negative feedback, a complaint left open past its 24 h SLA, then, about six days after
     * the first sign, a severity-5 cancellation complaint.
     */
    private void deteriorate(String customer, Instant start) {
        String entity = "CUSTOMER:" + customer;
        involved.add(entity);
        report(customer, jitter(start, 0), null, "NEGATIVE", 3, "support did not call back");
        report(customer, jitter(start, 1.5), null, "NEGATIVE", 3, "invoice wrong again");
        report(customer, jitter(start, 2.5), null, "NEGATIVE", 4, "nobody answers");
        Instant opened = jitter(start, 3);
        complaint(customer, opened, null, id("cmp"), "OPENED", 4, opened.plus(Duration.ofHours(24)), "billing",
                "charged twice, third time this quarter");
        report(customer, jitter(start, 4.5), null, "NEGATIVE", 4, "considering other suppliers");
        Instant escalation = start.plus(Duration.ofDays(6));
        String eventId = complaint(customer, escalation, null, id("cmp"), "OPENED", 5, escalation.plus(Duration.ofHours(4)),
                "cancellation", "customer announces cancellation of the contract");
        escalations.add(new Escalation(entity, escalation, eventId, "deteriorating customer cancels"));
    }

    /**
     * Defective returns from one, two, three … customers a day, then a severity-5 complaint about the
     * product. Two of the second day's customers return it again the next day (MUST_BE: they depend
     * on it), which puts them at WARNING mostly because of the product; one of them cancels on the
     * sixth day, after the product's own escalation. With {@code keyAccounts} the product's quality owner owns
     * those two customers.
     */
    private void defectWave(String product, Instant start, List<String> calmCustomers, boolean keyAccounts) {
        String entity = "PRODUCT:" + product;
        involved.add(entity);
        int[] perDay = {1, 2, 3, 3, 4};
        List<String> hardHit = new ArrayList<>();
        for (int day = 0; day < perDay.length; day++) {
            for (int i = 0; i < perDay[day]; i++) {
                String customer = calmCustomers.remove(random.nextInt(calmCustomers.size()));
                involved.add("CUSTOMER:" + customer);
                productReturn(customer, start.plus(Duration.ofDays(day)).plusMillis((long) (random.nextDouble() * 20 * 3_600_000L)),
                        product, "DEFECTIVE", "PERFORMANCE");
                if (day == 1) {
                    hardHit.add(customer);
                }
            }
        }
        for (String customer : hardHit) {
            productReturn(customer, start.plus(Duration.ofDays(2)).plusMillis((long) (random.nextDouble() * 20 * 3_600_000L)),
                    product, "DEFECTIVE", "MUST_BE");
            if (keyAccounts) {
                owners.put("CUSTOMER:" + customer, owners.get(entity));
            }
        }
        Instant cancels = start.plus(Duration.ofDays(6));
        String cancellation = complaint(hardHit.get(0), cancels, product, id("cmp"), "OPENED", 5, cancels.plus(Duration.ofHours(4)),
                "cancellation", "cancels: the device failed twice");
        escalations.add(new Escalation("CUSTOMER:" + hardHit.get(0), cancels, cancellation, keyAccounts
                ? "key account of the product's owner cancels" : "customer of a defect wave cancels"));
        String customer = calmCustomers.remove(random.nextInt(calmCustomers.size()));
        involved.add("CUSTOMER:" + customer);
        Instant escalation = start.plus(Duration.ofDays(5)).plus(Duration.ofHours(12));
        String eventId = complaint(customer, escalation, product, id("cmp"), "OPENED", 5, escalation.plus(Duration.ofHours(4)),
                "product-safety", "device overheats, demands a recall");
        escalations.add(new Escalation(entity, escalation, eventId, "defect wave ends in a safety complaint"));
    }

    private Instant jitter(Instant start, double days) {
        return start.plusMillis((long) ((days + (random.nextDouble() - 0.5) * 0.4) * 86_400_000L));
    }

    private String report(String customer, Instant at, String product, String type, Integer severity, String text) {
        ObjectNode body = common(customer, at, product);
        body.put("feedbackType", type).put("text", text);
        if (product != null) {
            body.put("kanoCategory", KANO[random.nextInt(KANO.length)]);
        }
        if (severity != null) {
            body.put("severity", severity);
        }
        return add(at, "reports", body);
    }

    private String productReturn(String customer, Instant at, String product, String reason, String kano) {
        ObjectNode body = common(customer, at, product);
        body.put("reason", reason).put("quantity", 1).put("orderId", id("ord"));
        body.put("kanoCategory", kano != null ? kano : KANO[random.nextInt(KANO.length)]);
        return add(at, "returns", body);
    }

    private String complaint(String customer, Instant at, String product, String complaintId, String status, Integer severity,
                             Instant slaDueAt, String category, String description) {
        ObjectNode body = common(customer, at, product);
        body.put("complaintId", complaintId).put("status", status).put("slaDueAt", slaDueAt.toString()).put("category", category);
        if (severity != null) {
            body.put("severity", severity);
        }
        if (description != null) {
            body.put("description", description);
        }
        return add(at, "complaints", body);
    }

    private ObjectNode common(String customer, Instant at, String product) {
        ObjectNode body = IngestClient.JSON.createObjectNode();
        body.put("eventId", id("evt")).put("customerId", customer).put("occurredAt", at.toString())
                .put("channel", CHANNELS[random.nextInt(CHANNELS.length)]);
        if (product != null) {
            body.put("productId", product);
        }
        return body;
    }

    private String add(Instant at, String kind, ObjectNode body) {
        events.add(new Event(at, kind, body));
        return body.path("eventId").asText();
    }

    private String id(String prefix) {
        return prefix + "-" + runId + "-" + (++sequence);
    }

    private long exponential(Duration mean) {
        return (long) (-Math.log(1 - random.nextDouble()) * mean.toMillis());
    }

    /** The start of the simulated history. */
    public Instant start() {
        return start;
    }

    /** The end of the simulated history (when the scenario was generated). */
    public Instant end() {
        return end;
    }

    /** Every signal, in time order. */
    public List<Event> events() {
        return Collections.unmodifiableList(events);
    }

    public List<Escalation> escalations() {
        return List.copyOf(escalations);
    }

    /** Entities a story touches (deteriorating customers, wave products and the customers returning them). */
    public Set<String> involved() {
        return Collections.unmodifiableSet(involved);
    }

    /** Owner id by entity key ({@code CUSTOMER:<id>}, {@code PRODUCT:<id>}). */
    public Map<String, String> owners() {
        return Collections.unmodifiableMap(owners);
    }
}
