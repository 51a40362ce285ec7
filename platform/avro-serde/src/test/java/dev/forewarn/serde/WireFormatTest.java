package dev.forewarn.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    @Test
    void shouldFrameIdsBigEndianAfterMagicZero() {
        byte[] header = WireFormat.header(0x01020304);

        assertThat(header).containsExactly(0, 1, 2, 3, 4);
        assertThat(WireFormat.schemaId("t", header)).isEqualTo(0x01020304);
    }

    @Test
    void shouldRejectShortPayloadsAndUnknownMagicBytesNamingTheTopic() {
        assertThatThrownBy(() -> WireFormat.schemaId("orders", new byte[] {0, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("topic orders");
        assertThatThrownBy(() -> WireFormat.schemaId("orders", new byte[] {(byte) 0xfe, 0, 0, 0, 1}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("0xfe");
    }
}
