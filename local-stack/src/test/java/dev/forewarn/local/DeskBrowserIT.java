package dev.forewarn.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The quality desk in a real browser (headless Chromium through Selenium) against the real local stack: a person signs
 * in, complaints posted over HTTP raise an alert, the person finds it in the inbox, reads the customer's (hostile) text
 * on the entity page, acknowledges it and repeats stop, creates and expires a silence, gives feedback and sees it
 * counted, and follows a signed acknowledge link from a notification. The browser console must stay free of errors.
 * A failing test leaves a screenshot in {@code target/desk-screenshots}; the README's screenshots come from this test.
 */
class DeskBrowserIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path SHOTS = Path.of("target", "desk-screenshots");
    /** Customer text is hostile input: markup, quotes, and a long run of non-ASCII. */
    private static final String HOSTILE = "<script>document.title='pwned'</script> \"lid\" it's <b>broken</b> & "
            + "😡 ".repeat(20) + "Ünïcödé";

    @TempDir
    Path home;

    private LocalStack stack;
    private WebDriver browser;
    private IngestClient ingest;
    private String desk;
    private String alerting;

    @BeforeEach
    void start() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")) && Files.isExecutable(Path.of("/usr/bin/chromedriver")),
                "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver); .ci/run installs them");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        // Repeats every 2 s, so the test can see them stop after the acknowledgement.
        stack = LocalStack.start(LocalStack.Options.ephemeral(home).withReceiverPort(dev.forewarn.kafka.SingleNodeKafka.freePort()),
                Map.of("ALERTING_REPEAT_INTERVAL", "2s"), new PrintStream(console, true, StandardCharsets.UTF_8));
        ingest = new IngestClient(stack.ingestUrl(), Optional.empty());
        desk = stack.deskUrl();
        alerting = stack.urls().get("alerting-service");

        ChromeOptions options = new ChromeOptions()
                .setBinary("/usr/bin/chromium")
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000");
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterEach
    void stop(TestInfo test) {
        if (browser != null) {
            browser.quit();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aQualityOwnerSignsInFindsTheAlertReadsTheEvidenceAndActsOnIt(TestInfo test) throws Exception {
        try {
            walkThrough();
        } catch (Throwable failure) {
            screenshot("failed-" + test.getTestMethod().orElseThrow().getName());
            throw failure;
        }
    }

    private void walkThrough() throws Exception {
        String customer = "C-DESK-" + UUID.randomUUID().toString().substring(0, 6);
        owner(customer, "am-desk", "Grace Hopper");

        // Signing in: the desk sends a stranger to the sign-in page, refuses a wrong token, takes the stack's.
        browser.get(desk + "/inbox");
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.getCurrentUrl().contains("/sign-in"));
        signIn("not-a-token");
        expectText(By.cssSelector("[role=alert]"), "not valid");
        signIn(stack.deskToken());
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.getCurrentUrl().endsWith("/inbox"));

        // Complaints over HTTP until the customer's alert fires.
        complaint(customer, "K-1", 5, HOSTILE);
        complaint(customer, "K-2", 4, "Second broken lid in a week.");
        String alertId = "CUSTOMER:" + customer;
        await().atMost(Duration.ofSeconds(60)).until(() -> api("/v1/alerts/" + alertId).path("state").asText().equals("FIRING"));

        // The inbox finds it by part of its id.
        browser.get(desk + "/inbox");
        browser.findElement(By.name("q")).sendKeys(customer.substring(0, 10));
        browser.findElement(By.cssSelector("form.filters button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.getCurrentUrl().contains("q="));
        WebElement row = browser.findElement(By.linkText("customer " + customer));
        screenshot("inbox");
        row.click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.getCurrentUrl().contains("/entities/customer/"));

        // The entity page: the customer's words, shown as text (no markup ran: the title is the page's own).
        assertThat(browser.getCurrentUrl()).contains("/entities/customer/" + customer);
        String evidence = text(By.cssSelector("table.evidence"));
        assertThat(evidence).contains("<script>document.title='pwned'</script>").contains("\"lid\" it's <b>broken</b>").contains("😡");
        assertThat(browser.getTitle()).startsWith("Customer " + customer);
        assertThat(browser.findElements(By.cssSelector("table.evidence b"))).isEmpty();
        screenshot("entity");

        // Acknowledge with a comment: the alert says so and repeats stop.
        await().atMost(Duration.ofSeconds(30)).until(() -> repeats(customer) >= 1);
        browser.findElement(By.id("ack-comment")).sendKeys("called the customer");
        browser.findElement(By.xpath("//button[text()='Acknowledge']")).click();
        expectText(By.cssSelector("[role=status]"), "Acknowledged");
        await().atMost(Duration.ofSeconds(30)).until(() -> api("/v1/alerts/" + alertId).path("state").asText().equals("ACKNOWLEDGED"));
        long repeatsAtAck = repeats(customer);
        await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(8)).until(() -> repeats(customer) <= repeatsAtAck + 1);
        browser.navigate().refresh();
        assertThat(text(By.cssSelector("section[aria-labelledby=alert-h]"))).contains("acknowledged by local");
        // The timeline shows each notification's delivery, from the audit.
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            browser.navigate().refresh();
            return !browser.findElements(By.cssSelector("table.deliveries")).isEmpty()
                    && text(By.cssSelector("table.deliveries")).contains("DELIVERED");
        });

        // Feedback: confirmed problem, counted on the quality page.
        browser.findElement(By.cssSelector("input[name=verdict][value=CONFIRMED]")).click();
        browser.findElement(By.id("fb-comment")).sendKeys("they were about to leave");
        browser.findElement(By.xpath("//button[text()='Send feedback']")).click();
        expectText(By.cssSelector("[role=status]"), "feedback");
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            browser.get(desk + "/quality");
            return Integer.parseInt(text(By.id("confirmed"))) >= 1;
        });
        assertThat(text(By.id("false-alarm-rate"))).isEqualTo("0 %");

        // A silence from the entity page (prefilled), then expired.
        browser.get(desk + "/entities/customer/" + customer);
        browser.findElement(By.xpath("//button[starts-with(text(), 'Silence this customer')]")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.getCurrentUrl().contains("/silences"));
        assertThat(browser.findElement(By.id("s-id")).getAttribute("value")).isEqualTo(customer);
        browser.findElement(By.cssSelector("input[name=duration][value='1d']")).click();
        browser.findElement(By.id("s-comment")).sendKeys("on leave; the customer is handled");
        browser.findElement(By.xpath("//button[text()='Create silence']")).click();
        expectText(By.cssSelector("[role=status]"), "Silence created");
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            browser.get(desk + "/silences");
            return browser.findElements(By.xpath("//tr[td[contains(., '" + customer + "')] and td[text()='active']]")).size() == 1;
        });
        browser.findElement(By.xpath("//tr[td[contains(., '" + customer + "')]]//button[text()='Expire now']")).click();
        expectText(By.cssSelector("[role=status]"), "expired");
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            browser.get(desk + "/silences");
            return browser.findElements(By.xpath("//tr[td[contains(., '" + customer + "')]]")).isEmpty();
        });

        // A second customer's notification carries a signed acknowledge link: it opens a confirmation page (nothing
        // changes on GET), and its button acknowledges.
        String second = customer + "-B";
        owner(second, "am-desk", "Grace Hopper");
        complaint(second, "K-9", 5, "Cancelling unless this is fixed today.");
        complaint(second, "K-10", 5, "Still broken.");
        String secondId = "CUSTOMER:" + second;
        AlertReceiver.Received notification = await().atMost(Duration.ofSeconds(60)).until(
                () -> stack.receiver().received().stream().filter(r -> r.entityKey().equals(secondId) && r.oneClickAcknowledge().isPresent())
                        .findFirst().orElse(null), r -> r != null);
        String link = notification.oneClickAcknowledge().orElseThrow();
        assertThat(link).startsWith(desk + "/ack/");
        browser.findElement(By.cssSelector("form.signout button")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.getCurrentUrl().contains("/sign-in"));
        browser.get(link);
        assertThat(api("/v1/alerts/" + secondId).path("state").asText()).isEqualTo("FIRING");
        browser.findElement(By.xpath("//button[starts-with(text(), 'Acknowledge')]")).click();
        expectText(By.cssSelector("main"), "is acknowledged");
        await().atMost(Duration.ofSeconds(30)).until(() -> api("/v1/alerts/" + secondId).path("state").asText().equals("ACKNOWLEDGED"));
        // A tampered link is refused.
        browser.get(link.replace("sig=", "sig=x"));
        assertThat(text(By.cssSelector("h1"))).isEqualTo("Invalid link");

        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                // Chromium logs every page answered with an error status: the wrong token (401) and the tampered link (403) are meant.
                .filter(e -> !e.getMessage().matches("(?s).*/sign-in - .*status of 401.*") && !e.getMessage().matches("(?s).*/ack/.*status of 403.*"))
                .toList();
        assertThat(errors).as("browser console errors").isEmpty();
    }

    private void signIn(String token) {
        if (!browser.getCurrentUrl().contains("/sign-in")) {
            browser.get(desk + "/sign-in");
        }
        WebElement field = browser.findElement(By.id("token"));
        field.clear();
        field.sendKeys(token);
        browser.findElement(By.cssSelector("form.signin button[type=submit]")).click();
    }

    /**
     * Waits for an element matched by {@code by} whose text contains {@code expected}: a click that submits a form returns
     * before the browser has loaded the page the form leads to.
     */
    private void expectText(By by, String expected) {
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions()
                .until(() -> browser.findElements(by).stream().anyMatch(e -> e.getText().contains(expected)));
    }

    private String text(By by) {
        return browser.findElement(by).getText();
    }

    private long repeats(String customer) {
        return stack.receiver().received().stream().filter(r -> r.entityId().equals(customer) && r.kind().equals("REPEAT")).count();
    }

    private void owner(String customer, String ownerId, String name) throws Exception {
        ObjectNode owner = IngestClient.JSON.createObjectNode().put("ownerId", ownerId).put("ownerName", name)
                .put("webhookUrl", stack.receiver().url() + "/hooks/" + ownerId);
        ingest.putOwner("CUSTOMER", customer, owner).get();
        await().atMost(Duration.ofSeconds(20)).until(() -> api("/v1/owners?entityType=CUSTOMER&entityId=" + customer).path("total").asInt() == 1);
    }

    private void complaint(String customer, String complaintId, int severity, String description) throws Exception {
        Instant now = Instant.now();
        ObjectNode complaint = IngestClient.JSON.createObjectNode().put("customerId", customer).put("occurredAt", now.toString())
                .put("productId", "P-DESK").put("complaintId", complaintId).put("status", "OPENED").put("severity", severity)
                .put("slaDueAt", now.plus(Duration.ofDays(2)).toString()).put("category", "quality").put("description", description);
        assertThat(ingest.post("complaints", List.of(complaint)).get().rejected()).isEmpty();
    }

    private JsonNode api(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(alerting + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return IngestClient.JSON.readTree(response.statusCode() == 200 ? response.body() : "{}");
    }

    private void screenshot(String name) {
        try {
            Files.createDirectories(SHOTS);
            File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            System.err.println("no screenshot " + name + ": " + e);
        }
    }
}
