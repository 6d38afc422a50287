package dev.logprobs4j.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    private static final Pattern TOKEN_SPAN = Pattern.compile("<span class=\"t (l[0-3]|u)\" tabindex=\"0\"([^>]*)>");

    private static String report() {
        return HtmlReport.render(new HtmlReport.Input("chat", "model <b>&", "say <script>alert(1)</script>", List.of(),
                Fixtures.fourLevels(), "length"));
    }

    private static String unescape(String attr) {
        return attr.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    @Test
    void aScriptTokenIsTextNotMarkup() {
        String html = report();
        // The page's own script is the only <script> element: tokens, prompt and model are escaped.
        assertThat(html.split("<script>", -1)).hasSize(2);
        assertThat(html).contains("&lt;script&gt;", "model &lt;b&gt;&amp;", "say &lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(html).doesNotContain("<b>&").doesNotContain("alert(1)</script>");
    }

    @Test
    void everyTokenIsAFocusableSpanColouredByItsLevel() {
        Matcher m = TOKEN_SPAN.matcher(report());
        List<String> levels = m.results().map(r -> r.group(1)).toList();
        assertThat(levels).containsExactly("l0", "l1", "l2", "l3");
    }

    @Test
    void spansCarryTheirLogprobAndAlternativesAsData() throws Exception {
        Matcher m = TOKEN_SPAN.matcher(report());
        assertThat(m.find()).isTrue();
        assertThat(m.find()).isTrue();
        String attrs = m.group(2);
        Matcher lp = Pattern.compile("data-logprob=\"([^\"]*)\"").matcher(attrs);
        assertThat(lp.find()).isTrue();
        assertThat(Double.parseDouble(lp.group(1))).isEqualTo(Math.log(0.6));
        Matcher alts = Pattern.compile("data-alts=\"([^\"]*)\"").matcher(attrs);
        assertThat(alts.find()).isTrue();
        JsonNode parsed = new ObjectMapper().readTree(unescape(alts.group(1)));
        assertThat(parsed).hasSize(2);
        assertThat(parsed.get(1).get("t").asText()).isEqualTo(" there");
        assertThat(parsed.get(1).get("lp").asDouble()).isEqualTo(Math.log(0.3));
        assertThat(attrs).contains("data-token=\" world\"");
    }

    @Test
    void alternativesWithMarkupAreEscapedInsideTheAttribute() {
        // the third token's alternative "&amp;" must arrive in the browser as the 5 characters &amp;
        assertThat(report()).contains("&quot;t&quot;: &quot;&amp;amp;&quot;");
    }

    @Test
    void newlineTokensGetAVisibleMarkAndARealLineBreak() {
        assertThat(report()).contains("<span class=\"mark\" aria-hidden=\"true\">⏎</span>\n</span>");
    }

    @Test
    void summaryShowsCountTotalPerplexityAndClickableSpans() {
        String html = report();
        double total = Math.log(0.95) + Math.log(0.6) + Math.log(0.3) + Math.log(0.1);
        assertThat(html).contains("<dd id=\"stat-tokens\">4</dd>")
                .contains("<dd id=\"stat-total\">" + String.format(java.util.Locale.ROOT, "%.4f", total) + "</dd>")
                .contains("<dd id=\"stat-perplexity\">" + String.format(java.util.Locale.ROOT, "%.4f", Math.exp(-total / 4)) + "</dd>")
                .contains("<button type=\"button\" class=\"span l2\" data-start=\"0\" data-end=\"4\">");
    }

    @Test
    void theDocumentIsSelfContained() {
        String html = report();
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<meta charset=\"utf-8\">")
                .doesNotContain("http://").doesNotContain("https://").doesNotContain(" src=").doesNotContain("<link")
                .doesNotContain("@import").doesNotContain("url(");
        assertThat(html).contains("prefers-color-scheme: dark").contains("class=\"legend\"").contains("role=\"tooltip\"");
    }

    @Test
    void unscoredTokensComeFirstAndIndexesContinueAfterThem() {
        String html = HtmlReport.render(new HtmlReport.Input("score", "m", null, List.of("Start"), Fixtures.fourLevels(), null));
        List<String> levels = TOKEN_SPAN.matcher(html).results().map(r -> r.group(1)).toList();
        assertThat(levels).containsExactly("u", "l0", "l1", "l2", "l3");
        assertThat(html).contains("data-i=\"3\" data-token=\"&lt;script&gt;\"").contains("unscored");
    }
}
