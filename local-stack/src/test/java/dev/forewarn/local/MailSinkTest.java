package dev.forewarn.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailSinkTest {

    @TempDir
    Path home;

    private static void send(int port, String to, String subject) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", Integer.toString(port));
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress("forewarn@localhost"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject(subject);
        message.setText("body of " + subject);
        Transport.send(message);
    }

    @Test
    void shouldKeepEveryMessageOnceInWhateverMailboxOrderItArrives() throws Exception {
        try (MailSink sink = MailSink.start("127.0.0.1", 0, home.resolve("mail"))) {
            // GreenMail lists mailbox by mailbox: a later message to an earlier mailbox must neither be missed
            // nor make another message be kept twice.
            send(sink.port(), "adam@example.com", "one");
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.received().size() == 1);
            send(sink.port(), "zoe@example.com", "two");
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.received().size() == 2);
            send(sink.port(), "adam@example.com", "three");
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.received().size() >= 3);
            send(sink.port(), "mia@example.com", "four");
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.received().size() >= 4);

            List<MailSink.Mail> received = sink.received();
            assertThat(received).extracting(MailSink.Mail::subject).containsExactlyInAnyOrder("one", "two", "three", "four");
            assertThat(received).filteredOn(m -> m.subject().equals("three")).extracting(MailSink.Mail::to).containsExactly("adam@example.com");
            for (MailSink.Mail mail : received) {
                assertThat(Files.readString(mail.file())).contains("Subject: " + mail.subject(), "body of " + mail.subject());
            }
        }
    }
}
