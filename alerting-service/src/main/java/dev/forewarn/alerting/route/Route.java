package dev.forewarn.alerting.route;

import dev.forewarn.events.NotificationChannel;
import dev.forewarn.events.NotificationDestination;
import dev.forewarn.events.NotificationKind;
import dev.forewarn.events.OwnerAssignment;
import java.util.ArrayList;
import java.util.List;

/**
 * Who is told about a notification and where: the owner's channels from {@code customer.owners}
 * (the escalation contact's for {@link NotificationKind#ESCALATION_CONTACT}), else the default route.
 */
public record Route(String ownerId, String ownerName, List<NotificationDestination> destinations) {

    public static Route of(OwnerAssignment owner, NotificationKind kind, DefaultRoute fallback) {
        if (owner != null) {
            List<NotificationDestination> destinations = new ArrayList<>();
            if (kind == NotificationKind.ESCALATION_CONTACT) {
                add(destinations, NotificationChannel.WEBHOOK, owner.getEscalationWebhookUrl());
                add(destinations, NotificationChannel.EMAIL, owner.getEscalationEmail());
                if (!destinations.isEmpty()) {
                    String contact = owner.getEscalationContact() == null ? owner.getOwnerId() + "/escalation" : owner.getEscalationContact();
                    return new Route(contact, contact, List.copyOf(destinations));
                }
            } else {
                add(destinations, NotificationChannel.WEBHOOK, owner.getWebhookUrl());
                add(destinations, NotificationChannel.SLACK, owner.getSlackWebhookUrl());
                add(destinations, NotificationChannel.EMAIL, owner.getEmail());
                if (!destinations.isEmpty()) {
                    return new Route(owner.getOwnerId(), owner.getOwnerName(), List.copyOf(destinations));
                }
            }
        }
        List<NotificationDestination> destinations = new ArrayList<>();
        add(destinations, NotificationChannel.WEBHOOK, fallback.webhookUrl());
        add(destinations, NotificationChannel.SLACK, fallback.slackWebhookUrl());
        add(destinations, NotificationChannel.EMAIL, fallback.email());
        return new Route(fallback.ownerId(), null, List.copyOf(destinations));
    }

    private static void add(List<NotificationDestination> destinations, NotificationChannel channel, String address) {
        if (address != null && !address.isBlank()) {
            destinations.add(new NotificationDestination(channel, address.trim()));
        }
    }
}
