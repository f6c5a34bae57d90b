"""axe-core in the pages the browser tests visit: any WCAG 2.0/2.1 A or AA violation fails the test.

axe is injected as an inline script, which the app's Content-Security-Policy (script-src 'self')
refuses; the test contexts are opened with bypass_csp=True for that reason only.
"""

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN = """async (tags) => {
    const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.map(n => n.target.join(' ')),
    }));
}"""


def violations(page) -> list[dict]:
    """The WCAG A/AA violations axe finds in the page as it is now (after its load)."""
    page.wait_for_load_state("load")
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN, TAGS)


def describe(found: list[dict]) -> str:
    return "\n".join(f"  {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["targets"]) for v in found)


def assert_accessible(page) -> None:
    """Fail with each violation's rule, impact and target selectors if axe finds any in the page."""
    found = violations(page)
    assert not found, f"axe: {len(found)} WCAG A/AA violation(s) on {page.url}\n{describe(found)}"
