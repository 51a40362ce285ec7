package dev.forewarn.alerting.delivery;

import dev.forewarn.events.AlertNotification;
import dev.forewarn.events.NotificationDestination;
import dev.forewarn.service.links.AlertLinks;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;

/**
 * Webhook and Slack deliveries: a JSON POST through a shared Jetty client whose resolver is the
 * SSRF guard, redirects off. Webhooks carry Standard Webhooks headers ({@code webhook-id},
 * {@code webhook-timestamp}, {@code webhook-signature}); Slack incoming webhooks do not verify
 * signatures, so Slack messages are sent unsigned. 2xx is delivered; 408, 429 and 5xx are retried;
 * other statuses, refused and malformed URLs fail for good.
 */
public final class HttpChannel implements Channel {

    private final HttpClient client;
    private final DestinationGuard guard;
    private final Function<AlertNotification, String> body;
    private final Optional<WebhookSecrets> signing;
    private final Duration timeout;
    private final Clock clock;

    private HttpChannel(HttpClient client, DestinationGuard guard, Function<AlertNotification, String> body,
                        Optional<WebhookSecrets> signing, Duration timeout, Clock clock) {
        this.client = client;
        this.guard = guard;
        this.body = body;
        this.signing = signing;
        this.timeout = timeout;
        this.clock = clock;
    }

    /** A started HTTP client that connects only where {@code guard} permits. */
    public static HttpClient client(DestinationGuard guard, Duration timeout) {
        HttpClient client = new HttpClient();
        client.setSocketAddressResolver(new GuardedResolver(guard));
        client.setFollowRedirects(false);
        client.setConnectTimeout(Math.min(timeout.toMillis(), 5_000));
        client.setName("alerting-http");
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP client", e);
        }
        return client;
    }

    public static HttpChannel webhook(HttpClient client, DestinationGuard guard, WebhookSecrets secrets, AlertLinks links, Duration timeout) {
        return new HttpChannel(client, guard, n -> Messages.webhookJson(n, links), Optional.of(secrets), timeout, Clock.systemUTC());
    }

    public static HttpChannel slack(HttpClient client, DestinationGuard guard, AlertLinks links, Duration timeout) {
        return new HttpChannel(client, guard, n -> Messages.slackJson(n, links), Optional.empty(), timeout, Clock.systemUTC());
    }

    @Override
    public CompletableFuture<Attempt> send(AlertNotification notification, NotificationDestination destination) {
        String url = destination.getAddress();
        Optional<String> refused = guard.checkUrl(url);
        if (refused.isPresent()) {
            return CompletableFuture.completedFuture(Attempt.permanent(null, "refused: " + refused.get()));
        }
        String json = body.apply(notification);
        Request request;
        try {
            request = client.POST(url).timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .body(new StringRequestContent("application/json", json));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Attempt.permanent(null, "refused: not a valid URL"));
        }
        signing.ifPresent(secrets -> {
            long timestamp = clock.instant().getEpochSecond();
            String id = notification.getNotificationId();
            request.headers(h -> h.put("webhook-id", id)
                    .put("webhook-timestamp", Long.toString(timestamp))
                    .put("webhook-signature", WebhookSigner.sign(secrets.keyFor(url), id, timestamp, json)));
        });
        request.headers(h -> h.put("User-Agent", "forewarn-alerting"));
        CompletableFuture<Attempt> result = new CompletableFuture<>();
        request.send(new BufferingResponseListener(64 * 1024) {
            @Override
            public void onComplete(org.eclipse.jetty.client.Result outcome) {
                if (outcome.isFailed() && outcome.getResponse().getStatus() <= 0) {
                    result.complete(failure(outcome.getFailure()));
                    return;
                }
                int status = outcome.getResponse().getStatus();
                if (status >= 200 && status < 300) {
                    result.complete(Attempt.delivered(status));
                } else if (status == 408 || status == 429 || status >= 500) {
                    result.complete(Attempt.retry(status, "HTTP " + status,
                            retryAfter(outcome.getResponse().getHeaders().get("Retry-After"), clock.instant()).orElse(null)));
                } else {
                    result.complete(Attempt.permanent(status, "HTTP " + status));
                }
            }
        });
        return result;
    }

    /** A {@code Retry-After} value: delay-seconds or an HTTP-date (RFC 9110 10.2.3); empty when absent or unreadable. */
    static Optional<Duration> retryAfter(String value, java.time.Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim()))));
        } catch (NumberFormatException e) {
            try {
                java.time.Instant at = java.time.ZonedDateTime.parse(value.trim(), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
            } catch (java.time.format.DateTimeParseException unreadable) {
                return Optional.empty();
            }
        }
    }

    private static Attempt failure(Throwable failure) {
        Throwable cause = failure;
        while (cause != null) {
            if (cause instanceof DestinationGuard.RefusedDestinationException) {
                return Attempt.permanent(null, "refused: " + cause.getMessage());
            }
            cause = cause.getCause();
        }
        return Attempt.retry(null, failure.getClass().getSimpleName() + ": " + failure.getMessage());
    }
}
