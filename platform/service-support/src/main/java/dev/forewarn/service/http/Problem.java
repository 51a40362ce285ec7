package dev.forewarn.service.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forewarn.service.http.Violation;
import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;

/** RFC 9457 problem details ({@code application/problem+json}), with the violations as {@code errors}. */
public final class Problem {

    public static final String CONTENT_TYPE = "application/problem+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Problem() {
    }

    public static ObjectNode of(int status, String title, String detail, List<Violation> violations) {
        ObjectNode problem = JSON.createObjectNode()
                .put("type", "https://forewarn.dev/problems/" + title.toLowerCase(Locale.ROOT).replace(' ', '-'))
                .put("title", title)
                .put("status", status)
                .put("detail", detail);
        if (!violations.isEmpty()) {
            problem.set("errors", errors(violations));
        }
        return problem;
    }

    public static ArrayNode errors(List<Violation> violations) {
        ArrayNode errors = JSON.createArrayNode();
        violations.forEach(v -> errors.addObject().put("pointer", v.pointer()).put("rule", v.rule()).put("detail", v.detail()));
        return errors;
    }

    /** Answers {@code ctx} with a problem. */
    public static void send(Context ctx, int status, String title, String detail, List<Violation> violations) {
        ObjectNode problem = of(status, title, detail, violations).put("instance", ctx.path());
        ctx.status(status).contentType(CONTENT_TYPE).result(problem.toString());
    }
}
