package dev.forewarn.alerting.delivery;

import dev.forewarn.events.AlertNotification;
import dev.forewarn.events.NotificationDestination;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import dev.forewarn.service.links.AlertLinks;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * E-mail over SMTP (Jakarta Mail, Angus implementation): multipart/alternative with plain text and
 * HTML, {@code Message-ID} derived from the notification id so mail clients fold a re-delivery into
 * the same message. Sending blocks, so it runs on two threads of its own.
 */
public final class EmailChannel implements Channel {

    private final Session session;
    private final DeliveryConfig config;
    private final AlertLinks links;
    private final ExecutorService senders = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "alerting-smtp");
        t.setDaemon(true);
        return t;
    });

    public EmailChannel(DeliveryConfig config, AlertLinks links) {
        Properties props = new Properties();
        props.put("mail.smtp.host", config.smtpHost());
        props.put("mail.smtp.port", Integer.toString(config.smtpPort()));
        props.put("mail.smtp.connectiontimeout", Long.toString(config.httpTimeout().toMillis()));
        props.put("mail.smtp.timeout", Long.toString(config.httpTimeout().toMillis()));
        props.put("mail.smtp.writetimeout", Long.toString(config.httpTimeout().toMillis()));
        props.put("mail.smtp.starttls.enable", Boolean.toString(config.smtpStartTls()));
        props.put("mail.smtp.starttls.required", Boolean.toString(config.smtpStartTls()));
        props.put("mail.smtp.auth", Boolean.toString(!config.smtpUser().isEmpty()));
        this.session = Session.getInstance(props);
        this.config = config;
        this.links = links;
    }

    @Override
    public CompletableFuture<Attempt> send(AlertNotification notification, NotificationDestination destination) {
        return CompletableFuture.supplyAsync(() -> sendNow(notification, destination), senders);
    }

    private Attempt sendNow(AlertNotification n, NotificationDestination destination) {
        try {
            InternetAddress to;
            try {
                to = new InternetAddress(destination.getAddress(), true);
            } catch (AddressException e) {
                return Attempt.permanent(null, "invalid e-mail address: " + e.getMessage());
            }
            String messageId = "<" + n.getNotificationId() + "@forewarn>";
            MimeMessage message = new MimeMessage(session) {
                @Override
                protected void updateMessageID() throws MessagingException {
                    setHeader("Message-ID", messageId);
                }
            };
            message.setFrom(new InternetAddress(config.smtpFrom()));
            message.setRecipient(Message.RecipientType.TO, to);
            message.setSubject(Messages.subject(n), "UTF-8");
            message.setHeader("X-Forewarn-Notification-Id", n.getNotificationId());
            MimeBodyPart text = new MimeBodyPart();
            text.setText(Messages.text(n, links), "UTF-8");
            MimeBodyPart html = new MimeBodyPart();
            html.setContent(Messages.html(n, links), "text/html; charset=UTF-8");
            MimeMultipart alternative = new MimeMultipart("alternative", text, html);
            message.setContent(alternative);
            if (config.smtpUser().isEmpty()) {
                Transport.send(message);
            } else {
                Transport.send(message, config.smtpUser(), config.smtpPassword());
            }
            return Attempt.delivered(null);
        } catch (SendFailedException e) {
            return e.getValidSentAddresses() == null && e.getInvalidAddresses() != null && e.getInvalidAddresses().length > 0
                    ? Attempt.permanent(null, "rejected recipient: " + e.getMessage())
                    : Attempt.retry(null, "SMTP: " + e.getMessage());
        } catch (MessagingException | RuntimeException e) {
            return Attempt.retry(null, "SMTP: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        senders.shutdownNow();
    }
}
