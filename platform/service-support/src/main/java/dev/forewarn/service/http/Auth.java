package dev.forewarn.service.http;

import dev.forewarn.service.auth.ApiKeys;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;

/** Token authentication of a route, the same in every service: 401 without a valid token, 403 without the scope. */
public final class Auth {

    private Auth() {
    }

    /**
     * The caller of {@code ctx} if its token ({@code Authorization: Bearer}, or {@code X-API-Key}) is valid and has
     * {@code scope}; otherwise answers 401 (with {@code WWW-Authenticate: Bearer}) or 403 as problem+json and returns empty.
     */
    public static Optional<ApiKeys.Caller> require(Context ctx, ApiKeys keys, String scope) {
        Optional<ApiKeys.Caller> caller = keys.caller(ApiKeys.presentedKey(ctx.header("Authorization"), ctx.header("X-API-Key")));
        if (caller.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer");
            Problem.send(ctx, 401, "Unauthorized", "send a valid token as 'Authorization: Bearer <token>' (or 'X-API-Key: <token>')",
                    List.of());
            return Optional.empty();
        }
        if (!caller.get().may(scope)) {
            Problem.send(ctx, 403, "Forbidden", "token '" + caller.get().name() + "' does not have the scope " + scope
                    + " this request needs", List.of());
            return Optional.empty();
        }
        return caller;
    }
}
