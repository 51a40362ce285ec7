package dev.forewarn.alerting.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DestinationGuardTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
            "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "::", "fe80::1", "fd00:ec2::254",
            "fc00::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1", "64:ff9b::a00:1"})
    void shouldTreatNonPublicAddressesAsInternal(String address) throws Exception {
        assertThat(DestinationGuard.isInternal(InetAddress.getByName(address))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "11.0.0.1"})
    void shouldTreatPublicAddressesAsExternal(String address) throws Exception {
        assertThat(DestinationGuard.isInternal(InetAddress.getByName(address))).isFalse();
    }

    @Test
    void shouldRefuseAHostResolvingOnlyToInternalAddresses() throws Exception {
        InetAddress[] metadata = {InetAddress.getByName("169.254.169.254")};

        assertThatThrownBy(() -> DestinationGuard.strict().permitted("metadata.internal", metadata))
                .isInstanceOf(DestinationGuard.RefusedDestinationException.class)
                .hasMessageContaining("169.254.169.254");
    }

    @Test
    void shouldKeepOnlyThePublicAddressesOfAMixedAnswer() throws Exception {
        InetAddress[] rebinding = {InetAddress.getByName("10.0.0.5"), InetAddress.getByName("93.184.216.34")};

        assertThat(DestinationGuard.strict().permitted("example.com", rebinding))
                .containsExactly(InetAddress.getByName("93.184.216.34"));
    }

    @Test
    void shouldLetAllowListedHostsAndNetworksThrough() throws Exception {
        DestinationGuard guard = DestinationGuard.allowing("receiver.local, 127.0.0.1, 10.20.0.0/16");

        assertThat(guard.permitted("receiver.local", new InetAddress[]{InetAddress.getByName("192.168.0.9")})).hasSize(1);
        assertThat(guard.permitted("x", new InetAddress[]{InetAddress.getByName("127.0.0.1")})).hasSize(1);
        assertThat(guard.permitted("y", new InetAddress[]{InetAddress.getByName("10.20.3.4")})).hasSize(1);
        assertThatThrownBy(() -> guard.permitted("z", new InetAddress[]{InetAddress.getByName("127.0.0.2")}))
                .isInstanceOf(DestinationGuard.RefusedDestinationException.class);
        assertThatThrownBy(() -> guard.permitted("w", new InetAddress[]{InetAddress.getByName("10.21.0.1")}))
                .isInstanceOf(DestinationGuard.RefusedDestinationException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://example.com/x", "file:///etc/passwd", "gopher://example.com", "https://user:pw@example.com/",
            "not a url", "https:///nohost", "javascript:alert(1)"})
    void shouldRefuseUrlsThatAreNotPlainHttp(String url) {
        assertThat(DestinationGuard.strict().checkUrl(url)).isPresent();
    }

    @Test
    void shouldAcceptPlainHttpsUrls() {
        assertThat(DestinationGuard.strict().checkUrl("https://hooks.example.com/forewarn?x=1")).isEmpty();
    }

    @Test
    void shouldRejectAMalformedAllowList() {
        assertThatThrownBy(() -> DestinationGuard.allowing("10.0.0.0/40")).hasMessageContaining("prefix length");
    }
}
