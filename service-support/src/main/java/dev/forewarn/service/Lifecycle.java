package dev.forewarn.service;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Process lifecycle shared by every main class. */
public final class Lifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

    private Lifecycle() {
    }

    /**
     * Blocks until the JVM is asked to stop (SIGTERM, SIGINT), then closes {@code service}
     * (which stops accepting work, finishes what is in flight and flushes) before the JVM exits.
     */
    public static void runUntilShutdown(String name, AutoCloseable service) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping {}", name);
            try {
                service.close();
            } catch (Exception e) {
                LOG.error("{} did not stop cleanly", name, e);
            } finally {
                stopped.countDown();
            }
        }, name + "-shutdown"));
        stopped.await();
    }
}
