package dev.forewarn.testsupport;

import java.util.Locale;

/**
 * The one Kafka environment of this test JVM, started on first use and stopped when the JVM exits.
 * The backend is chosen by the system property {@code forewarn.kafka}: {@code embedded} (default,
 * an in-process KRaft broker from Apache Kafka's test kit plus the dev registry) or
 * {@code containers} (Testcontainers with {@code apache/kafka} and {@code confluentinc/cp-schema-registry};
 * needs a Docker engine and is not exercised by CI).
 */
public final class ForewarnKafka {

    private static KafkaTestEnvironment instance;

    private ForewarnKafka() {
    }

    public static synchronized KafkaTestEnvironment get() {
        if (instance == null) {
            String backend = System.getProperty("forewarn.kafka", "embedded").trim().toLowerCase(Locale.ROOT);
            instance = switch (backend) {
                case "embedded" -> EmbeddedKafkaEnvironment.start();
                case "containers" -> ContainersKafkaEnvironment.start();
                default -> throw new IllegalArgumentException(
                        "system property forewarn.kafka=" + backend + ": must be embedded or containers");
            };
        }
        return instance;
    }

    /**
     * Stops the environment if it was started. Called when the JUnit session ends, so the broker
     * stops while the test JVM still runs normally rather than in a shutdown hook racing the
     * JVM's exit (which made forked test JVMs exit with a non-zero status now and then).
     */
    public static synchronized void stop() {
        if (instance != null) {
            instance.close();
            instance = null;
        }
    }
}
