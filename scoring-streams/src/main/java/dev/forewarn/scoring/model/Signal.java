package dev.forewarn.scoring.model;

import dev.forewarn.events.ComplaintStatus;
import dev.forewarn.events.FeedbackType;
import dev.forewarn.events.KanoCategory;
import dev.forewarn.events.ReturnReason;
import dev.forewarn.events.SignalKind;

/**
 * One customer signal as the model sees it: what it is and when it happened. Fields that do not
 * apply to the kind are null (or 0).
 *
 * @param occurredAt event time, epoch milliseconds
 * @param slaDueAt   complaints only: when the SLA runs out, epoch milliseconds, or null
 * @param source     the producing system (with the event id, what identifies the event); null where it does not matter
 */
public record Signal(String eventId, String customerId, String productId, SignalKind kind, long occurredAt,
                     KanoCategory kano, FeedbackType feedbackType, int severity, ReturnReason returnReason,
                     String complaintId, ComplaintStatus complaintStatus, Long slaDueAt, String source) {

    /** This signal from {@code source}. */
    public Signal withSource(String source) {
        return new Signal(eventId, customerId, productId, kind, occurredAt, kano, feedbackType, severity, returnReason,
                complaintId, complaintStatus, slaDueAt, source);
    }

    /**
     * What identifies the event for deduplication: its source system and its id there. Two systems
     * may reuse an id; one system's id is unique within it.
     */
    public String identity() {
        return (source == null ? "" : source) + '\u001f' + eventId;
    }

    public static Signal report(String eventId, String customerId, String productId, long occurredAt, KanoCategory kano,
                                FeedbackType type, int severity) {
        return new Signal(eventId, customerId, productId, SignalKind.REPORT, occurredAt, kano, type, severity, null, null, null, null, null);
    }

    public static Signal complaint(String eventId, String customerId, String productId, long occurredAt, KanoCategory kano,
                                   String complaintId, ComplaintStatus status, int severity, Long slaDueAt) {
        return new Signal(eventId, customerId, productId, SignalKind.COMPLAINT, occurredAt, kano, null, severity, null,
                complaintId, status, slaDueAt, null);
    }

    public static Signal productReturn(String eventId, String customerId, String productId, long occurredAt,
                                       KanoCategory kano, ReturnReason reason) {
        return new Signal(eventId, customerId, productId, SignalKind.RETURN, occurredAt, kano, null, 0, reason, null, null, null, null);
    }
}
