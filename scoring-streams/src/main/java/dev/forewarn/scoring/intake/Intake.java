package dev.forewarn.scoring.intake;

import dev.forewarn.scoring.model.Signal;

/** What the intake made of one input record: a signal to score, or a record for the DLQ. */
public sealed interface Intake {

    record Accepted(Signal signal) implements Intake {
    }

    /** The original key and value bytes; the reason travels in the record's headers. */
    record Rejected(byte[] key, byte[] value) implements Intake {
    }
}
