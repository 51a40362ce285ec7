package dev.forewarn.bench;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop HTTP/1.1 load: {@code connections} workers, each on its own keep-alive connection
 * ({@link Http11Connection}),
 * send the prepared requests as fast as they are answered. Counts the events acknowledged (202
 * for single events; items with status 202 in batch answers) and records every request's latency.
 */
final class HttpLoad {

    /** One prepared request: its path, body and how many events it carries. */
    record Request(String path, byte[] body, int events) {

        Request(String path, String body, int events) {
            this(path, body.getBytes(java.nio.charset.StandardCharsets.UTF_8), events);
        }
    }

    /** What a run measured. */
    record Result(long events, long acknowledged, long failedRequests, double seconds, double p50Millis, double p99Millis) {

        double eventsPerSecond() {
            return acknowledged / seconds;
        }
    }

    private static final String ACCEPTED_ITEM = "\"status\":202";

    private final int port;
    private final String headers;

    HttpLoad(int port, String apiKey) {
        this.port = port;
        this.headers = "Content-Type: application/json\r\nAuthorization: Bearer " + apiKey + "\r\n";
    }

    Result run(List<Request> requests, int connections) throws Exception {
        long[] latencies = new long[requests.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        ExecutorService workers = Executors.newFixedThreadPool(connections);
        long started = System.nanoTime();
        List<Future<?>> running = new java.util.ArrayList<>();
        for (int w = 0; w < connections; w++) {
            running.add(workers.submit(() -> {
                try (Http11Connection connection = new Http11Connection("127.0.0.1", port, headers)) {
                    for (int i = next.getAndIncrement(); i < requests.size(); i = next.getAndIncrement()) {
                        Request request = requests.get(i);
                        long sent = System.nanoTime();
                        Http11Connection.Response response = connection.post(request.path(), request.body());
                        latencies[i] = System.nanoTime() - sent;
                        long ok = acknowledgedIn(response, request.events());
                        acknowledged.addAndGet(ok);
                        if (ok < request.events()) {
                            failed.incrementAndGet();
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : running) {
            worker.get();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        workers.shutdown();
        Arrays.sort(latencies);
        long events = requests.stream().mapToLong(Request::events).sum();
        return new Result(events, acknowledged.get(), failed.get(), seconds,
                percentile(latencies, 0.50), percentile(latencies, 0.99));
    }

    private static long acknowledgedIn(Http11Connection.Response response, int events) {
        if (response.status() == 202 && events == 1) {
            return 1;
        }
        if (response.status() != 202 && response.status() != 207) {
            return 0;
        }
        // Counted by scanning rather than parsing, to keep the load generator's own CPU use small.
        String body = response.body();
        long ok = 0;
        for (int at = body.indexOf(ACCEPTED_ITEM); at >= 0; at = body.indexOf(ACCEPTED_ITEM, at + 1)) {
            ok++;
        }
        return ok;
    }

    private static double percentile(long[] sortedNanos, double quantile) {
        if (sortedNanos.length == 0) {
            return 0;
        }
        int index = (int) Math.min(sortedNanos.length - 1, Math.ceil(quantile * sortedNanos.length) - 1);
        return sortedNanos[Math.max(0, index)] / 1e6;
    }
}
