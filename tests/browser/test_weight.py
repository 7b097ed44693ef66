"""Light enough for a slow connection: what a browser downloads for a page,
measured over the network from a server set up as in production (see the
`production_server` fixture: WhiteNoise serving collected, hashed and
compressed static files)."""

import re
from urllib.parse import urlsplit

import pytest

from tests.browser.support import sitemap_paths

pytestmark = [pytest.mark.browser, pytest.mark.layout]

BUDGET = 40 * 1024  # bytes per page, everything included, on a first visit
HASHED_NAME = re.compile(r"\.[0-9a-f]{12}(\.\w+)$")
ONE_YEAR = 365 * 24 * 3600


def max_age(headers):
    found = re.search(r"max-age=(\d+)", headers.get("cache-control", ""))
    return int(found.group(1)) if found else 0


# What the browser says each file of the page took on the network: headers
# plus the body as sent (compressed, when the server compressed it), from the
# Navigation and Resource Timing APIs, as DevTools shows in its "transferred"
# column. (The site's icon is fetched by the browser itself, once per site,
# outside the page; it is under 1 KB.)
TRANSFERRED_JS = """() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
  .map(entry => [entry.name, entry.transferSize])"""


def test_every_public_page_downloads_in_at_most_40_kb(production_site, context, page):
    # Every page as on a first visit: nothing comes from the browser's cache.
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    paths = sitemap_paths(page, production_site)
    weights, over = {}, []
    for path in paths:
        page.goto(production_site + path, wait_until="load")
        transferred = dict(page.evaluate(TRANSFERRED_JS))
        weights[path] = sum(transferred.values())
        stylesheets = [size for url, size in transferred.items() if url.endswith(".css")]
        assert stylesheets and min(stylesheets) > 0, f"{path}: the stylesheet was not downloaded"
        if weights[path] > BUDGET:
            files = ", ".join(f"{urlsplit(url).path} {size:,} B" for url, size in transferred.items())
            over.append(f"{path}: {weights[path]:,} B ({files})")
    assert any(path.startswith("/guide/") for path in weights)
    assert over == [], f"pages over {BUDGET:,} bytes:\n" + "\n".join(over)


def test_static_files_are_compressed_and_hashed_names_cached_for_a_year(production_site, page):
    # The FAQ page has a script as well as the stylesheet.
    with (
        page.expect_response(re.compile(r"/static/.+\.css$")) as stylesheet,
        page.expect_response(re.compile(r"/static/.+\.js$")) as script,
    ):
        page.goto(production_site + "/faqs/")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    # The browser fetches the icon outside the page; fetch it as it would.
    icon_response = page.request.get(production_site + icon, headers={"Accept-Encoding": "gzip, deflate"})
    files = {urlsplit(response.url).path: response.all_headers() for response in (stylesheet.value, script.value)} | {
        icon: icon_response.headers
    }

    for name, headers in files.items():
        assert HASHED_NAME.search(name), f"{name} has no content hash in its name"
        # Chromium asks for gzip over plain HTTP (and brotli too over HTTPS).
        assert headers.get("content-encoding") in {"gzip", "br"}, f"{name} was not sent compressed: {headers}"
        assert max_age(headers) >= ONE_YEAR and "immutable" in headers["cache-control"], headers["cache-control"]

        brotli = page.request.get(production_site + name, headers={"Accept-Encoding": "br"})
        assert brotli.headers.get("content-encoding") == "br", f"{name} is not available as brotli"
        assert "accept-encoding" in brotli.headers.get("vary", "").lower()

        # The same file under its plain name changes at the next deploy, so
        # browsers must not keep that for long.
        plain = page.request.get(production_site + HASHED_NAME.sub(r"\1", name))
        assert plain.ok
        assert max_age(plain.headers) <= 3600, f"{name} without its hash: {plain.headers['cache-control']}"
