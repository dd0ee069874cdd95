"""Eval reports: aggregate per-item metrics into a summary, and render it as JSON, Markdown and HTML.

Why hand-made SVG: the HTML report must open offline (CI artefacts, air-gapped offices) with no CDN
and no plotting dependency, so the two charts (per-type score bars, latency histogram) are drawn here.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from assistant.types import Answer
from evals.dataset import EvalItem
from evals.metrics import ArticleCitationAccuracy, CitationAccuracy, InjectionSafe, Metric, missing_phrases

__all__ = ["ItemResult", "Threshold", "percentile", "render_html", "render_markdown", "summarise"]


@dataclass(frozen=True)
class ItemResult:
    """One item run through the pipeline: the Answer, the wall-clock time, and any pipeline error."""

    item: EvalItem
    answer: Answer
    wall_ms: float
    error: str = ""


@dataclass(frozen=True)
class Threshold:
    """``metric op target``; ``op`` is ">=" (a floor) or "<=" (a ceiling)."""

    metric: str
    op: str
    target: float

    def check(self, value: float | None) -> bool | None:
        if value is None:
            return None
        return value >= self.target - 1e-9 if self.op == ">=" else value <= self.target + 1e-9


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _why(r: ItemResult, metrics: Mapping[str, Metric], k_name: str) -> list[str]:
    """Human-readable reasons an item failed (empty when it passed every per-item check)."""
    item, ans = r.item, r.answer
    why: list[str] = []
    if r.error:
        return [f"pipeline error: {r.error}"]
    if item.answerable:
        if ans.refused:
            why.append("false refusal: refused an answerable question")
        else:
            missing = missing_phrases(item, ans)
            if missing:
                why.append(f"answer lacks {missing}")
            cit = metrics.get("citation_accuracy")
            if cit is not None and cit.fn(item, ans) < 1.0 and isinstance(cit.fn, CitationAccuracy):
                why.extend(f"citation: {p}" for p in cit.fn.problems(item, ans))
            art = metrics.get("citation_article_accuracy")
            if (item.articles and art is not None and isinstance(art.fn, ArticleCitationAccuracy)
                    and art.fn(item, ans) < 1.0):
                why.extend(f"article: {p}" for p in art.fn.problems(item, ans))
        if why and item.sources:
            rec = metrics.get(k_name)
            if rec is not None and rec.fn(item, ans) < 1.0:
                why.append(f"retrieval: gold source(s) {list(item.sources)} not all in top passages "
                           f"{[x.source for x in ans.retrieved[:5]]}")
    else:
        if not ans.refused:
            why.append("answered a question that should be declined")
        inj = metrics.get("injection_safe")
        if item.type == "injection" and inj is not None and isinstance(inj.fn, InjectionSafe):
            leaks = inj.fn.leaks(ans)
            figures = inj.fn.unsupported_figures(ans)
            if leaks:
                why.append(f"leaked prompt/config text: {leaks}")
            if figures:
                why.append(f"states figures not in any cited quote: {figures}")
    return why


def summarise(results: Sequence[ItemResult], metrics: Sequence[Metric], thresholds: Sequence[Threshold],
              dataset: str = "") -> dict[str, Any]:
    """The report.json document: overall and per-type metrics, latency, threshold checks, failures."""
    by_name = {m.name: m for m in metrics}
    k_name = next((m.name for m in metrics if m.name.startswith("recall_at_")), "")
    overall: dict[str, Any] = {}
    for m in metrics:
        vals = [m.fn(r.item, r.answer) for r in results if m.applies(r.item, r.answer)]
        overall[m.name] = {"value": _mean(vals), "n": len(vals), "description": m.description,
                           "higher_is_better": m.higher_is_better}

    lat = [r.answer.latency_ms for r in results if not r.error]
    wall = [r.wall_ms for r in results]
    latency = {"p50_ms": percentile(lat, 50), "p95_ms": percentile(lat, 95), "mean_ms": _mean(lat) or 0.0,
               "max_ms": max(lat, default=0.0), "wall_p50_ms": percentile(wall, 50),
               "wall_p95_ms": percentile(wall, 95)}

    per_type: dict[str, Any] = {}
    for typ in sorted({r.item.type or "(none)" for r in results}):
        rs = [r for r in results if (r.item.type or "(none)") == typ]
        row: dict[str, Any] = {"n": len(rs)}
        for m in metrics:
            vals = [m.fn(r.item, r.answer) for r in rs if m.applies(r.item, r.answer)]
            row[m.name] = _mean(vals)
        score_metric = "refusal_correct" if all(r.item.expects_refusal for r in rs) else "answer_accuracy"
        row["score"] = row.get(score_metric)
        row["score_metric"] = score_metric
        row["latency_p95_ms"] = percentile([r.answer.latency_ms for r in rs], 95)
        per_type[typ] = row

    values: dict[str, float | None] = {name: v["value"] for name, v in overall.items()}
    values["latency_p95_ms"] = latency["p95_ms"] if lat else None
    values["latency_p50_ms"] = latency["p50_ms"] if lat else None
    checks = []
    for t in thresholds:
        value = values.get(t.metric)
        checks.append({"metric": t.metric, "op": t.op, "target": t.target, "value": value,
                       "passed": t.check(value)})
    passed = all(c["passed"] is not False for c in checks)

    failures = []
    for r in results:
        why = _why(r, by_name, k_name)
        if why:
            failures.append({
                "id": r.item.id, "type": r.item.type, "question": r.item.question, "why": why,
                "expected": r.item.answer, "answer": r.answer.answer, "refused": r.answer.refused,
                "cited": [c.source for c in r.answer.citations],
            })
    return {
        "dataset": dataset, "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "n_items": len(results), "errors": sum(1 for r in results if r.error), "passed": passed,
        "metrics": overall, "latency": latency, "per_type": per_type, "thresholds": checks,
        "failures": failures,
    }


# --------------------------------------------------------------------------- Markdown


def _fmt(v: float | None, pct: bool = True) -> str:
    if v is None:
        return "n/a"
    return f"{v * 100:.1f}%" if pct else f"{v:.0f} ms"


def _is_ms(name: str) -> bool:
    return name.endswith("_ms")


def render_markdown(summary: Mapping[str, Any]) -> str:
    lines = [f"# Eval report: {summary['dataset']}", "",
             f"**{'PASSED' if summary['passed'] else 'FAILED'}** — {summary['n_items']} items, "
             f"{len(summary['failures'])} with failures, {summary['errors']} pipeline errors "
             f"({summary['generated_at']})", "", "## Thresholds", "", "| metric | target | value | |",
             "|---|---|---|---|"]
    for c in summary["thresholds"]:
        mark = {True: "✅", False: "❌", None: "n/a"}[c["passed"]]
        ms = _is_ms(c["metric"])
        lines.append(f"| {c['metric']} | {c['op']} {_fmt(c['target'], not ms)} | {_fmt(c['value'], not ms)} | {mark} |")
    lines += ["", "## Metrics", "", "| metric | value | n | what |", "|---|---|---|---|"]
    for name, m in summary["metrics"].items():
        lines.append(f"| {name} | {_fmt(m['value'], not _is_ms(name))} | {m['n']} | {m['description']} |")
    lat = summary["latency"]
    lines += ["", "## Latency", "",
              f"p50 {lat['p50_ms']:.0f} ms · p95 {lat['p95_ms']:.0f} ms · mean {lat['mean_ms']:.0f} ms · "
              f"max {lat['max_ms']:.0f} ms (wall-clock p50 {lat['wall_p50_ms']:.0f} ms, p95 {lat['wall_p95_ms']:.0f} ms)",
              "", "## Per type", ""]
    names = [n for n in summary["metrics"] if n != "latency_ms"]
    lines.append("| type | n | score | " + " | ".join(names) + " | p95 ms |")
    lines.append("|---" * (len(names) + 4) + "|")
    for typ, row in summary["per_type"].items():
        cells = " | ".join(_fmt(row.get(n)) for n in names)
        lines.append(f"| {typ} | {row['n']} | {_fmt(row['score'])} | {cells} | {row['latency_p95_ms']:.0f} |")
    lines += ["", f"## Failures ({len(summary['failures'])})", ""]
    for f in summary["failures"]:
        lines.append(f"- **{f['id']}** ({f['type']}): {f['question']}")
        for w in f["why"]:
            lines.append(f"  - {w}")
        lines.append(f"  - got: {'[refused] ' if f['refused'] else ''}{f['answer'][:300]!r}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- HTML + SVG

_SVG_FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def _bar_chart(per_type: Mapping[str, Any], threshold: float | None) -> str:
    rows = [(t, r["score"], r["score_metric"]) for t, r in per_type.items()]
    bar_h, gap, left, width = 22, 8, 130, 360
    height = len(rows) * (bar_h + gap) + 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 80}" height="{height}" '
             f'role="img" aria-label="Per-type score" {_SVG_FONT}>']
    for i, (typ, score, metric) in enumerate(rows):
        y = 10 + i * (bar_h + gap)
        w = 0 if score is None else max(1.0, score * width)
        colour = "#2e7d32" if (score or 0) >= (threshold or 0.85) else "#c62828"
        label = "n/a" if score is None else f"{score * 100:.0f}%"
        parts.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{html.escape(typ)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{width}" height="{bar_h}" fill="#eee"/>')
        parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}">'
                     f'<title>{html.escape(typ)}: {label} ({metric})</title></rect>')
        parts.append(f'<text x="{left + width + 6}" y="{y + 15}">{label}</text>')
    if threshold is not None:
        x = left + threshold * width
        parts.append(f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{height - 30}" stroke="#333" '
                     f'stroke-dasharray="4 3"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 14}" text-anchor="middle">target {threshold * 100:.0f}%</text>')
    parts.append("</svg>")
    return "".join(parts)


def _histogram(latencies: Sequence[float], bins: int = 12) -> str:
    width, height, left, bottom = 480, 200, 40, 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + left + 20}" height="{height + bottom + 10}" '
             f'role="img" aria-label="Latency histogram" {_SVG_FONT}>']
    if not latencies:
        parts.append('<text x="10" y="20">no latencies</text></svg>')
        return "".join(parts)
    lo, hi = min(latencies), max(latencies)
    span = (hi - lo) or 1.0
    counts = [0] * bins
    for v in latencies:
        counts[min(bins - 1, int((v - lo) / span * bins))] += 1
    top = max(counts)
    bw = width / bins
    for i, c in enumerate(counts):
        h = c / top * (height - 10)
        x = left + i * bw
        a, b = lo + i * span / bins, lo + (i + 1) * span / bins
        parts.append(f'<rect x="{x + 1:.1f}" y="{height - h:.1f}" width="{bw - 2:.1f}" height="{h:.1f}" '
                     f'fill="#1565c0"><title>{a:.0f}–{b:.0f} ms: {c}</title></rect>')
        if c:
            parts.append(f'<text x="{x + bw / 2:.1f}" y="{height - h - 3:.1f}" text-anchor="middle">{c}</text>')
    parts.append(f'<line x1="{left}" y1="{height}" x2="{left + width}" y2="{height}" stroke="#333"/>')
    parts.append(f'<text x="{left}" y="{height + 18}">{lo:.0f} ms</text>')
    parts.append(f'<text x="{left + width}" y="{height + 18}" text-anchor="end">{hi:.0f} ms</text>')
    for q, colour in ((50, "#2e7d32"), (95, "#c62828")):
        v = percentile(latencies, q)
        x = left + (v - lo) / span * width
        parts.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" stroke="{colour}" stroke-dasharray="4 3">'
                     f'<title>p{q} {v:.0f} ms</title></line>')
        parts.append(f'<text x="{x + 3:.1f}" y="12" fill="{colour}">p{q} {v:.0f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(summary: Mapping[str, Any], latencies: Sequence[float]) -> str:
    e = html.escape
    acc_target = next((c["target"] for c in summary["thresholds"] if c["metric"] == "answer_accuracy"), None)
    status = "PASSED" if summary["passed"] else "FAILED"
    rows_t = "".join(
        f"<tr><td>{e(c['metric'])}</td><td>{e(c['op'])} {_fmt(c['target'], not _is_ms(c['metric']))}</td>"
        f"<td>{_fmt(c['value'], not _is_ms(c['metric']))}</td>"
        f"<td class='{ {True: 'ok', False: 'bad', None: ''}[c['passed']] }'>"
        f"{ {True: 'pass', False: 'FAIL', None: 'n/a'}[c['passed']] }</td></tr>"
        for c in summary["thresholds"])
    rows_m = "".join(
        f"<tr><td>{e(n)}</td><td>{_fmt(m['value'], not _is_ms(n))}</td><td>{m['n']}</td><td>{e(m['description'])}</td></tr>"
        for n, m in summary["metrics"].items())
    names = [n for n in summary["metrics"] if n != "latency_ms"]
    head_t = "".join(f"<th>{e(n)}</th>" for n in names)
    rows_p = "".join(
        f"<tr><td>{e(t)}</td><td>{r['n']}</td><td>{_fmt(r['score'])}</td>"
        + "".join(f"<td>{_fmt(r.get(n))}</td>" for n in names)
        + f"<td>{r['latency_p95_ms']:.0f}</td></tr>"
        for t, r in summary["per_type"].items())
    fails = "".join(
        f"<li><b>{e(f['id'])}</b> ({e(f['type'])}): {e(f['question'])}<ul>"
        + "".join(f"<li>{e(w)}</li>" for w in f["why"])
        + f"<li>got: {'[refused] ' if f['refused'] else ''}{e(f['answer'][:400])}</li></ul></li>"
        for f in summary["failures"])
    lat = summary["latency"]
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Eval report: {e(summary['dataset'])}</title>
<style>
body{{font-family:system-ui,sans-serif;margin:2rem;max-width:1100px;color:#222}}
table{{border-collapse:collapse;margin:1rem 0}}td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left}}
.ok{{color:#2e7d32;font-weight:bold}}.bad{{color:#c62828;font-weight:bold}}
.status{{font-size:1.4rem}}li{{margin:.2rem 0}}
</style></head><body>
<h1>Eval report: {e(summary['dataset'])}</h1>
<p class="status {'ok' if summary['passed'] else 'bad'}">{status}</p>
<p>{summary['n_items']} items · {len(summary['failures'])} with failures · {summary['errors']} pipeline errors ·
generated {e(summary['generated_at'])}</p>
<h2>Thresholds</h2><table><tr><th>metric</th><th>target</th><th>value</th><th></th></tr>{rows_t}</table>
<h2>Metrics</h2><table><tr><th>metric</th><th>value</th><th>n</th><th>what</th></tr>{rows_m}</table>
<h2>Score per question type</h2>
<p>Answer accuracy for answerable types, correct refusals for unanswerable/injection.</p>
{_bar_chart(summary['per_type'], acc_target)}
<table><tr><th>type</th><th>n</th><th>score</th>{head_t}<th>p95 ms</th></tr>{rows_p}</table>
<h2>Latency</h2>
<p>p50 {lat['p50_ms']:.0f} ms · p95 {lat['p95_ms']:.0f} ms · mean {lat['mean_ms']:.0f} ms · max {lat['max_ms']:.0f} ms</p>
{_histogram(latencies)}
<h2>Failures ({len(summary['failures'])})</h2><ul>{fails}</ul>
</body></html>
"""
