package dev.forewarn.service;

import dev.forewarn.serde.RegistryUnavailableException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * Kafka Streams' log-and-continue (with the dead-letter topic of
 * {@code errors.dead.letter.queue.topic.name} when set) for records that cannot be read, except
 * when the schema registry is unavailable: then the record is not bad, so the thread fails and
 * {@link StreamsSupervision} waits and starts it again from its last commit.
 */
public final class RegistryAwareDeserializationHandler extends LogAndContinueExceptionHandler {

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (RegistryUnavailableException.isCauseOf(exception)) {
            return Response.fail();
        }
        return super.handleError(context, record, exception);
    }
}
