package dev.logprobs4j.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.TokenLogprob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the HTML report in headless Chromium and checks what a reader gets: one focusable span per
 * token, markup in tokens shown as text, and the tooltip a focused token shows. A probe script is
 * added to a copy of the report; Chromium's {@code --dump-dom} returns the page with its findings.
 * Needs the Debian package {@code chromium} ({@code apt-get install -y chromium}).
 */
class HtmlReportBrowserIT {

    static Path chromium;

    @TempDir
    Path tmp;

    @BeforeAll
    static void findChromium() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(candidate))) {
                chromium = Path.of(candidate);
                return;
            }
        }
        fail("headless Chromium is needed for this test and was not found in /usr/bin: install it with "
                + "'apt-get update && apt-get install -y chromium'");
    }

    /** A report of 40 tokens: every confidence level, markup, quotes, a newline and wide characters. */
    static HtmlReport.Input input() {
        String[] words = {"Once", " upon", " a", " time", ",", " <script>", "alert(1)", "</script>", " \"quoted\"", " &amp;",
                "\n", " 日本", " there", " was", " a", " little", " girl", " named", " Lily", "."};
        double[] p = {0.99, 0.95, 0.7, 0.4, 0.15, 0.03};
        List<TokenLogprob> tokens = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String w = words[i % words.length];
            double pi = p[i % p.length];
            tokens.add(Fixtures.token(w, pi, w, pi, " the", (1 - pi) * 0.6, " <b>", (1 - pi) * 0.3));
        }
        return new HtmlReport.Input("chat", "stories260K", "Once upon a time", List.of(), Logprobs.of(tokens), "length");
    }

    private static final String PROBE = """
            <script>
            (() => {
              // A headless window under load may not hold the system focus; then focus() moves
              // document.activeElement but fires no focus events, so send the one a user's Tab would.
              const nativeFocus = document.hasFocus();
              const focus = el => { el.focus(); if (!document.hasFocus()) el.dispatchEvent(new FocusEvent('focusin', { bubbles: true })); };
              const spans = document.querySelectorAll('#text .t');
              const target = spans[5];
              focus(target);
              const tip = document.getElementById('tip');
              const focusedTip = { hidden: tip.hidden, text: tip.textContent, describedBy: target.getAttribute('aria-describedby') };
              target.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
              if (!document.hasFocus()) document.activeElement.dispatchEvent(new FocusEvent('focusin', { bubbles: true }));
              const afterArrow = { active: document.activeElement.dataset.i, text: tip.textContent };
              target.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
              const escaped = tip.hidden;
              document.querySelector('button.span').click();
              const result = {
                tokens: spans.length,
                focusable: Array.from(spans).filter(s => s.tabIndex === 0).length,
                scripts: document.scripts.length,
                scriptTokenText: target.textContent,
                background: getComputedStyle(spans[0]).backgroundColor,
                focusedTip, afterArrow, escaped, nativeFocus,
                highlighted: document.querySelectorAll('#text .hl').length,
                activeAfterSpanClick: document.activeElement.dataset.i,
                perplexity: document.getElementById('stat-perplexity').textContent,
              };
              const pre = document.createElement('pre');
              pre.id = 'probe-result';
              pre.textContent = JSON.stringify(result);
              document.body.append(pre);
            })();
            </script>
            """;

    private String runChromium(List<String> extra, Path page) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage", "--user-data-dir=" + Files.createTempDirectory(tmp, "profile")));
        cmd.addAll(extra);
        cmd.add(page.toUri().toString());
        Path log = tmp.resolve("chromium.log");
        Process process = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("chromium did not finish in 90 s: " + Files.readString(log));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    private JsonNode probe(String html) throws Exception {
        return probe(html, PROBE);
    }

    private JsonNode probe(String html, String probe) throws Exception {
        Path page = tmp.resolve("probe.html");
        Files.writeString(page, html.replace("</body>", probe + "</body>"));
        String dom = runChromium(List.of("--dump-dom"), page);
        int start = dom.indexOf("<pre id=\"probe-result\">");
        assertThat(start).as("the probe's result in the dumped DOM:\n" + dom).isNotNegative();
        String json = dom.substring(start + "<pre id=\"probe-result\">".length(), dom.indexOf("</pre>", start));
        return new ObjectMapper().readTree(json.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&"));
    }

    @Test
    void theBrowserShowsOneFocusableSpanPerTokenAndTokensAsText() throws Exception {
        JsonNode r = probe(HtmlReport.render(input()));
        assertThat(r.get("tokens").asInt()).isEqualTo(40);
        assertThat(r.get("focusable").asInt()).isEqualTo(40);
        // the report's own script and the probe: the <script> tokens made no element
        assertThat(r.get("scripts").asInt()).isEqualTo(2);
        assertThat(r.get("scriptTokenText").asText()).isEqualTo(" <script>");
        assertThat(r.get("background").asText()).as("a coloured heatmap background").isNotEqualTo("rgba(0, 0, 0, 0)");
        assertThat(r.get("perplexity").asText()).isEqualTo(Numbers.stat(input().logprobs().perplexity()));
    }

    @Test
    void focusingATokenShowsItsLogprobProbabilityAndAlternatives() throws Exception {
        JsonNode r = probe(HtmlReport.render(input()));
        JsonNode tip = r.get("focusedTip");
        assertThat(tip.get("hidden").asBoolean()).isFalse();
        assertThat(tip.get("describedBy").asText()).isEqualTo("tip");
        // token 5 is " <script>" with p = 0.03: ln(0.03) = -3.5066; alternatives " the" 58.2%, " <b>" 29.1%
        assertThat(tip.get("text").asText()).contains("·<script>", "#5", "probability3.0%", "logprob-3.5066",
                "top alternatives", "·the58.2%", "·<b>29.1%");
        assertThat(r.get("afterArrow").get("active").asText()).isEqualTo("6");
        assertThat(r.get("afterArrow").get("text").asText()).contains("alert(1)", "#6");
        assertThat(r.get("escaped").asBoolean()).isTrue();
    }

    @Test
    void clickingALeastConfidentSpanHighlightsAndFocusesIt() throws Exception {
        JsonNode r = probe(HtmlReport.render(input()));
        assertThat(r.get("highlighted").asInt()).isEqualTo(Summary.SPAN_LENGTH);
        Logprobs.Span worst = input().logprobs().leastConfidentSpans(1, Summary.SPAN_LENGTH).get(0);
        assertThat(r.get("activeAfterSpanClick").asInt()).isEqualTo(worst.start());
    }

    /** A scored document of 10,000 tokens with a surprising stretch in the middle. */
    static HtmlReport.Input longDocument() {
        String[] words = {" the", " old", " prince", " said", ",", " and", " Anna", " smiled", ".", "\n"};
        List<TokenLogprob> tokens = new ArrayList<>();
        java.util.Random random = new java.util.Random(10_000);
        for (int i = 0; i < 10_000; i++) {
            double p = i >= 6_200 && i < 6_204 ? 0.001 : 0.3 + 0.69 * random.nextDouble();
            String w = words[i % words.length];
            tokens.add(Fixtures.token(w, p, w, p, " a", (1 - p) / 2));
        }
        return new HtmlReport.Input("score", "stories260K", null, List.of(), Logprobs.of(tokens), null);
    }

    private static final String LONG_PROBE = """
            <script>
            (() => {
              const focus = el => { el.focus(); if (!document.hasFocus()) el.dispatchEvent(new FocusEvent('focusin', { bubbles: true })); };
              const spans = document.querySelectorAll('#text .t');
              const tip = document.getElementById('tip');
              focus(spans[9000]);
              const tipText = tip.textContent, tipHidden = tip.hidden;
              document.querySelector('button.span').click();
              const afterSpan = { active: document.activeElement.dataset.i, highlighted: document.querySelectorAll('#text .hl').length,
                scrolledTo: Math.round(spans[6200].getBoundingClientRect().top) };
              const plot = document.getElementById('plot');
              const r = plot.getBoundingClientRect();
              plot.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: r.left + r.width * 0.25, clientY: r.top + 5 }));
              const result = {
                tokens: spans.length, tipText, tipHidden, afterSpan,
                afterPlotClick: document.activeElement.dataset.i,
                plotPoints: plot.querySelector('polyline').getAttribute('points').trim().split(/\\s+/).length,
                marks: plot.querySelectorAll('rect.mark').length,
                firstMarkStart: plot.querySelector('rect.mark').dataset.start,
                viewport: window.innerHeight,
              };
              const pre = document.createElement('pre');
              pre.id = 'probe-result';
              pre.textContent = JSON.stringify(result);
              document.body.append(pre);
            })();
            </script>
            """;

    @Test
    void aTenThousandTokenDocumentHasTooltipsSpanLinksAndAPlotThatLeadsIntoTheText() throws Exception {
        JsonNode r = probe(HtmlReport.render(longDocument()), LONG_PROBE);
        assertThat(r.get("tokens").asInt()).isEqualTo(10_000);
        assertThat(r.get("tipHidden").asBoolean()).isFalse();
        assertThat(r.get("tipText").asText()).contains("#9000", "probability", "top alternatives");
        // The least confident span is the surprising stretch: clicking it focuses and highlights it, in view.
        assertThat(r.at("/afterSpan/active").asText()).isEqualTo("6200");
        assertThat(r.at("/afterSpan/highlighted").asInt()).isEqualTo(Summary.SPAN_LENGTH);
        assertThat(r.at("/afterSpan/scrolledTo").asInt()).isBetween(0, r.get("viewport").asInt());
        assertThat(r.get("plotPoints").asInt()).isEqualTo(HtmlReport.PLOT_POINTS);
        assertThat(r.get("marks").asInt()).isEqualTo(HtmlReport.SPANS);
        assertThat(r.get("firstMarkStart").asText()).isEqualTo("6200");
        // A click a quarter of the way along the plot goes to the token a quarter of the way in.
        assertThat(r.get("afterPlotClick").asInt()).isBetween(2_450, 2_550);
    }

    @Test
    void screenshotOfALongDocumentReportIsWritten() throws Exception {
        Path page = tmp.resolve("long.html");
        Files.writeString(page, HtmlReport.render(longDocument()));
        Path shot = Path.of("target/report-long-screenshot.png").toAbsolutePath();
        Files.deleteIfExists(shot);
        runChromium(List.of("--screenshot=" + shot, "--window-size=1100,1400", "--hide-scrollbars"), page);
        assertThat(shot).exists();
        byte[] png = Files.readAllBytes(shot);
        assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    @Test
    void screenshotOfAReportWithATooltipIsWritten() throws Exception {
        String focus = "<script>document.querySelectorAll('#text .t')[5].focus();</script>";
        Path page = tmp.resolve("shot.html");
        Files.writeString(page, HtmlReport.render(input()).replace("</body>", focus + "</body>"));
        Path shot = Path.of("target/report-screenshot.png").toAbsolutePath();
        Files.deleteIfExists(shot);
        runChromium(List.of("--screenshot=" + shot, "--window-size=1100,900", "--hide-scrollbars"), page);
        assertThat(shot).exists();
        byte[] png = Files.readAllBytes(shot);
        assertThat(png.length).isGreaterThan(10_000);
        assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }
}
