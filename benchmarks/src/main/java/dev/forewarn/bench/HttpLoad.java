package dev.forewarn.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop HTTP/1.1 load: {@code connections} workers, each on its own keep-alive connection,
 * send the prepared requests as fast as they are answered. Counts the events acknowledged (202
 * for single events; items with status 202 in batch answers) and records every request's latency.
 */
final class HttpLoad {

    /** One prepared request: its path, body and how many events it carries. */
    record Request(String path, String body, int events) {
    }

    /** What a run measured. */
    record Result(long events, long acknowledged, long failedRequests, double seconds, double p50Millis, double p99Millis) {

        double eventsPerSecond() {
            return acknowledged / seconds;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String apiKey;
    private final HttpClient client;

    HttpLoad(int port, String apiKey) {
        this.baseUrl = "http://127.0.0.1:" + port;
        this.apiKey = apiKey;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
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
                for (int i = next.getAndIncrement(); i < requests.size(); i = next.getAndIncrement()) {
                    Request request = requests.get(i);
                    long sent = System.nanoTime();
                    HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(baseUrl + request.path()))
                            .header("Content-Type", "application/json").header("Authorization", "Bearer " + apiKey)
                            .timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofString(request.body())).build(), HttpResponse.BodyHandlers.ofString());
                    latencies[i] = System.nanoTime() - sent;
                    long ok = acknowledgedIn(response, request.events());
                    acknowledged.addAndGet(ok);
                    if (ok < request.events()) {
                        failed.incrementAndGet();
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

    private static long acknowledgedIn(HttpResponse<String> response, int events) throws Exception {
        if (response.statusCode() == 202 && events == 1) {
            return 1;
        }
        if (response.statusCode() != 202 && response.statusCode() != 207) {
            return 0;
        }
        long ok = 0;
        for (JsonNode item : JSON.readTree(response.body()).path("items")) {
            if (item.path("status").asInt() == 202) {
                ok++;
            }
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
