package dev.forewarn.scoring.intake;

import dev.forewarn.scoring.score.ScoringMetrics;
import dev.forewarn.serde.RegistryUnavailableException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A processor that throws on one record (a deterministic bug in the scorer for that signal) sends the
 * record to its source topic's DLQ with reason {@code processing} and the stream goes on, instead of
 * a crash loop on the same offset. A registry outage is not the record's fault: the thread fails and
 * the work is redone when it is back ({@link dev.forewarn.service.StreamsSupervision}). A failure on the
 * product path (its input is the internal repartition topic) or in a punctuation has no original bytes
 * to dead-letter: it is logged and counted ({@code forewarn_scoring_rejected_total{reason="processing"}})
 * and the signal stays replayable from its source topic.
 */
public final class DlqProcessingExceptionHandler implements ProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DlqProcessingExceptionHandler.class);
    private ScoringMetrics metrics = ScoringMetrics.NONE;

    @Override
    public void configure(Map<String, ?> configs) {
        if (configs.get(DlqProductionExceptionHandler.METRICS_CONFIG) instanceof ScoringMetrics configured) {
            metrics = configured;
        }
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (RegistryUnavailableException.isCauseOf(exception)) {
            return Response.fail();
        }
        metrics.rejected(context.topic() == null ? context.processorNodeId() : context.topic(), "processing");
        return DeadLetters.of(context, "processing", exception, " (in " + context.processorNodeId() + ")").map(dead -> {
            LOG.error("processor {} failed on {}-{}@{}; the record goes to {}", context.processorNodeId(), context.topic(),
                    context.partition(), context.offset(), dead.topic(), exception);
            return Response.resume(List.of(dead));
        }).orElseGet(() -> {
            LOG.error("processor {} failed on {}-{}@{} (no original signal bytes to dead-letter; replay it from its source topic)",
                    context.processorNodeId(), context.topic(), context.partition(), context.offset(), exception);
            return Response.resume();
        });
    }
}
