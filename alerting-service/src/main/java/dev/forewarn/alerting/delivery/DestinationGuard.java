package dev.forewarn.alerting.delivery;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The SSRF guard of webhook deliveries. Webhook URLs arrive from the owners topic, so anyone who can
 * publish an owner could aim the service at an internal address. Only {@code http}/{@code https}
 * URLs without credentials are accepted, and a host is refused if it <em>resolves</em> to a
 * loopback, private (RFC 1918, unique-local), carrier-grade NAT, link-local (cloud metadata
 * endpoints included), multicast or unspecified address, unless the host or the address is
 * allow-listed ({@code ALERTING_WEBHOOK_ALLOW}: host names, IP addresses or CIDR blocks).
 *
 * <p>The check runs on the addresses the HTTP client will actually connect to (it is the client's
 * resolver, see {@link GuardedResolver}), so DNS rebinding between check and connect cannot slip
 * past it; redirects are not followed.
 */
public final class DestinationGuard {

    private record Cidr(byte[] network, int bits) {
        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (a[full] & mask) == (network[full] & mask);
        }
    }

    private static final List<Cidr> FORBIDDEN = List.of(
            cidr("0.0.0.0/8"), cidr("100.64.0.0/10"), cidr("192.0.0.0/24"), cidr("198.18.0.0/15"),
            cidr("240.0.0.0/4"), cidr("fc00::/7"), cidr("64:ff9b::/96"));

    private final List<String> allowedHosts;
    private final List<Cidr> allowedNetworks;

    private DestinationGuard(List<String> allowedHosts, List<Cidr> allowedNetworks) {
        this.allowedHosts = List.copyOf(allowedHosts);
        this.allowedNetworks = List.copyOf(allowedNetworks);
    }

    /** Refuses every internal address. */
    public static DestinationGuard strict() {
        return new DestinationGuard(List.of(), List.of());
    }

    /** Allow-list entries separated by commas: host names, IP addresses or CIDR blocks. */
    public static DestinationGuard allowing(String spec) {
        List<String> hosts = new ArrayList<>();
        List<Cidr> networks = new ArrayList<>();
        for (String raw : spec.split(",")) {
            String entry = raw.trim().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.contains("/")) {
                networks.add(cidr(entry));
            } else if (entry.matches("[0-9.]+") || entry.contains(":")) {
                networks.add(cidr(entry + (entry.contains(":") ? "/128" : "/32")));
            } else {
                hosts.add(entry);
            }
        }
        return new DestinationGuard(hosts, networks);
    }

    /** Why {@code url} is refused before any resolution (scheme, credentials, no host); empty if it may be tried. */
    public Optional<String> checkUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            return Optional.of("not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of("scheme " + (scheme.isEmpty() ? "(none)" : scheme) + " is not http or https");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("URLs with credentials are refused");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return Optional.of("no host");
        }
        return Optional.empty();
    }

    /** The addresses of {@code host} a delivery may connect to; refused if none remains. */
    public List<InetAddress> permitted(String host, InetAddress[] resolved) throws RefusedDestinationException {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        if (allowedHosts.contains(name)) {
            return List.of(resolved);
        }
        List<InetAddress> permitted = new ArrayList<>();
        InetAddress refused = null;
        for (InetAddress address : resolved) {
            if (isInternal(address) && allowedNetworks.stream().noneMatch(n -> n.contains(address))) {
                refused = address;
            } else {
                permitted.add(address);
            }
        }
        if (permitted.isEmpty()) {
            throw new RefusedDestinationException("host " + host + " resolves to the internal address "
                    + (refused == null ? "(none)" : refused.getHostAddress()) + ", which is not allow-listed (ALERTING_WEBHOOK_ALLOW)");
        }
        return permitted;
    }

    /** Loopback, private, link-local, CGNAT, multicast, unspecified and other non-public addresses. */
    public static boolean isInternal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            boolean v4Mapped = true;
            for (int i = 0; i < 10; i++) {
                v4Mapped &= b[i] == 0;
            }
            if (v4Mapped && (b[10] == (byte) 0xFF && b[11] == (byte) 0xFF || b[10] == 0 && b[11] == 0)) {
                try {
                    InetAddress v4 = InetAddress.getByAddress(new byte[]{b[12], b[13], b[14], b[15]});
                    if (isInternal(v4)) {
                        return true;
                    }
                } catch (UnknownHostException e) {
                    return true;
                }
            }
        }
        return FORBIDDEN.stream().anyMatch(n -> n.contains(address));
    }

    private static Cidr cidr(String spec) {
        int slash = spec.indexOf('/');
        try {
            InetAddress network = InetAddress.getByName(spec.substring(0, slash));
            int bits = Integer.parseInt(spec.substring(slash + 1));
            int max = network instanceof Inet4Address ? 32 : 128;
            if (bits < 0 || bits > max) {
                throw new IllegalArgumentException(spec + ": prefix length must be 0.." + max);
            }
            return new Cidr(network.getAddress(), bits);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException(spec + " is not an address or CIDR block");
        }
    }

    /** A destination the guard refuses: a permanent failure, audited, never retried. */
    public static final class RefusedDestinationException extends Exception {
        public RefusedDestinationException(String message) {
            super(message);
        }
    }
}
