package dev.logprobs4j.cli.internal;

import dev.logprobs4j.Json;
import dev.logprobs4j.JsonConfidence;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A self-contained HTML report of logprobs: the text as a heatmap by probability, a tooltip per
 * token (logprob, probability, top alternatives), a summary with the least confident spans and the
 * token table. One file with inline CSS and JavaScript and no network assets, readable in light and
 * dark mode. Every piece of text is escaped, so a token {@code <script>} shows as text. Stateless
 * and thread-safe.
 */
public final class HtmlReport {

    /** How many least confident spans the summary lists. */
    static final int SPANS = 3;

    /**
     * What a report shows: immutable.
     *
     * @param kind         {@code chat} or {@code score}
     * @param model        the model's name
     * @param prompt       the prompt of a chat, or {@code null} for a scored text
     * @param unscored     leading tokens of a scored text that nothing predicts (shown grey, first)
     * @param logprobs     the tokens to show as the heatmap
     * @param finishReason why a chat stopped, or {@code null}
     * @param jsonFields   the confidence of the answer's JSON fields, shown as a tree, or {@code null}
     */
    public record Input(String kind, String model, String prompt, List<String> unscored, Logprobs logprobs,
                        String finishReason, JsonConfidence jsonFields) {
        public Input {
            Objects.requireNonNull(kind, "kind must not be null");
            Objects.requireNonNull(model, "model must not be null");
            unscored = unscored == null ? List.of() : List.copyOf(unscored);
            Objects.requireNonNull(logprobs, "logprobs must not be null");
        }

        /** A report without JSON fields. */
        public Input(String kind, String model, String prompt, List<String> unscored, Logprobs logprobs, String finishReason) {
            this(kind, model, prompt, unscored, logprobs, finishReason, null);
        }
    }

    private HtmlReport() {
    }

    /** The report as one HTML document. */
    public static String render(Input in) {
        Logprobs lp = in.logprobs();
        int offset = in.unscored().size();
        StringBuilder out = new StringBuilder(8192 + lp.size() * 256);
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"color-scheme\" content=\"light dark\">\n")
                .append("<meta name=\"generator\" content=\"logprobs4j\">\n")
                .append("<title>logprobs4j ").append(TokenText.html(in.kind())).append(" · ")
                .append(TokenText.html(in.model())).append("</title>\n<style>").append(CSS).append("</style>\n</head>\n<body>\n");

        out.append("<header>\n<h1>logprobs4j <span class=\"kind\">").append(TokenText.html(in.kind()))
                .append(" report</span></h1>\n<p class=\"meta\">model <b>").append(TokenText.html(in.model()))
                .append("</b> · ").append(lp.size()).append(in.kind().equals("score") ? " scored tokens" : " tokens");
        if (offset > 0) {
            out.append(" · ").append(offset).append(" unscored");
        }
        if (in.finishReason() != null) {
            out.append(" · finish reason <b>").append(TokenText.html(in.finishReason())).append("</b>");
        }
        out.append("</p>\n</header>\n<main>\n");

        if (in.prompt() != null) {
            out.append("<section class=\"prompt\" aria-labelledby=\"h-prompt\">\n<h2 id=\"h-prompt\">Prompt</h2>\n<pre>")
                    .append(TokenText.html(in.prompt())).append("</pre>\n</section>\n");
        }

        // The summary comes first: in a long document the plot and the least confident spans are the way in.
        summary(in, out);
        out.append("<section aria-labelledby=\"h-text\">\n<h2 id=\"h-text\">")
                .append(in.kind().equals("score") ? "Text" : "Answer").append("</h2>\n");
        legend(out, offset > 0);
        out.append("<p class=\"hint\">Hover over a token, or focus it with Tab and move with the arrow keys, to see its alternatives.</p>\n");
        out.append("<div id=\"text\" class=\"text\">");
        for (int i = 0; i < offset; i++) {
            out.append("<span class=\"t u\" tabindex=\"0\" data-i=\"").append(i).append("\" data-token=\"")
                    .append(TokenText.html(in.unscored().get(i))).append("\" data-unscored=\"true\">");
            tokenText(in.unscored().get(i), out);
            out.append("</span>");
        }
        for (int i = 0; i < lp.size(); i++) {
            TokenLogprob t = lp.content().get(i);
            double p = t.probability();
            out.append("<span class=\"t l").append(AnsiColors.Level.of(p).ordinal()).append("\" tabindex=\"0\" data-i=\"")
                    .append(offset + i).append("\" data-token=\"").append(TokenText.html(t.token()))
                    .append("\" data-logprob=\"").append(t.isVeryUnlikely() ? "" : Double.toString(t.logprob()))
                    .append("\" data-alts=\"").append(TokenText.html(Json.write(alternatives(t.topLogprobs()))))
                    .append("\">");
            tokenText(t.token(), out);
            out.append("</span>");
        }
        out.append("</div>\n</section>\n");

        if (in.jsonFields() != null) {
            fieldTree(in.jsonFields(), out);
        }
        table(in, out);
        out.append("</main>\n<div id=\"tip\" role=\"tooltip\" hidden></div>\n<script>").append(JS).append("</script>\n</body>\n</html>\n");
        return out.toString();
    }

    private static List<Object> alternatives(List<TopLogprob> alts) {
        List<Object> out = new ArrayList<>(alts.size());
        for (TopLogprob a : alts) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("t", a.token());
            m.put("lp", a.isVeryUnlikely() ? null : a.logprob());
            out.add(m);
        }
        return out;
    }

    /** The token's text, with a visible marker before each line break so newline tokens can be seen and hovered. */
    private static void tokenText(String token, StringBuilder out) {
        if (token.isEmpty()) {
            out.append("<span class=\"mark\" aria-hidden=\"true\">∅</span>");
            return;
        }
        int from = 0;
        for (int nl = token.indexOf('\n'); nl >= 0; nl = token.indexOf('\n', from)) {
            out.append(TokenText.html(token.substring(from, nl))).append("<span class=\"mark\" aria-hidden=\"true\">⏎</span>\n");
            from = nl + 1;
        }
        out.append(TokenText.html(token.substring(from)));
    }

    private static void legend(StringBuilder out, boolean withUnscored) {
        out.append("<ul class=\"legend\" aria-label=\"Colour legend: probability of each token\">");
        for (AnsiColors.Level level : AnsiColors.Level.values()) {
            out.append("<li><span class=\"sw l").append(level.ordinal()).append("\"></span>")
                    .append(TokenText.html(level.label())).append("</li>");
        }
        if (withUnscored) {
            out.append("<li><span class=\"sw u\"></span>unscored</li>");
        }
        out.append("</ul>\n");
    }

    private static void summary(Input in, StringBuilder out) {
        Logprobs lp = in.logprobs();
        int offset = in.unscored().size();
        out.append("<section class=\"summary\" aria-labelledby=\"h-summary\">\n<h2 id=\"h-summary\">Summary</h2>\n<dl class=\"stats\">");
        stat(out, "tokens", Integer.toString(lp.size()), "stat-tokens");
        stat(out, "total logprob", Numbers.stat(lp.totalLogprob()), "stat-total");
        stat(out, "mean logprob", Numbers.stat(lp.meanLogprob()), "stat-mean");
        stat(out, "perplexity", Numbers.stat(lp.perplexity()), "stat-perplexity");
        out.append("</dl>\n");
        List<Logprobs.Span> spans = lp.leastConfidentSpans(SPANS, Summary.SPAN_LENGTH);
        plot(lp, offset, spans, out);
        if (!spans.isEmpty()) {
            out.append("<h3>Least confident spans</h3>\n<ol class=\"spans\">");
            for (Logprobs.Span s : spans) {
                double meanP = Math.exp(s.meanLogprob());
                out.append("<li><button type=\"button\" class=\"span l").append(AnsiColors.Level.of(meanP).ordinal())
                        .append("\" data-start=\"").append(offset + s.start()).append("\" data-end=\"")
                        .append(offset + s.end()).append("\"><code>").append(TokenText.html(TokenText.visible(s.text())))
                        .append("</code></button> <span class=\"muted\">tokens ").append(offset + s.start()).append('–')
                        .append(offset + s.end() - 1).append(" · geometric mean p ").append(Numbers.percent(meanP))
                        .append("</span></li>");
            }
            out.append("</ol>\n");
        }
        out.append("</section>\n");
    }

    /** Points across the plot at most: longer texts are bucketed, each bucket drawn at its mean and its minimum. */
    static final int PLOT_POINTS = 600;
    /** The plot's floor: lower logprobs are drawn at it. */
    private static final double PLOT_FLOOR = -12;

    /**
     * A line chart of logprob along the text, so the places where the model was surprised stand
     * out in a long document: the mean logprob per bucket of tokens as an area, the least likely
     * token of each bucket as a line, the least confident spans as marks. Clicking it goes to the
     * token there.
     */
    private static void plot(Logprobs lp, int offset, List<Logprobs.Span> spans, StringBuilder out) {
        int n = lp.size();
        if (n < 2) {
            return;
        }
        int buckets = Math.min(n, PLOT_POINTS);
        StringBuilder area = new StringBuilder("M0,4");
        StringBuilder lows = new StringBuilder();
        for (int b = 0; b < buckets; b++) {
            int from = (int) ((long) b * n / buckets);
            int to = (int) ((long) (b + 1) * n / buckets);
            double sum = 0;
            double min = 0;
            int known = 0;
            for (int i = from; i < to; i++) {
                TokenLogprob t = lp.content().get(i);
                if (!t.isVeryUnlikely()) {
                    sum += t.logprob();
                    min = Math.min(min, t.logprob());
                    known++;
                }
            }
            String x = Numbers.fixed(1000.0 * (b + 0.5) / buckets, 1);
            area.append(" L").append(x).append(',').append(Numbers.fixed(plotY(known == 0 ? 0 : sum / known), 1));
            lows.append(b == 0 ? "" : " ").append(x).append(',').append(Numbers.fixed(plotY(min), 1));
        }
        area.append(" L1000,4 Z");
        out.append("<h3 id=\"h-plot\">Logprob along the text</h3>\n<svg id=\"plot\" class=\"plot\" viewBox=\"0 0 1000 120\"")
                .append(" preserveAspectRatio=\"none\" role=\"img\" aria-labelledby=\"h-plot\" data-first=\"").append(offset)
                .append("\" data-count=\"").append(n).append("\">")
                .append("<line class=\"axis\" x1=\"0\" y1=\"4\" x2=\"1000\" y2=\"4\"/>")
                .append("<path class=\"mean\" d=\"").append(area).append("\"/>")
                .append("<polyline class=\"low\" points=\"").append(lows).append("\"/>");
        for (Logprobs.Span sp : spans) {
            out.append("<rect class=\"mark\" x=\"").append(Numbers.fixed(1000.0 * sp.start() / n, 1))
                    .append("\" y=\"0\" width=\"").append(Numbers.fixed(Math.max(3, 1000.0 * (sp.end() - sp.start()) / n), 1))
                    .append("\" height=\"120\" data-start=\"").append(offset + sp.start()).append("\"/>");
        }
        out.append("</svg>\n<p class=\"hint\">Top: logprob 0 (certain); bottom: ").append((int) PLOT_FLOOR)
                .append(" or lower. The area is the mean logprob, the line the least likely token, of each stretch of ")
                .append(n <= PLOT_POINTS ? "1 token" : "about " + Math.round((double) n / buckets) + " tokens")
                .append("; the bands are the least confident spans. Click to go to that token.</p>\n");
    }

    private static double plotY(double logprob) {
        return 4 + 112 * Math.min(1, Math.max(0, logprob / PLOT_FLOOR));
    }

    /**
     * The JSON answer's keys and leaf values as a tree (nested by path depth), each value coloured
     * by the joint probability of the tokens it owns, with the deciding token's probability.
     */
    private static void fieldTree(JsonConfidence c, StringBuilder out) {
        out.append("<section class=\"fields\" aria-labelledby=\"h-fields\">\n<h2 id=\"h-fields\">JSON fields</h2>\n<ul class=\"tree\">");
        List<JsonConfidence.Field> fields = c.fields();
        for (int i = 0; i < fields.size(); i++) {
            JsonConfidence.Field f = fields.get(i);
            boolean key = f.kind() == JsonConfidence.Kind.KEY;
            JsonConfidence.Field value = key && i + 1 < fields.size() && fields.get(i + 1).path().equals(f.path()) ? fields.get(i + 1) : null;
            if (key && value != null) {
                i++; // a key and its leaf value share one line
            }
            JsonConfidence.Field shown = value != null ? value : f;
            double joint = shown.ownedTokens() == 0 ? Double.NaN : Math.exp(shown.jointLogprob());
            out.append("<li class=\"field\" style=\"--depth:").append(depth(f.path())).append("\" data-path=\"")
                    .append(TokenText.html(f.path())).append("\"><code class=\"path\">").append(TokenText.html(last(f.path())))
                    .append("</code>");
            if (key && value == null) {
                out.append(" <span class=\"muted\">(object or array below)</span></li>");
                continue;
            }
            out.append(" <code class=\"v").append(Double.isNaN(joint) ? "" : " l" + AnsiColors.Level.of(joint).ordinal()).append("\">")
                    .append(TokenText.html(shown.text())).append("</code> <span class=\"muted\">joint p ")
                    .append(TokenText.html(Double.isNaN(joint) ? "n/a" : Numbers.percent(joint))).append(" · decided by <code>")
                    .append(TokenText.html(TokenText.visible(shown.decision().token()))).append("</code> ")
                    .append(TokenText.html(Numbers.percent(shown.decision().probability()))).append("</span></li>");
        }
        out.append("</ul>\n");
        c.error().ifPresent(e -> out.append("<p class=\"error\">JSON stops early: ").append(TokenText.html(e.toString())).append("</p>\n"));
        out.append("</section>\n");
    }

    private static int depth(String path) {
        int d = 0;
        for (int i = 1; i < path.length(); i++) {
            char ch = path.charAt(i);
            if (ch == '.' || ch == '[') {
                d++;
            }
        }
        return Math.max(0, d - 1);
    }

    private static String last(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut <= 0 ? path : path.substring(cut);
    }

    private static void stat(StringBuilder out, String name, String value, String id) {
        out.append("<div><dt>").append(name).append("</dt><dd id=\"").append(id).append("\">")
                .append(TokenText.html(value)).append("</dd></div>");
    }

    private static void table(Input in, StringBuilder out) {
        Logprobs lp = in.logprobs();
        int offset = in.unscored().size();
        out.append("<details class=\"table\">\n<summary>Token table</summary>\n<table>\n<thead><tr><th>#</th><th>token</th>")
                .append("<th>logprob</th><th>prob</th><th>top alternatives</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < offset; i++) {
            out.append("<tr class=\"u\"><td>").append(i).append("</td><td><code>")
                    .append(TokenText.html(TokenText.visible(in.unscored().get(i))))
                    .append("</code></td><td colspan=\"3\" class=\"muted\">unscored: nothing before it</td></tr>\n");
        }
        for (int i = 0; i < lp.size(); i++) {
            TokenLogprob t = lp.content().get(i);
            out.append("<tr><td>").append(offset + i).append("</td><td><code class=\"l")
                    .append(AnsiColors.Level.of(t.probability()).ordinal()).append("\">")
                    .append(TokenText.html(TokenText.visible(t.token()))).append("</code></td><td>")
                    .append(Numbers.logprob(t.logprob())).append("</td><td>").append(Numbers.percent(t.probability()))
                    .append("</td><td>");
            for (TopLogprob a : t.topLogprobs()) {
                out.append("<code>").append(TokenText.html(TokenText.visible(a.token()))).append("</code> ")
                        .append(a.isVeryUnlikely() ? "n/a" : Numbers.percent(a.probability())).append(' ');
            }
            out.append("</td></tr>\n");
        }
        out.append("</tbody>\n</table>\n</details>\n");
    }

    private static final String CSS = """

            :root { --bg:#fbfbfa; --fg:#1d1f21; --muted:#6b6f76; --card:#ffffff; --border:#e3e3e0; --accent:#2f6fde;
              --l0:rgba(46,170,90,.20); --l1:rgba(215,175,0,.32); --l2:rgba(240,130,20,.38); --l3:rgba(225,45,45,.40);
              --l0s:#2eaa5a; --l1s:#c9a300; --l2s:#f08214; --l3s:#e12d2d; --u:rgba(120,120,120,.16); --tip:#20242b; --tipfg:#f3f4f6; }
            @media (prefers-color-scheme: dark) {
              :root { --bg:#15171a; --fg:#e6e6e3; --muted:#9aa0a8; --card:#1d2024; --border:#32363c; --accent:#7aa7ff;
                --l0:rgba(46,170,90,.30); --l1:rgba(215,175,0,.34); --l2:rgba(240,130,20,.42); --l3:rgba(235,60,60,.50);
                --u:rgba(160,160,160,.18); --tip:#f3f4f6; --tipfg:#1d1f21; }
            }
            * { box-sizing: border-box; }
            .tree { list-style:none; padding:0; margin:0; }
            .tree li { padding-left: calc(var(--depth) * 1.5em + .2em); margin: .15em 0; }
            .tree .path { color: var(--muted); }
            .tree .v { padding: 0 .25em; border-radius: 3px; }
            body { margin:0; background:var(--bg); color:var(--fg);
              font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
            header, main { max-width: 62rem; margin: 0 auto; padding: 0 1.25rem; }
            header { padding-top: 1.5rem; }
            h1 { font-size: 1.5rem; margin: 0 0 .25rem; letter-spacing: -.01em; }
            h1 .kind { color: var(--muted); font-weight: 500; }
            h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
            h3 { font-size: .95rem; margin: 1rem 0 .4rem; }
            .meta, .muted, .hint { color: var(--muted); }
            .hint { font-size: .85rem; margin: .25rem 0 .5rem; }
            code, pre, .text { font-family: ui-monospace, "SF Mono", "Cascadia Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace; }
            .prompt pre { background: var(--card); border: 1px solid var(--border); border-radius: 8px; padding: .75rem 1rem;
              white-space: pre-wrap; word-break: break-word; margin: 0; }
            .text { background: var(--card); border: 1px solid var(--border); border-radius: 10px; padding: 1rem 1.1rem;
              white-space: pre-wrap; word-break: break-word; font-size: 1.02rem; line-height: 2; }
            .t { border-radius: 3px; padding: .12em 0; cursor: default; outline: none; transition: box-shadow .1s; }
            .t:hover, .t:focus-visible, .t:focus { box-shadow: 0 0 0 2px var(--accent); }
            .t.hl { box-shadow: 0 0 0 2px var(--fg); }
            .l0 { background: var(--l0); } .l1 { background: var(--l1); } .l2 { background: var(--l2); } .l3 { background: var(--l3); }
            .u { background: var(--u); color: var(--muted); }
            .mark { color: var(--muted); font-size: .8em; }
            .legend { list-style: none; display: flex; flex-wrap: wrap; gap: .4rem 1.1rem; padding: 0; margin: .25rem 0; font-size: .9rem; }
            .legend li { display: flex; align-items: center; gap: .4rem; }
            .sw { display: inline-block; width: 1.1rem; height: 1.1rem; border-radius: 3px; border: 1px solid var(--border); }
            .stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: .6rem; margin: 0; }
            .stats div { background: var(--card); border: 1px solid var(--border); border-radius: 8px; padding: .5rem .8rem; }
            dt { color: var(--muted); font-size: .8rem; } dd { margin: 0; font-size: 1.15rem; font-variant-numeric: tabular-nums; }
            .spans { padding-left: 1.4rem; } .spans li { margin: .3rem 0; }
            button.span { font: inherit; color: inherit; border: 1px solid var(--border); border-radius: 6px; padding: .1rem .5rem; cursor: pointer; }
            button.span:hover, button.span:focus-visible { outline: 2px solid var(--accent); }
            details.table { margin: 1.5rem 0 3rem; }
            details.table summary { cursor: pointer; font-weight: 600; }
            table { border-collapse: collapse; width: 100%; margin-top: .5rem; font-size: .88rem; font-variant-numeric: tabular-nums; }
            th, td { text-align: left; padding: .25rem .6rem; border-bottom: 1px solid var(--border); vertical-align: top; }
            td code { padding: 0 .2rem; border-radius: 3px; white-space: pre; }
            #tip { position: fixed; z-index: 10; max-width: 22rem; background: var(--tip); color: var(--tipfg); border-radius: 8px;
              padding: .6rem .75rem; font-size: .85rem; line-height: 1.4; box-shadow: 0 6px 24px rgba(0,0,0,.25); pointer-events: none; }
            #tip .tok { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 1rem; font-weight: 600; }
            #tip .row { display: flex; justify-content: space-between; gap: 1rem; }
            #tip .alts { margin-top: .4rem; border-top: 1px solid rgba(128,128,128,.4); padding-top: .35rem; }
            #tip .alt { display: grid; grid-template-columns: minmax(4rem, 1fr) 4rem 5rem; gap: .5rem; align-items: center; }
            #tip .alt code { overflow: hidden; text-overflow: ellipsis; white-space: pre; }
            #tip .alt.chosen code { font-weight: 700; }
            #tip .bar { height: .45rem; border-radius: 2px; background: rgba(128,128,128,.3); overflow: hidden; }
            #tip .bar i { display: block; height: 100%; background: var(--accent); }
            #tip .pct { text-align: right; font-variant-numeric: tabular-nums; }
            .plot { width: 100%; height: 8rem; display: block; margin: .25rem 0; background: var(--card);
              border: 1px solid var(--border); border-radius: 8px; cursor: crosshair; }
            .plot .axis { stroke: var(--border); stroke-width: 1; vector-effect: non-scaling-stroke; }
            .plot .mean { fill: rgba(47,111,222,.22); stroke: var(--accent); stroke-width: 1; vector-effect: non-scaling-stroke; }
            .plot .low { fill: none; stroke: var(--l3s); stroke-width: 1; vector-effect: non-scaling-stroke; opacity: .7; }
            .plot .mark { fill: var(--l3); }
            @media print { #tip { display: none; } }
            """;

    private static final String JS = """

            (() => {
              const text = document.getElementById('text');
              const tip = document.getElementById('tip');
              const tokens = Array.from(text.querySelectorAll('.t'));
              const pct = p => (p > 0 && p < 0.0005) ? '<0.1%' : (p * 100).toFixed(1) + '%';
              const vis = s => s === '' ? '∅' : s.replace(/ /g, '·').replace(/\\n/g, '⏎').replace(/\\t/g, '⇥').replace(/\\r/g, '␍');
              const el = (tag, cls, txt) => { const e = document.createElement(tag); if (cls) e.className = cls; if (txt !== undefined) e.textContent = txt; return e; };
              const tokenOf = span => span.dataset.token;
              const row = (k, v) => { const r = el('div', 'row'); r.append(el('span', null, k), el('b', null, v)); return r; };
              function fill(span) {
                tip.replaceChildren();
                const head = el('div', 'row');
                head.append(el('span', 'tok', vis(tokenOf(span))), el('span', null, '#' + span.dataset.i));
                tip.append(head);
                if (span.dataset.unscored) { tip.append(el('div', null, 'unscored: nothing before it to predict it from')); return; }
                const lp = span.dataset.logprob === '' ? null : Number(span.dataset.logprob);
                tip.append(row('probability', lp === null ? 'n/a' : pct(Math.exp(lp))), row('logprob', lp === null ? 'n/a' : lp.toFixed(4)));
                const alts = JSON.parse(span.dataset.alts || '[]');
                if (alts.length) {
                  const box = el('div', 'alts');
                  box.append(el('div', null, 'top alternatives'));
                  const chosen = tokenOf(span);
                  for (const a of alts) {
                    const p = a.lp === null ? 0 : Math.exp(a.lp);
                    const line = el('div', 'alt' + (a.t === chosen ? ' chosen' : ''));
                    const bar = el('span', 'bar'); const fillBar = el('i'); fillBar.style.width = (p * 100).toFixed(1) + '%'; bar.append(fillBar);
                    line.append(el('code', null, vis(a.t)), el('span', 'pct', a.lp === null ? 'n/a' : pct(p)), bar);
                    box.append(line);
                  }
                  tip.append(box);
                }
              }
              function show(span) {
                fill(span);
                tip.hidden = false;
                const r = span.getBoundingClientRect(), w = tip.offsetWidth, h = tip.offsetHeight;
                let x = Math.min(Math.max(8, r.left), window.innerWidth - w - 8);
                let y = r.bottom + 8;
                if (y + h > window.innerHeight - 8) y = Math.max(8, r.top - h - 8);
                tip.style.left = x + 'px'; tip.style.top = y + 'px';
                span.setAttribute('aria-describedby', 'tip');
              }
              function hide() {
                tip.hidden = true;
                for (const s of text.querySelectorAll('[aria-describedby]')) s.removeAttribute('aria-describedby');
              }
              text.addEventListener('mouseover', e => { const s = e.target.closest('.t'); if (s) show(s); });
              text.addEventListener('mouseleave', () => { if (!text.contains(document.activeElement)) hide(); });
              text.addEventListener('focusin', e => { const s = e.target.closest('.t'); if (s) show(s); });
              text.addEventListener('focusout', e => { if (!text.contains(e.relatedTarget)) hide(); });
              text.addEventListener('keydown', e => {
                const i = tokens.indexOf(e.target.closest('.t'));
                if (i < 0) return;
                let j = -1;
                if (e.key === 'ArrowRight' || e.key === 'ArrowDown') j = Math.min(tokens.length - 1, i + 1);
                else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') j = Math.max(0, i - 1);
                else if (e.key === 'Home') j = 0;
                else if (e.key === 'End') j = tokens.length - 1;
                else if (e.key === 'Escape') { hide(); return; }
                if (j >= 0) { e.preventDefault(); tokens[j].focus(); }
              });
              window.addEventListener('scroll', () => { if (!tip.hidden && document.activeElement && document.activeElement.classList.contains('t')) show(document.activeElement); }, { passive: true });
              const plot = document.getElementById('plot');
              if (plot) {
                plot.addEventListener('click', e => {
                  const r = plot.getBoundingClientRect();
                  const first = Number(plot.dataset.first), count = Number(plot.dataset.count);
                  const i = first + Math.min(count - 1, Math.max(0, Math.floor((e.clientX - r.left) / r.width * count)));
                  tokens[i].scrollIntoView({ block: 'center' });
                  tokens[i].focus({ preventScroll: true });
                });
              }
              for (const b of document.querySelectorAll('button.span')) {
                b.addEventListener('click', () => {
                  for (const t of text.querySelectorAll('.hl')) t.classList.remove('hl');
                  const start = Number(b.dataset.start), end = Number(b.dataset.end);
                  for (let i = start; i < end; i++) tokens[i].classList.add('hl');
                  tokens[start].scrollIntoView({ block: 'center' });
                  tokens[start].focus({ preventScroll: true });
                });
              }
            })();
            """;
}
