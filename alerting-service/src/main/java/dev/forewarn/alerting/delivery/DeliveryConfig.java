package dev.forewarn.alerting.delivery;

import java.time.Duration;

/**
 * The dispatcher's settings: retries, rate limit, SMTP and HTTP (read by {@code AlertingConfig.fromEnv}).
 *
 * @param maxAttempts   {@code ALERTING_MAX_ATTEMPTS}, default 6
 * @param backoff       {@code ALERTING_RETRY_BACKOFF}, default 1s (doubles per attempt, full jitter)
 * @param maxBackoff    {@code ALERTING_RETRY_MAX_BACKOFF}, default 5m
 * @param ratePerSecond {@code ALERTING_RATE_PER_DESTINATION}, default 10 notifications/s per destination host
 * @param httpTimeout   {@code ALERTING_HTTP_TIMEOUT}, default 10s per webhook request
 * @param smtpHost      {@code ALERTING_SMTP_HOST} (e-mail is off without it), {@code ALERTING_SMTP_PORT} (25),
 *                      {@code ALERTING_SMTP_FROM}, {@code ALERTING_SMTP_USER}, {@code ALERTING_SMTP_PASSWORD},
 *                      {@code ALERTING_SMTP_STARTTLS} (false)
 * @param maxInFlight   {@code ALERTING_MAX_IN_FLIGHT}, default 1000 notifications being delivered before the dispatcher pauses
 * @param retryHorizon  {@code ALERTING_RETRY_HORIZON}, default 24h: how long a notification is retried (from its first
 *                      attempt) before its destination counts as undeliverable; after {@code maxAttempts} quick attempts
 *                      it waits in {@code alerts.retry}, backing off up to {@code maxBackoff}
 */
public record DeliveryConfig(int maxAttempts, Duration backoff, Duration maxBackoff, int ratePerSecond, Duration httpTimeout,
                             String smtpHost, int smtpPort, String smtpFrom, String smtpUser, String smtpPassword,
                             boolean smtpStartTls, int maxInFlight, Duration retryHorizon) {

    public static DeliveryConfig defaults() {
        return new DeliveryConfig(6, Duration.ofSeconds(1), Duration.ofMinutes(5), 10, Duration.ofSeconds(10),
                "", 25, "forewarn@localhost", "", "", false, 1000, Duration.ofHours(24));
    }

    public DeliveryConfig withRetries(int attempts, Duration first, Duration max) {
        return new DeliveryConfig(attempts, first, max, ratePerSecond, httpTimeout, smtpHost, smtpPort, smtpFrom, smtpUser,
                smtpPassword, smtpStartTls, maxInFlight, retryHorizon);
    }

    public DeliveryConfig withRetryHorizon(Duration horizon) {
        return new DeliveryConfig(maxAttempts, backoff, maxBackoff, ratePerSecond, httpTimeout, smtpHost, smtpPort, smtpFrom, smtpUser,
                smtpPassword, smtpStartTls, maxInFlight, horizon);
    }

    public DeliveryConfig withRatePerDestination(int perSecond) {
        return new DeliveryConfig(maxAttempts, backoff, maxBackoff, perSecond, httpTimeout, smtpHost, smtpPort, smtpFrom, smtpUser,
                smtpPassword, smtpStartTls, maxInFlight, retryHorizon);
    }

    public DeliveryConfig withSmtp(String host, int port) {
        return new DeliveryConfig(maxAttempts, backoff, maxBackoff, ratePerSecond, httpTimeout, host, port, smtpFrom, smtpUser,
                smtpPassword, smtpStartTls, maxInFlight, retryHorizon);
    }

    @Override
    public String toString() {
        return "DeliveryConfig[maxAttempts=" + maxAttempts + ", backoff=" + backoff + ", smtpHost=" + smtpHost + "]";
    }
}
