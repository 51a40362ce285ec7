package dev.forewarn.scoring.intake;

import dev.forewarn.topics.TopicCatalogue;
import dev.forewarn.topics.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * The dead-letter record of an input record that failed after the intake (in a processor or when its
 * output was written): the original key and value bytes with the intake's {@code forewarn.dlq.*}
 * headers, to the source topic's DLQ. Only records of a catalogue topic with a DLQ have one; a record
 * of the internal repartition topic holds the internal format, not what a producer wrote.
 */
final class DeadLetters {

    private DeadLetters() {
    }

    static Optional<ProducerRecord<byte[], byte[]>> of(ErrorHandlerContext context, String reason, Exception exception, String detail) {
        Optional<String> dlq = Optional.ofNullable(context.topic()).flatMap(TopicCatalogue::byName).flatMap(TopicSpec::deadLetters);
        if (dlq.isEmpty() || context.sourceRawValue() == null) {
            return Optional.empty();
        }
        Headers headers = new RecordHeaders();
        headers.add(SignalIntake.HEADER_TOPIC, utf8(context.topic()));
        headers.add(SignalIntake.HEADER_PARTITION, utf8(Integer.toString(context.partition())));
        headers.add(SignalIntake.HEADER_OFFSET, utf8(Long.toString(context.offset())));
        headers.add(SignalIntake.HEADER_REASON, utf8(reason));
        headers.add(SignalIntake.HEADER_EXCEPTION, utf8(exception.getClass().getName()));
        headers.add(SignalIntake.HEADER_MESSAGE, utf8(exception.getMessage() + detail));
        headers.add(SignalIntake.HEADER_ORIGINAL_TIMESTAMP, utf8(Long.toString(context.timestamp())));
        return Optional.of(new ProducerRecord<>(dlq.get(), null, System.currentTimeMillis(), context.sourceRawKey(),
                context.sourceRawValue(), headers));
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
