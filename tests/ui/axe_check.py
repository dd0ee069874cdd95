"""axe-core (vendored in tests/ui/vendor) run inside a real page: WCAG 2.1 A/AA rules.

Contexts that use it are opened with ``bypass_csp=True``: our pages forbid injected scripts, and axe is one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(target: Any, *, exclude: list[str] | None = None) -> list[dict[str, Any]]:
    """Violations (impact, id, help, nodes) that axe finds in a page or frame."""
    if not target.evaluate("() => typeof window.axe !== 'undefined'"):
        target.add_script_tag(path=str(AXE_JS))
    context = {"exclude": [[s] for s in (exclude or [])]} if exclude else None
    result = target.evaluate(
        """async ([context, tags]) => {
            const r = await axe.run(context || document, {runOnly: {type: 'tag', values: tags},
                                                        resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || ''))}));
        }""", [context, TAGS])
    return list(result)


def assert_no_serious_violations(target: Any, where: str, *, exclude: list[str] | None = None) -> None:
    serious = [v for v in axe_violations(target, exclude=exclude) if v["impact"] in ("serious", "critical")]
    assert not serious, f"axe-core, {where}:\n" + json.dumps(serious, ensure_ascii=False, indent=1)
