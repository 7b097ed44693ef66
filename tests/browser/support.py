"""What several browser tests share: the sitemap's pages and axe-core."""

import re
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe

# WCAG 2.0, 2.1 and 2.2, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = Axe()


def sitemap_paths(page, site):
    """Every public page's path, as the sitemap lists them."""
    xml = page.request.get(f"{site}/sitemap.xml").text()
    paths = [urlsplit(url).path for url in re.findall(r"<loc>(.*?)</loc>", xml)]
    assert len(paths) > 10, "the sitemap lists too few pages"
    return paths


def axe_violations(page, contrast=True):
    """Run axe-core on the page for WCAG 2.0/2.1/2.2 A and AA; one readable
    line per failing element: page, rule, impact, element and what is wrong.
    ``contrast=False`` leaves out colour contrast, a property of the
    stylesheet and by far the slowest rule (about 60% of axe's time)."""
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    if not contrast:
        options["rules"] = {"color-contrast": {"enabled": False}}
    results = AXE.run(page, options=options)
    lines = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            target = " ".join(map(str, node["target"]))
            summary = (node.get("failureSummary") or "").strip().splitlines()
            problem = summary[-1].strip() if summary else violation["help"]
            lines.append(f"{page.url}: {violation['id']} ({violation['impact']}) at {target}: {problem}")
    return lines
