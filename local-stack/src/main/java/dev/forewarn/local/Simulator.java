package dev.forewarn.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Plays a {@link Scenario} through ingest-service's HTTP API: first the owners (webhooks pointing
 * at {@code webhookBase/hooks/<ownerId>}), then the signals in time order, the span of history
 * compressed into {@code duration} of wall time, in batches every 100 ms. Prints progress, and at
 * the end a {@link Report}: events sent, alerts received and, for each escalation, how long
 * before it (in history) its own owner first received a notification naming it.
 */
public final class Simulator {

    private static final Duration TICK = Duration.ofMillis(100);
    private static final int MAX_BATCH = 500;

    private final IngestClient ingest;
    private final Optional<AlertReceiver> receiver;
    private final String webhookBase;
    private final PrintStream out;

    /**
     * What happened to one escalation: when it was accepted, and the first notification naming its
     * entity (its own alert, or a product alert's listing it as grouped) that reached the entity's
     * own owner, if any came; {@code heardAhead} is how much history before the escalation that was.
     */
    public record Outcome(Scenario.Escalation escalation, Instant postedAt, Optional<AlertReceiver.Received> firstAlert,
                          Optional<Duration> heardAhead) {

        /** The alert reached the owner before the escalation event was even sent. */
        public boolean alertedBefore() {
            return firstAlert.isPresent() && firstAlert.get().receivedAt().isBefore(postedAt);
        }
    }

    /** The run's summary. */
    public record Report(long eventsSent, long rejected, List<AlertReceiver.Received> alerts, List<Outcome> outcomes,
                         List<String> calmAlerted, Map<String, String> wrongOwner) {
    }

    public Simulator(IngestClient ingest, Optional<AlertReceiver> receiver, String webhookBase, PrintStream out) {
        this.ingest = ingest;
        this.receiver = receiver;
        this.webhookBase = webhookBase;
        this.out = out;
    }

    /** Publishes the owners, plays the signals over {@code duration}, waits {@code settle} for the last alerts, reports. */
    public Report run(Scenario scenario, Duration duration, Duration settle) throws InterruptedException {
        Instant replayStart = Instant.now();
        publishOwners(scenario);
        List<Scenario.Event> events = scenario.events();
        Duration span = Duration.between(scenario.start(), scenario.end());
        double compression = (double) span.toMillis() / Math.max(1, duration.toMillis());
        out.printf("simulator: %,d signals over %d days of history, replayed in %s (1 s = %.1f h of history)%n",
                events.size(), span.toDays(), duration, compression / 3600);

        Set<String> escalationIds = scenario.escalations().stream().map(Scenario.Escalation::eventId).collect(Collectors.toSet());
        Map<String, Instant> postedAt = new HashMap<>();
        AtomicLong sent = new AtomicLong();
        AtomicLong rejected = new AtomicLong();
        long wallStart = System.nanoTime();
        long lastProgress = 0;
        int next = 0;
        Instant simBase = scenario.start();
        while (next < events.size()) {
            long elapsedMs = (System.nanoTime() - wallStart) / 1_000_000;
            Instant simNow = simBase.plusMillis((long) (elapsedMs * compression));
            Map<String, List<Scenario.Event>> due = new LinkedHashMap<>();
            while (next < events.size() && !events.get(next).at().isAfter(simNow)) {
                Scenario.Event e = events.get(next++);
                due.computeIfAbsent(e.kind(), k -> new ArrayList<>()).add(e);
            }
            List<CompletableFuture<Void>> batches = new ArrayList<>();
            due.forEach((kind, list) -> {
                for (int from = 0; from < list.size(); from += MAX_BATCH) {
                    List<Scenario.Event> batch = list.subList(from, Math.min(list.size(), from + MAX_BATCH));
                    batches.add(ingest.post(kind, batch.stream().map(Scenario.Event::body).toList()).thenAccept(result -> {
                        sent.addAndGet(result.accepted());
                        rejected.addAndGet(result.rejected().size());
                        result.rejected().stream().limit(3).forEach(r -> out.println("  rejected: " + r));
                        Instant now = Instant.now();
                        batch.stream().filter(e -> escalationIds.contains(e.eventId())).forEach(e -> {
                            synchronized (postedAt) {
                                postedAt.put(e.eventId(), now);
                            }
                        });
                    }));
                }
            });
            CompletableFuture.allOf(batches.toArray(CompletableFuture[]::new)).join();
            if (elapsedMs - lastProgress >= 5_000) {
                lastProgress = elapsedMs;
                out.printf("  [%3.0f%%] history at %s · %,d signals sent · %d alerts received%n", 100.0 * next / events.size(),
                        simNow.toString().substring(0, 16).replace('T', ' '), sent.get(),
                        receiver.map(r -> r.received().size()).orElse(0));
            }
            Thread.sleep(TICK.toMillis());
        }
        out.printf("simulator: all %,d signals sent (%d rejected); waiting %s for the last alerts%n", sent.get(), rejected.get(), settle);
        Thread.sleep(settle.toMillis());
        return report(scenario, sent.get(), rejected.get(), postedAt, replayStart, compression);
    }

    private void publishOwners(Scenario scenario) {
        Semaphore inFlight = new Semaphore(16);
        List<CompletableFuture<Void>> puts = new ArrayList<>();
        scenario.owners().forEach((entity, ownerId) -> {
            String[] parts = entity.split(":", 2);
            ObjectNode owner = IngestClient.JSON.createObjectNode()
                    .put("ownerId", ownerId)
                    .put("ownerName", (parts[0].equals("CUSTOMER") ? "Account manager " : "Quality owner ") + ownerId)
                    .put("webhookUrl", webhookBase + "/hooks/" + ownerId)
                    .put("email", ownerId + "@forewarn.local")
                    .put("escalationContact", "head-of-" + (parts[0].equals("CUSTOMER") ? "sales" : "quality"))
                    .put("escalationWebhookUrl", webhookBase + "/hooks/head-of-" + (parts[0].equals("CUSTOMER") ? "sales" : "quality"));
            inFlight.acquireUninterruptibly();
            puts.add(ingest.putOwner(parts[0], parts[1], owner).whenComplete((ok, error) -> inFlight.release()));
        });
        CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).join();
        out.printf("simulator: %,d owners published (webhooks at %s/hooks/<owner>)%n", scenario.owners().size(), webhookBase);
    }

    private Report report(Scenario scenario, long sent, long rejected, Map<String, Instant> postedAt, Instant replayStart,
                          double compression) {
        List<AlertReceiver.Received> alerts = receiver.map(AlertReceiver::received).orElse(List.of());
        Map<String, AlertReceiver.Received> first = new LinkedHashMap<>();
        Map<String, String> wrongOwner = new LinkedHashMap<>();
        for (AlertReceiver.Received alert : alerts) {
            first.putIfAbsent(alert.entityKey(), alert);
            String owner = scenario.owners().get(alert.entityKey());
            if (owner != null && !alert.owner().equals(owner) && !alert.owner().startsWith("head-of-")) {
                wrongOwner.put(alert.entityKey(), alert.owner());
            }
        }
        List<Outcome> outcomes = scenario.escalations().stream().map(e -> {
            String owner = scenario.owners().get(e.entity());
            Optional<AlertReceiver.Received> heard = alerts.stream()
                    .filter(a -> a.names(e.entity()) && a.owner().equals(owner)).findFirst();
            // The replay maps wall time to history linearly from its start: where in history the owner heard of it.
            Optional<Duration> ahead = heard.map(a -> Duration.between(scenario.start().plusMillis(
                    (long) (Duration.between(replayStart, a.receivedAt()).toMillis() * compression)), e.at()));
            return new Outcome(e, postedAt.getOrDefault(e.eventId(), Instant.MAX), heard, ahead);
        }).toList();
        List<String> calm = first.keySet().stream().filter(entity -> !scenario.involved().contains(entity)).toList();
        return new Report(sent, rejected, alerts, outcomes, calm, wrongOwner);
    }

    /** Prints the report for people. */
    public static void print(Report report, boolean receiving, PrintStream out) {
        out.println();
        out.println("=== simulation summary ===");
        out.printf("signals sent: %,d (rejected: %d)%n", report.eventsSent(), report.rejected());
        if (!receiving) {
            out.println("alerts: not observed (no webhook receiver; see the alerting service's GET /v1/alerts)");
            return;
        }
        Map<String, Long> byKind = new java.util.TreeMap<>();
        report.alerts().forEach(a -> byKind.merge(a.kind(), 1L, Long::sum));
        out.printf("alerts received: %d %s%n", report.alerts().size(), byKind);
        for (Outcome o : report.outcomes()) {
            String verdict;
            if (o.firstAlert().isEmpty()) {
                verdict = "NO ALERT";
            } else if (!o.alertedBefore()) {
                verdict = "alerted only after the escalation was sent";
            } else {
                AlertReceiver.Received heard = o.firstAlert().get();
                verdict = "%s heard %.1f h of history before the escalation (%s)".formatted(heard.owner(),
                        o.heardAhead().orElseThrow().toMinutes() / 60.0,
                        heard.entityKey().equals(o.escalation().entity()) ? heard.kind() + " " + heard.level()
                                : "grouped under " + heard.entityKey());
            }
            out.printf("  %-16s %-44s %s%n", o.escalation().entity(), o.escalation().story(), verdict);
        }
        long inTime = report.outcomes().stream().filter(o -> o.alertedBefore()
                && o.heardAhead().filter(d -> d.compareTo(Duration.ofHours(48)) >= 0).isPresent()).count();
        out.printf("escalations whose own owner heard of them at least 48 h of history ahead: %d of %d%n", inTime,
                report.outcomes().size());
        out.printf("calm entities alerted: %d%s%n", report.calmAlerted().size(),
                report.calmAlerted().isEmpty() ? "" : " " + report.calmAlerted().stream().limit(10).toList());
        if (!report.wrongOwner().isEmpty()) {
            out.println("alerts to the wrong owner: " + report.wrongOwner());
        }
    }
}
