package dev.forewarn.scoring.intake;

import dev.forewarn.scoring.score.ScoringMetrics;
import dev.forewarn.serde.RegistryUnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Output that cannot be written (a serialization failure, a record the broker refuses) sends the
 * input record that caused it to {@code <source topic>.dlq}, with the same headers as the intake's
 * DLQ records, and the stream goes on; retriable errors are retried. Output that cannot be
 * serialized because the schema registry is unavailable fails the thread instead: under
 * exactly-once its state changes and outputs are rolled back together and redone when the
 * registry is back ({@link dev.forewarn.service.StreamsSupervision}), so no score or transition
 * is lost and the state is never ahead of what was written. Output without a source record
 * (written by a punctuation) that cannot be written for another reason is logged and counted.
 */
public final class DlqProductionExceptionHandler implements ProductionExceptionHandler {

    /** Streams config key under which the service passes its {@link ScoringMetrics}. */
    public static final String METRICS_CONFIG = "forewarn.scoring.metrics";

    private static final Logger LOG = LoggerFactory.getLogger(DlqProductionExceptionHandler.class);
    private ScoringMetrics metrics = ScoringMetrics.NONE;

    @Override
    public void configure(Map<String, ?> configs) {
        if (configs.get(METRICS_CONFIG) instanceof ScoringMetrics configured) {
            metrics = configured;
        }
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RetriableException) {
            return Response.retry();
        }
        return deadLetter(context, record.topic(), exception);
    }

    @Override
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        if (RegistryUnavailableException.isCauseOf(exception)) {
            return Response.fail();
        }
        return deadLetter(context, record.topic(), exception);
    }

    private Response deadLetter(ErrorHandlerContext context, String outputTopic, Exception exception) {
        metrics.rejected(context.topic() == null ? outputTopic : context.topic(), "production");
        if (context.topic() == null || context.sourceRawValue() == null) {
            LOG.error("could not write to {} and there is no input record to dead-letter (punctuation output); dropped",
                    outputTopic, exception);
            return Response.resume();
        }
        LOG.warn("could not write to {}; input {}-{}@{} goes to {}.dlq: {}", outputTopic, context.topic(),
                context.partition(), context.offset(), context.topic(), exception.toString());
        Headers headers = new RecordHeaders();
        headers.add(SignalIntake.HEADER_TOPIC, utf8(context.topic()));
        headers.add(SignalIntake.HEADER_PARTITION, utf8(Integer.toString(context.partition())));
        headers.add(SignalIntake.HEADER_OFFSET, utf8(Long.toString(context.offset())));
        headers.add(SignalIntake.HEADER_REASON, utf8("production"));
        headers.add(SignalIntake.HEADER_EXCEPTION, utf8(exception.getClass().getName()));
        headers.add(SignalIntake.HEADER_MESSAGE, utf8(String.valueOf(exception.getMessage()) + " (writing to " + outputTopic + ")"));
        headers.add(SignalIntake.HEADER_ORIGINAL_TIMESTAMP, utf8(Long.toString(context.timestamp())));
        return Response.resume(List.of(new ProducerRecord<>(context.topic() + ".dlq", null, System.currentTimeMillis(),
                context.sourceRawKey(), context.sourceRawValue(), headers)));
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
