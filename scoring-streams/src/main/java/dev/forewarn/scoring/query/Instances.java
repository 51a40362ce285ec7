package dev.forewarn.scoring.query;

import dev.forewarn.service.http.Problem;
import io.javalin.http.Context;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The scoring instances behind one query: forwarding a request to the instance that owns a key, asking
 * every other instance for its part of a list, and the 503 answered while ownership is moving.
 * A forwarded request carries {@value #FORWARDED}, so it is never forwarded twice.
 */
final class Instances {

    static final String FORWARDED = "X-Forewarn-Forwarded";

    private final Supplier<HostInfo> self;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    Instances(Supplier<HostInfo> self) {
        this.self = self;
    }

    HostInfo self() {
        return self.get();
    }

    void forward(Context ctx, HostInfo owner) throws Exception {
        if (ctx.header(FORWARDED) != null) {
            unavailable(ctx, "ownership is moving between instances");
            return;
        }
        HttpResponse<String> answer;
        try {
            answer = get(owner, ctx.path(), ctx.header("Authorization"));
        } catch (java.io.IOException e) {
            unavailable(ctx, "the owning instance " + owner + " did not answer");
            return;
        }
        answer.headers().firstValue("Retry-After").ifPresent(v -> ctx.header("Retry-After", v));
        ctx.status(answer.statusCode()).contentType(answer.headers().firstValue("Content-Type").orElse("application/json"))
                .result(answer.body());
    }

    /** GET of {@code pathAndQuery} on {@code host}, with the caller's {@code authorization} (instances share their tokens). */
    HttpResponse<String> get(HostInfo host, String pathAndQuery, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery))
                .header(FORWARDED, self.get().host() + ":" + self.get().port()).timeout(Duration.ofSeconds(5));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void unavailable(Context ctx, String detail) {
        ctx.header("Retry-After", "2");
        Problem.send(ctx, 503, "Service Unavailable", detail, List.of());
    }
}
