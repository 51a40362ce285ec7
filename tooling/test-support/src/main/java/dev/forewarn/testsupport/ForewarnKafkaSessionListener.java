package dev.forewarn.testsupport;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/** Stops the test JVM's Kafka environment when the JUnit session ends (registered via ServiceLoader). */
public final class ForewarnKafkaSessionListener implements LauncherSessionListener {

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        ForewarnKafka.stop();
    }
}
