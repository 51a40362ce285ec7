package dev.forewarn.alerting.metrics;

import dev.forewarn.events.AlertState;
import dev.forewarn.events.DeliveryOutcome;
import dev.forewarn.events.NotificationChannel;
import dev.forewarn.events.NotificationKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The alerting meters, resolved once: {@code forewarn_alerting_notifications_total{channel,outcome}},
 * {@code forewarn_alerting_delivery_seconds{channel}} (one attempt), {@code forewarn_alerting_retries_total{channel}},
 * {@code forewarn_alerting_decisions_total{kind}}, {@code forewarn_alerting_held_total{reason}} (silenced / inhibited),
 * {@code forewarn_alerting_alerts{state}} and {@code forewarn_alerting_end_to_end_delay_seconds{kind}} (signal
 * {@code occurredAt} to delivered notification).
 */
public final class AlertingMetrics {

    private final MeterRegistry registry;
    private final Map<NotificationChannel, Map<DeliveryOutcome, Counter>> outcomes = new EnumMap<>(NotificationChannel.class);
    private final Map<NotificationChannel, Timer> attempts = new EnumMap<>(NotificationChannel.class);
    private final Map<NotificationChannel, Counter> retries = new EnumMap<>(NotificationChannel.class);
    private final Map<NotificationKind, Counter> decisions = new EnumMap<>(NotificationKind.class);
    private final Counter silenced;
    private final Counter inhibited;
    private final Map<NotificationKind, Timer> endToEnd = new EnumMap<>(NotificationKind.class);
    private final Map<NotificationKind, Timer> pipeline = new EnumMap<>(NotificationKind.class);

    public AlertingMetrics(MeterRegistry registry) {
        this.registry = registry;
        outboxUnreadableCounter(); // exported at 0 from the start, for the dashboard
        for (NotificationChannel channel : NotificationChannel.values()) {
            Map<DeliveryOutcome, Counter> byOutcome = new EnumMap<>(DeliveryOutcome.class);
            for (DeliveryOutcome outcome : DeliveryOutcome.values()) {
                byOutcome.put(outcome, Counter.builder("forewarn.alerting.notifications")
                        .description("Notification delivery attempts by channel and outcome")
                        .tag("channel", channel.name()).tag("outcome", outcome.name()).register(registry));
            }
            outcomes.put(channel, byOutcome);
            attempts.put(channel, Timer.builder("forewarn.alerting.delivery")
                    .description("Duration of one delivery attempt")
                    .tag("channel", channel.name()).publishPercentileHistogram().register(registry));
            // Exported at 0 from the start, so a dashboard or alert rule sees the series before the first failure.
            channelErrors(channel);
            undeliverableCounter(channel);
            retries.put(channel, Counter.builder("forewarn.alerting.retries")
                    .description("Delivery attempts that failed and were scheduled again")
                    .tag("channel", channel.name()).register(registry));
        }
        for (NotificationKind kind : NotificationKind.values()) {
            decisions.put(kind, Counter.builder("forewarn.alerting.decisions")
                    .description("Notifications decided by the alert lifecycle, by kind")
                    .tag("kind", kind.name()).register(registry));
        }
        silenced = Counter.builder("forewarn.alerting.held").description("Notifications held back")
                .tag("reason", "silenced").register(registry);
        inhibited = Counter.builder("forewarn.alerting.held").description("Notifications held back")
                .tag("reason", "inhibited").register(registry);
        for (NotificationKind kind : NotificationKind.values()) {
            // By kind: FIRING and ESCALATED measure the pipeline; REPEAT, ESCALATION_CONTACT and RESOLVED are late by design.
            pipeline.put(kind, Timer.builder("forewarn.alerting.pipeline.latency")
                    .description("from ingest-service taking the signal (forewarn-ingested-at) to alerting deciding this notification")
                    .tag("kind", kind.name()).publishPercentileHistogram().register(registry));
            endToEnd.put(kind, Timer.builder("forewarn.alerting.end.to.end.delay")
                    .description("From the occurredAt of the signal behind the alert's last transition to the delivered notification")
                    .tag("kind", kind.name())
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(10))
                    .maximumExpectedValue(Duration.ofHours(1))
                    .register(registry));
        }
    }

    /** Registers {@code forewarn_alerting_alerts{state}} read from {@code countsByState} at scrape time. */
    public void alertsByState(Supplier<Map<AlertState, Long>> countsByState) {
        for (AlertState state : AlertState.values()) {
            Gauge.builder("forewarn.alerting.alerts", () -> countsByState.get().getOrDefault(state, 0L))
                    .description("Alerts by state").tag("state", state.name()).register(registry);
        }
    }

    public void decided(NotificationKind kind) {
        decisions.get(kind).increment();
    }

    public void silenced() {
        silenced.increment();
    }

    public void inhibited() {
        inhibited.increment();
    }

    public void outcome(NotificationChannel channel, DeliveryOutcome outcome) {
        outcomes.get(channel).get(outcome).increment();
    }

    public void attempt(NotificationChannel channel, Duration took) {
        attempts.get(channel).record(took);
    }

    public void retry(NotificationChannel channel) {
        retries.get(channel).increment();
    }

    /** A channel that threw or whose future failed (a bug or an unexpected fault in it; the attempt is retried). */
    public void channelError(NotificationChannel channel) {
        channelErrors(channel).increment();
    }

    private Counter channelErrors(NotificationChannel channel) {
        return Counter.builder("forewarn.alerting.channel.errors").description("Delivery attempts whose channel threw instead of answering")
                .tag("channel", channel.name()).register(registry);
    }

    /** A destination a notification could not be delivered to for good (it went to the default route). */
    public void undeliverable(NotificationChannel channel) {
        undeliverableCounter(channel).increment();
    }

    private Counter undeliverableCounter(NotificationChannel channel) {
        return Counter.builder("forewarn.alerting.undeliverable").description("Notifications that could not be delivered to a destination for good")
                .tag("channel", channel.name()).register(registry);
    }

    /** An outbox record that could not be read for a reason other than a registry outage (skipped, logged). */
    public void outboxUnreadable() {
        outboxUnreadableCounter().increment();
    }

    private Counter outboxUnreadableCounter() {
        return Counter.builder("forewarn.alerting.outbox.unreadable").description("Outbox records skipped because they cannot be read")
                .register(registry);
    }

    /** A background thread that failed unexpectedly (the service then exits to be restarted). */
    public void threadFailed(String where) {
        dev.forewarn.service.Metrics.threadFailed(registry, where.startsWith("delivery of") ? "alerting-dispatcher" : where);
    }

    /** A notification decided this long after ingest took the signal that caused it. */
    public void pipelineLatency(NotificationKind kind, Duration latency) {
        pipeline.get(kind).record(latency);
    }

    public void endToEnd(NotificationKind kind, Duration delay) {
        if (!delay.isNegative()) {
            endToEnd.get(kind).record(delay);
        }
    }
}
