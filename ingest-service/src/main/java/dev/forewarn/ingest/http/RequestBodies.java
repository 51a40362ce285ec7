package dev.forewarn.ingest.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.forewarn.ingest.signal.EventIds;
import dev.forewarn.service.http.Problem;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reading requests, shared by the resources: the media type and its charset, UTF-8 sniffing, one
 * JSON value or NDJSON lines under hostile-input limits, and the trace id. Answers 400/415 itself
 * where a body cannot be read.
 */
final class RequestBodies {

    static final String NDJSON = "application/x-ndjson";
    /** The request attribute and MDC key holding the request's trace id (logs carry it). */
    static final String TRACE_ID = "traceId";
    static final String NOT_UTF8 = "the body must be UTF-8 (RFC 8259), not UTF-16 or UTF-32";

    /** Our bodies are flat objects in at most one array: deep nesting and huge numbers are hostile. */
    static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(16).maxNumberLength(64).maxStringLength(1 << 20).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** One body item: a parsed JSON value, or the reason it is not JSON (NDJSON lines fail alone). */
    record Item(JsonNode json, String malformed) {
    }

    private RequestBodies() {
    }

    /** The request's media type, lower case ("" when absent). */
    static String contentType(Context ctx) {
        return Optional.ofNullable(ctx.contentType()).orElse("").toLowerCase(Locale.ROOT);
    }

    /** A {@code charset} parameter, if any, must name UTF-8: JSON is UTF-8 on the wire (RFC 8259). */
    static boolean utf8(String contentType) {
        int charset = contentType.indexOf("charset=");
        if (charset < 0) {
            return true;
        }
        String name = contentType.substring(charset + 8).split(";")[0].trim().replace("\"", "");
        return name.equals("utf-8") || name.equals("utf8");
    }

    /** Rejects UTF-16/32 (BOM or NUL bytes up front), which Jackson would otherwise detect and accept. */
    static boolean looksUtf8(byte[] body) {
        if (body.length >= 2 && ((body[0] & 0xff) == 0xfe && (body[1] & 0xff) == 0xff
                || (body[0] & 0xff) == 0xff && (body[1] & 0xff) == 0xfe)) {
            return false;
        }
        for (int i = 0; i < Math.min(4, body.length); i++) {
            if (body[i] == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The body as exactly one UTF-8 JSON value; empty after answering 400 for anything else, with the reason passed
     * to {@code rejected} (encoding, empty-body, malformed-json) for the rejection counter.
     */
    static Optional<JsonNode> readJson(Context ctx, byte[] body, Consumer<String> rejected) {
        String problem;
        if (!looksUtf8(body)) {
            rejected.accept("encoding");
            problem = NOT_UTF8;
        } else {
            try {
                JsonNode json = JSON.readTree(body);
                if (json != null && !json.isMissingNode()) {
                    return Optional.of(json);
                }
                rejected.accept("empty-body");
                problem = "the body is empty";
            } catch (IOException e) {
                rejected.accept("malformed-json");
                problem = "the body is not valid JSON: " + firstLine(e);
            }
        }
        Problem.send(ctx, 400, "Malformed JSON", problem, List.of());
        return Optional.empty();
    }

    /** The non-blank lines of an NDJSON body, each parsed alone. */
    static List<Item> ndjsonItems(byte[] body) {
        List<Item> items = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                int end = i > start && body[i - 1] == '\r' ? i - 1 : i;
                if (!isBlank(body, start, end)) {
                    try {
                        items.add(new Item(JSON.readTree(body, start, end - start), null));
                    } catch (IOException e) {
                        items.add(new Item(null, firstLine(e)));
                    }
                }
                start = i + 1;
            }
        }
        return items;
    }

    private static boolean isBlank(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != ' ' && bytes[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    /** The caller's trace id ({@code traceparent}, else {@code X-Request-Id}), or a new one. */
    static String traceId(Context ctx) {
        String known = ctx.attribute(TRACE_ID);
        if (known != null) {
            return known;
        }
        String traceId = Optional.ofNullable(ctx.header("traceparent"))
                .or(() -> Optional.ofNullable(ctx.header("X-Request-Id")))
                .orElseGet(EventIds::next);
        ctx.attribute(TRACE_ID, traceId);
        return traceId;
    }

    /** Jackson's reason without the location and source excerpt, which could echo a hostile body. */
    static String firstLine(IOException e) {
        String message = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
        return Optional.ofNullable(message).orElse("").lines().findFirst().orElse("");
    }
}
