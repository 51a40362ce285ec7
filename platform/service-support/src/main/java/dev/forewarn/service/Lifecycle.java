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

    /**
     * Exits the process with status 1 once {@code failed} is counted down (e.g. Kafka Streams
     * reached ERROR after its uncaught-exception policy gave up), so an orchestrator restarts it.
     */
    public static void exitWhen(java.util.concurrent.CountDownLatch failed, String name, String why) {
        Thread watcher = new Thread(() -> {
            try {
                failed.await();
                org.slf4j.LoggerFactory.getLogger(Lifecycle.class).error("{}: {}; exiting with status 1 so the process is restarted", name, why);
                System.exit(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name + "-failure-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
