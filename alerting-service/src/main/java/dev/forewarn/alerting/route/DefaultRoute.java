package dev.forewarn.alerting.route;

/**
 * Where alerts of entities without an owner go (the quality team), and where escalations go when
 * the owner names no escalation contact. Blank addresses are unused.
 */
public record DefaultRoute(String ownerId, String webhookUrl, String slackWebhookUrl, String email) {

    public static DefaultRoute webhook(String ownerId, String url) {
        return new DefaultRoute(ownerId, url, "", "");
    }
}
