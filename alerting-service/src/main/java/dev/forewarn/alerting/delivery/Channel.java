package dev.forewarn.alerting.delivery;

import dev.forewarn.events.AlertNotification;
import dev.forewarn.events.NotificationDestination;
import java.util.concurrent.CompletableFuture;

/**
 * One way of delivering a notification; an attempt should not throw but report its result (the
 * dispatcher treats a throw or a failed future as a {@link Attempt.Result#RETRY}).
 */
public interface Channel extends AutoCloseable {

    CompletableFuture<Attempt> send(AlertNotification notification, NotificationDestination destination);

    @Override
    default void close() {
    }

    /**
     * The result of one attempt: delivered, worth retrying, or failed for good. {@code retryAfter}
     * is the receiver's {@code Retry-After}, when it said one.
     */
    record Attempt(Result result, Integer httpStatus, String error, java.time.Duration retryAfter) {

        public enum Result { DELIVERED, RETRY, PERMANENT }

        public static Attempt delivered(Integer status) {
            return new Attempt(Result.DELIVERED, status, null, null);
        }

        public static Attempt retry(Integer status, String error) {
            return new Attempt(Result.RETRY, status, error, null);
        }

        public static Attempt retry(Integer status, String error, java.time.Duration retryAfter) {
            return new Attempt(Result.RETRY, status, error, retryAfter);
        }

        public static Attempt permanent(Integer status, String error) {
            return new Attempt(Result.PERMANENT, status, error, null);
        }
    }
}
