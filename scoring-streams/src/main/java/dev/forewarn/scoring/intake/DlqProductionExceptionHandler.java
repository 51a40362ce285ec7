package dev.forewarn.scoring.intake;

import dev.forewarn.scoring.score.ScoringMetrics;
import dev.forewarn.serde.RegistryUnavailableException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
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
        return DeadLetters.of(context, "production", exception, " (writing to " + outputTopic + ")").map(record -> {
            LOG.warn("could not write to {}; input {}-{}@{} goes to {}: {}", outputTopic, context.topic(), context.partition(),
                    context.offset(), record.topic(), exception.toString());
            return Response.resume(List.of(record));
        }).orElseGet(() -> {
            LOG.error("could not write to {} and there is no input record of a signal topic to dead-letter (punctuation or"
                    + " repartitioned input {}-{}@{}); dropped", outputTopic, context.topic(), context.partition(), context.offset(), exception);
            return Response.resume();
        });
    }
}
