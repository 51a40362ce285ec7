package dev.forewarn.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kafka's own {@code org.apache.kafka.tools.ProducerPerformance} in a child JVM on the same broker,
 * with the producer settings ingest-service uses, and its summary line parsed.
 */
final class RawProducerPerf {

    /** The tool's final summary. */
    record Result(long records, double recordsPerSecond, double avgMillis, double p50Millis, double p99Millis) {
    }

    /** Matches the tool's summary line, e.g. "100000 records sent, 254452.9 records/sec (..), 5.1 ms avg latency, ... 3 ms 50th, 9 ms 95th, 12 ms 99th, ...". */
    private static final Pattern SUMMARY = Pattern.compile(
            "(\\d+) records sent, ([\\d.]+) records/sec .*?, ([\\d.]+) ms avg latency, [\\d.]+ ms max latency, (\\d+) ms 50th, \\d+ ms 95th, (\\d+) ms 99th");

    private RawProducerPerf() {
    }

    static Result run(String bootstrapServers, String topic, long records, int recordSize) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "org.apache.kafka.tools.ProducerPerformance",
                "--topic", topic, "--num-records", Long.toString(records), "--record-size", Integer.toString(recordSize),
                "--throughput", "-1", "--bootstrap-server", bootstrapServers,
                "--command-property", "acks=all", "enable.idempotence=true", "linger.ms=5", "compression.type=lz4"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String summary = null;
        List<String> output = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                output.add(line);
                if (SUMMARY.matcher(line).find()) {
                    summary = line;
                }
            }
        }
        int exit = process.waitFor();
        if (exit != 0 || summary == null) {
            throw new IllegalStateException("ProducerPerformance failed (exit " + exit + "):\n" + String.join("\n", output));
        }
        Matcher m = SUMMARY.matcher(summary);
        if (!m.find()) {
            throw new IllegalStateException("unreadable ProducerPerformance summary: " + summary);
        }
        return new Result(Long.parseLong(m.group(1)), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
                Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)));
    }
}
