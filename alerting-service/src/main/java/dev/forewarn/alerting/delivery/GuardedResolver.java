package dev.forewarn.alerting.delivery;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

/**
 * The HTTP client's resolver: resolves a host and hands the client only the addresses the
 * {@link DestinationGuard} permits, so the address checked is the address connected to.
 */
final class GuardedResolver implements SocketAddressResolver {

    private final DestinationGuard guard;

    GuardedResolver(DestinationGuard guard) {
        this.guard = guard;
    }

    @Override
    public void resolve(String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
        try {
            InetAddress[] resolved = InetAddress.getAllByName(host);
            promise.succeeded(guard.permitted(host, resolved).stream().map(a -> new InetSocketAddress(a, port)).toList());
        } catch (UnknownHostException e) {
            promise.failed(e);
        } catch (DestinationGuard.RefusedDestinationException e) {
            promise.failed(e);
        }
    }
}
