package dev.forewarn.local;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stack's mail sink: a real SMTP server (GreenMail) on loopback that accepts mail for any
 * address. Each message is written to {@code <home>/mail/NNNN-<recipient>.eml} (open it with any
 * mail client) and reported to listeners, so e-mail notifications are visible like webhooks.
 */
public final class MailSink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MailSink.class);

    /** One received message. */
    public record Mail(String to, String subject, Path file) {
    }

    private final GreenMail smtp;
    private final Path directory;
    private final List<Consumer<Mail>> listeners = new CopyOnWriteArrayList<>();
    private final List<Mail> received = new CopyOnWriteArrayList<>();
    private final Thread poller;
    private volatile boolean running = true;
    private int seen;

    private MailSink(GreenMail smtp, Path directory) {
        this.smtp = smtp;
        this.directory = directory;
        this.poller = new Thread(this::poll, "local-mail-sink");
        this.poller.setDaemon(true);
    }

    public static MailSink start(String host, int port, Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
        GreenMail smtp = new GreenMail(new ServerSetup(port, host, ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        MailSink sink = new MailSink(smtp, directory);
        sink.seen = countExisting(directory);
        sink.poller.start();
        return sink;
    }

    private static int countExisting(Path directory) {
        try (var files = Files.list(directory)) {
            return (int) files.filter(f -> f.toString().endsWith(".eml")).count();
        } catch (IOException e) {
            return 0;
        }
    }

    public int port() {
        return smtp.getSmtp().getPort();
    }

    public Path directory() {
        return directory;
    }

    public void onMail(Consumer<Mail> listener) {
        listeners.add(listener);
    }

    public List<Mail> received() {
        return List.copyOf(received);
    }

    /**
     * GreenMail lists received messages mailbox by mailbox, not in arrival order, so a message to an
     * earlier mailbox shifts the others: what is new is found by identity (GreenMail keeps each
     * stored message as one object), never by position.
     */
    private void poll() {
        Set<MimeMessage> taken = Collections.newSetFromMap(new IdentityHashMap<>());
        while (running) {
            MimeMessage[] messages = smtp.getReceivedMessages();
            for (MimeMessage message : messages) {
                if (taken.add(message)) {
                    keep(message);
                }
            }
            try {
                smtp.waitForIncomingEmail(500, taken.size() + 1);
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warn("mail sink: waiting for mail failed", e);
                }
            }
        }
    }

    private void keep(MimeMessage message) {
        try {
            String to = message.getAllRecipients() == null ? "(none)" : message.getAllRecipients()[0].toString();
            String subject = message.getSubject();
            Path file = directory.resolve(String.format(Locale.ROOT, "%04d-%s.eml", ++seen, to.replaceAll("[^A-Za-z0-9._@-]", "_")));
            try (OutputStream stream = Files.newOutputStream(file)) {
                message.writeTo(stream);
            }
            Mail mail = new Mail(to, subject, file);
            received.add(mail);
            listeners.forEach(l -> l.accept(mail));
        } catch (MessagingException | IOException e) {
            LOG.warn("mail sink: a received message could not be kept", e);
        }
    }

    @Override
    public void close() {
        running = false;
        poller.interrupt();
        smtp.stop();
    }
}
