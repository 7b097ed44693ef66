"""Reading the guide tells nobody else: no request leaves the site, no cookie
is set, and nothing the page needs is blocked."""

from urllib.parse import urlsplit

import pytest

from radiology_guide.guide.models import FAQ
from tests.browser.support import sitemap_paths

pytestmark = [pytest.mark.browser, pytest.mark.layout]


def test_reading_every_public_page_contacts_no_other_host_and_sets_no_cookie(site, context):
    page = context.new_page()
    requested, problems = [], []
    context.on("request", lambda request: requested.append(request.url))

    # A blocked script or style (the CSP at work), or a script error, shows here.
    def on_console(message):
        # The 404 page's own status is logged as an error too; it is expected.
        if message.type == "error" and not message.location["url"].endswith("/no-such-page/"):
            problems.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))

    # Every page a reader can reach, except the enquiry form: a form page
    # needs the CSRF cookie, which is set for the form, not for reading.
    # (The enquiry form, in every language, is the one page that sets a cookie: its CSRF token.)
    paths = [path for path in sitemap_paths(page, site) if not path.endswith("/enquire/")]
    assert "/" in paths and any(path.startswith("/guide/") for path in paths)
    for path in [*paths, f"/faqs/#{FAQ.objects.first().anchor}", "/no-such-page/"]:
        page.goto(site + path)
        page.wait_for_load_state("load")

    server = urlsplit(site).netloc
    elsewhere = sorted({url for url in requested if urlsplit(url).netloc != server})
    assert elsewhere == [], "requests to other hosts:\n" + "\n".join(elsewhere)
    assert any(urlsplit(url).path.endswith(".css") for url in requested), "the stylesheet was never requested"
    assert context.cookies() == [], f"cookies set for a reader: {context.cookies()}"
    assert problems == [], "errors in the browser console:\n" + "\n".join(problems)
