package dev.forewarn.local;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A signed-in session on the quality desk over plain HTTP, as its sign-in form does it (CSRF field and form cookie). */
final class DeskSession {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String base;
    private final String cookie;

    private DeskSession(String base, String cookie) {
        this.base = base;
        this.cookie = cookie;
    }

    static DeskSession signIn(String base, String token) throws Exception {
        HttpResponse<String> form = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/sign-in")).build(), HttpResponse.BodyHandlers.ofString());
        String body = "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&csrf="
                + URLEncoder.encode(field(form.body(), "csrf"), StandardCharsets.UTF_8);
        HttpResponse<String> signedIn = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookie(form, "forewarn_desk_form"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return new DeskSession(base, cookie(signedIn, "forewarn_desk"));
    }

    /** The page's HTML; fails on anything but 200. */
    String page(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** The integer in the element with this id ({@code <dd id="caught">3</dd>}). */
    static int figure(String html, String id) {
        Matcher m = Pattern.compile("id=\"" + id + "\">(\\d+)<").matcher(html);
        if (!m.find()) {
            throw new AssertionError("no figure " + id);
        }
        return Integer.parseInt(m.group(1));
    }

    private static String cookie(HttpResponse<String> response, String name) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).findFirst()
                .map(c -> c.substring(0, c.indexOf(';'))).orElseThrow(() -> new AssertionError("no cookie " + name + " from " + response.uri()));
    }

    private static String field(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
        if (!m.find()) {
            throw new AssertionError("no field " + name);
        }
        return m.group(1);
    }
}
