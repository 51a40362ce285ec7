package dev.forewarn.scoring.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forewarn.scoring.score.ScoringMetrics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

class DlqProductionExceptionHandlerTest {

    private final List<String> counted = new ArrayList<>();
    private final DlqProductionExceptionHandler handler = new DlqProductionExceptionHandler();

    DlqProductionExceptionHandlerTest() {
        handler.configure(Map.of(DlqProductionExceptionHandler.METRICS_CONFIG, new ScoringMetrics() {
            @Override
            public void rejected(String sourceTopic, String reason) {
                counted.add(sourceTopic + "/" + reason);
            }
        }));
    }

    private static ErrorHandlerContext context(String topic, byte[] key, byte[] value) {
        return new ErrorHandlerContext() {
            public String topic() { return topic; }
            public int partition() { return 2; }
            public long offset() { return 41; }
            public Headers headers() { return new RecordHeaders(); }
            public String processorNodeId() { return "sink-risk.scores"; }
            public TaskId taskId() { return new TaskId(0, 2); }
            public long timestamp() { return 0; }
            public byte[] sourceRawKey() { return key; }
            public byte[] sourceRawValue() { return value; }
        };
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldDeadLetterTheInputOfAnOutputTheBrokerRefusesAndGoOn() {
        ProducerRecord<byte[], byte[]> output = new ProducerRecord<>("risk.scores", new byte[]{1}, new byte[]{2});

        ProductionExceptionHandler.Response response = handler.handleError(
                context("customer.reports", "C-1".getBytes(), new byte[]{0, 0, 0, 0, 7, 9}), output,
                new RecordTooLargeException("too large"));

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(dlq -> {
            assertThat(dlq.topic()).isEqualTo("customer.reports.dlq");
            assertThat(dlq.key()).isEqualTo("C-1".getBytes());
            assertThat(dlq.value()).containsExactly(0, 0, 0, 0, 7, 9);
            assertThat(header(dlq, SignalIntake.HEADER_REASON)).isEqualTo("production");
            assertThat(header(dlq, SignalIntake.HEADER_OFFSET)).isEqualTo("41");
            assertThat(header(dlq, SignalIntake.HEADER_EXCEPTION)).isEqualTo(RecordTooLargeException.class.getName());
            assertThat(header(dlq, SignalIntake.HEADER_MESSAGE)).contains("risk.scores");
        });
        assertThat(counted).containsExactly("customer.reports/production");
    }

    @Test
    void shouldRetryRetriableErrorsAndDropPunctuationOutputWithoutAnInput() {
        ProducerRecord<byte[], byte[]> output = new ProducerRecord<>("risk.scores", new byte[]{1}, new byte[]{2});

        ProductionExceptionHandler.Response retried = handler.handleError(context("customer.reports", null, new byte[]{1}),
                output, new TimeoutException("slow"));
        ProductionExceptionHandler.Response dropped = handler.handleSerializationError(context(null, null, null), output,
                new IllegalStateException("registry down"), ProductionExceptionHandler.SerializationExceptionOrigin.VALUE);

        assertThat(retried.result()).isEqualTo(ProductionExceptionHandler.Result.RETRY);
        assertThat(dropped.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(dropped.deadLetterQueueRecords()).isEmpty();
        assertThat(counted).containsExactly("risk.scores/production");
    }
}
