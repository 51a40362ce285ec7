package dev.forewarn.scoring.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forewarn.events.ComplaintStatus;
import dev.forewarn.events.FeedbackType;
import dev.forewarn.events.KanoCategory;
import dev.forewarn.scoring.model.EntityState;
import dev.forewarn.scoring.model.RiskModel;
import dev.forewarn.scoring.model.Signal;
import org.apache.kafka.common.errors.SerializationException;
import java.util.List;
import org.junit.jupiter.api.Test;

class BinarySerdeTest {

    private static final long T0 = 1_767_225_600_000L;

    @Test
    void shouldRoundTripSignalsWithAndWithoutOptionalFields() {
        SignalSerde serde = new SignalSerde();
        Signal complaint = Signal.complaint("e-1", "C-1", "P-1", T0, KanoCategory.MUST_BE, "K-1", ComplaintStatus.OPENED, 4, T0 + 1000);
        Signal report = Signal.report("e-2", "C-2", null, T0, null, FeedbackType.CONFIRMATION, 3);

        assertThat(serde.deserialize("t", serde.serialize("t", complaint))).isEqualTo(complaint);
        assertThat(serde.deserialize("t", serde.serialize("t", report))).isEqualTo(report);
        assertThat(serde.serialize("t", null)).isNull();
    }

    @Test
    void shouldRoundTripAnEntityStateWithItsExplanationAndRefuseAnotherFormatVersion() {
        RiskModel model = new RiskModel(RiskModel.Config.defaults());
        EntityState state = new EntityState();
        model.apply(state, Signal.complaint("e-1", "C-1", "P-1", T0, null, "K-1", ComplaintStatus.OPENED, 5, T0 + 3_600_000));
        model.apply(state, Signal.report("e-2", "C-1", null, T0 + 10, KanoCategory.MUST_BE, FeedbackType.NEGATIVE, 4));
        model.advance(state, T0 + 7_200_000);
        EntityStateSerde serde = new EntityStateSerde();

        byte[] bytes = serde.serialize("t", state);
        EntityState read = serde.deserialize("t", bytes);

        assertThat(read).isEqualTo(state);
        assertThat(read.top).hasSize(3);
        bytes[0] = 9;
        assertThatThrownBy(() -> serde.deserialize("t", bytes)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("version 9");
    }

    @Test
    void shouldWriteEachComplaintAsIfEncodedAfreshWhateverItsStatusChangesAndWhereTheStateWasReadFrom() {
        RiskModel model = new RiskModel(RiskModel.Config.defaults());
        List<Signal> signals = List.of(
                Signal.complaint("e-1", "C-1", "P-1", T0 + 10_000, null, "K-1", ComplaintStatus.OPENED, 3, T0 + 86_400_000),
                Signal.complaint("e-2", "C-2", "P-1", T0 + 20_000, KanoCategory.ATTRACTIVE, "K-2", ComplaintStatus.OPENED, 2, null),
                Signal.complaint("e-3", "C-1", "P-1", T0 + 30_000, null, "K-1", ComplaintStatus.RESOLVED, 3, null),
                // late, and earlier than K-1's first change: K-1's product, Kano factor and first time change with it
                Signal.complaint("e-4", "C-1", "P-9", T0, KanoCategory.MUST_BE, "K-1", ComplaintStatus.OPENED, 5, T0 + 3_600_000),
                Signal.report("e-5", "C-3", "P-1", T0 + 40_000, null, FeedbackType.NEGATIVE, 4),
                Signal.complaint("e-6", "C-2", "P-1", T0 + 50_000, null, "K-2", ComplaintStatus.REOPENED, 2, T0 + 90_000_000));
        EntityStateSerde serde = new EntityStateSerde();
        EntityState live = new EntityState();
        for (int i = 0; i < signals.size(); i++) {
            model.apply(live, signals.get(i));
            EntityState fresh = new EntityState(); // new complaint objects: nothing encoded before
            signals.subList(0, i + 1).forEach(signal -> model.apply(fresh, signal));

            byte[] written = serde.serialize("t", live);

            assertThat(written).as("after %s", signals.get(i).eventId()).isEqualTo(serde.serialize("t", fresh));
            if (i % 2 == 1) {
                live = serde.deserialize("t", written); // go on from the stored form, as the scorer does after a cache miss
            }
        }
        assertThat(live.complaintLog).hasSize(2);
        assertThat(live.complaintLog.get(0).productId).isEqualTo("P-9");
    }

    @Test
    void shouldRoundTripACustomersRecentEventsAndReadStateWrittenBeforeThem() {
        EntityState state = new EntityState();
        new RiskModel(RiskModel.Config.defaults()).apply(state, Signal.report("e-1", "C-1", null, T0, null, FeedbackType.NEGATIVE, 4));
        state.changeSeq = 7;
        state.recentEvents.remember(Signal.report("e-1", "C-1", null, T0, null, FeedbackType.NEGATIVE, 4).identityHash(), T0, 10);
        state.recentEvents.remember(-1L, T0 + 5, 10);
        EntityStateSerde serde = new EntityStateSerde();
        byte[] current = serde.serialize("t", state);

        EntityState read = serde.deserialize("t", current);
        assertThat(read).isEqualTo(state);
        assertThat(read.recentEvents.time(1)).isEqualTo(T0 + 5);

        EntityState before = serde.deserialize("t", java.util.Arrays.copyOf(current, current.length - 4 - 2 * 16));
        assertThat(before.changeSeq).isEqualTo(7);
        assertThat(before.recentEvents.size()).isZero();
    }

    @Test
    void shouldReadStateWrittenBeforeTheChangeNumberExisted() {
        EntityState state = new EntityState();
        new RiskModel(RiskModel.Config.defaults()).apply(state, Signal.report("e-1", "C-1", null, T0, null, FeedbackType.NEGATIVE, 4));
        state.changeSeq = 42;
        EntityStateSerde serde = new EntityStateSerde();
        byte[] current = serde.serialize("t", state);
        byte[] before = java.util.Arrays.copyOf(current, current.length - 12); // the number, then no recent events (a count of 0)

        assertThat(serde.deserialize("t", current).changeSeq).isEqualTo(42);
        EntityState old = serde.deserialize("t", before);
        assertThat(old.changeSeq).isZero();
        state.changeSeq = 0;
        assertThat(old).isEqualTo(state);
    }

    @Test
    void shouldReadFormatOneStateWithItsOpenComplaintsAndKeepScoringThem() {
        // Format 1 as the previous release wrote it: open complaints as (id, due, Kano factor, breached, product).
        long due = T0 + 3_600_000;
        byte[] format1 = Binary.write(1, 64, out -> {
            out.writeDouble(10);
            out.writeLong(T0);
            out.writeDouble(10);
            out.writeLong(T0);
            Binary.writeEnum(out, dev.forewarn.events.RiskLevel.OK);
            out.writeBoolean(false);
            out.writeDouble(39.3);
            out.writeLong(0);
            out.writeLong(0);
            out.writeLong(0);
            out.writeLong(1);
            out.writeLong(0);
            out.writeInt(0);
            out.writeLong(T0);
            out.writeLong(T0);
            out.writeLong(due);
            out.writeByte(1);
            out.writeUTF("K-1");
            out.writeLong(due);
            out.writeDouble(1.0);
            out.writeBoolean(false);
            Binary.writeNullable(out, "P-1");
            out.writeByte(0);
            out.writeLong(7);
        });

        EntityState read = new EntityStateSerde().deserialize("t", format1);

        assertThat(read.openComplaints()).isEqualTo(1);
        assertThat(read.changeSeq).isEqualTo(7);
        RiskModel model = new RiskModel(RiskModel.Config.defaults());
        assertThat(model.nextDue(read)).isEqualTo(due);
        model.advance(read, due);
        assertThat(read.breachedSlas).isEqualTo(1);
        model.apply(read, Signal.complaint("e-9", "C-1", "P-1", due - 1, null, "K-1", ComplaintStatus.RESOLVED, 5, null));
        assertThat(read.breachedSlas).isZero(); // resolved in time after all: the breach is taken back
        assertThat(read.openComplaints()).isZero();
    }

    @Test
    void shouldWriteAndReadExactlyWhatDataOutputDoes() throws java.io.IOException {
        String tricky = "Ünïcødé € \u0000 \uD83D\uDE00 plain";
        java.io.ByteArrayOutputStream reference = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream data = new java.io.DataOutputStream(reference);
        List<String> strings = List.of(tricky, "C-1042", "", "ascii first, then \u00e9", "ascii then \u0000", "\u007f\u0080");
        for (String text : strings) {
            data.writeUTF(text);
        }
        data.writeLong(-5);
        data.writeDouble(0.1);
        data.writeInt(-7);
        data.writeByte(-1);
        Binary.Out out = new Binary.Out(4);
        for (String text : strings) {
            out.writeUTF(text);
        }
        out.writeLong(-5);
        out.writeDouble(0.1);
        out.writeInt(-7);
        out.writeByte(-1);

        assertThat(out.toByteArray()).isEqualTo(reference.toByteArray());
        Binary.In in = new Binary.In(reference.toByteArray());
        for (String text : strings) {
            assertThat(in.readUTF()).isEqualTo(text);
        }
        assertThat(in.readLong()).isEqualTo(-5);
        assertThat(in.readDouble()).isEqualTo(0.1);
        assertThat(in.readInt()).isEqualTo(-7);
        assertThat(in.readByte()).isEqualTo(-1);
        assertThat(in.available()).isZero();
    }

    @Test
    void shouldRefuseTruncatedData() {
        SignalSerde serde = new SignalSerde();
        byte[] whole = serde.serialize("t", Signal.report("e-2", "C-2", null, T0, null, FeedbackType.CONFIRMATION, 3));

        assertThatThrownBy(() -> serde.deserialize("t", java.util.Arrays.copyOf(whole, whole.length - 3)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("cannot read signal");
    }
}
