package dev.forewarn.ingest.http;

import dev.forewarn.service.HttpServers;
import dev.forewarn.service.http.Problem;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;

/**
 * The routes of ingest-service, in one static place the service and tests both use: the signal and
 * owner resources, the OpenAPI document, and problem+json for the statuses Javalin answers itself.
 * Every write answers 202 only after Kafka acknowledged the record; everything else is an RFC 9457
 * problem naming the field and the rule.
 */
public final class IngestRouting {

    private IngestRouting() {
    }

    public static void routes(RoutesConfig routes, SignalResource signals, OwnerResource owners, long maxBodyBytes) {
        signals.register(routes);
        owners.register(routes);
        HttpServers.openApi(routes, "ingest-service");
        // Statuses Javalin answers itself become problems too; ones a handler answered already stay as they are.
        routes.error(404, "*", ctx -> problemUnlessAnswered(ctx, "Not Found", "no route " + ctx.method() + " " + ctx.path()));
        routes.error(405, "*", ctx -> problemUnlessAnswered(ctx, "Method Not Allowed",
                ctx.method() + " is not allowed on " + ctx.path()));
        // Javalin enforces maxRequestSize while reading the body and answers 413.
        routes.error(413, "*", ctx -> problemUnlessAnswered(ctx, "Content Too Large",
                "the body is larger than " + maxBodyBytes + " bytes"));
    }

    private static void problemUnlessAnswered(Context ctx, String title, String detail) {
        if (!Optional.ofNullable(ctx.res().getContentType()).orElse("").startsWith(Problem.CONTENT_TYPE)) {
            Problem.send(ctx, ctx.statusCode(), title, detail, List.of());
        }
    }
}
