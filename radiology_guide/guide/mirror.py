"""The static mirror: every public page written to a folder as plain HTML
(``manage.py export_site --output DIR``), with the static files and the
image library's renditions, so any static host serves the whole guide on
the day the application does not.

Each page in the sitemap, and each printable summary, is requested through
Django's full request handling as a patient at ``SITE_URL`` would be
(``core.warming.patient_client``), so its ``<main>`` is byte for byte what
the live site serves. Only the frame around it changes: the search form and
the footer's enquiry link point to the live site, and a notice under the
header says that this is a copy and gives the clinic's phone number for when
the live site does not open. A page in the sitemap that the live site never
lets a cache keep (the enquiry form: it carries a token and says
``no-store``), and the search page, become a short page pointing to their
live address.

Pages go to ``DIR/<path>/index.html`` (``/`` is ``DIR/index.html``), and
links stay absolute (``/procedures/ct-scan/``), so the folder must be served
at the root of its host. The export is written into a new folder beside DIR
and swapped in at the end, so a page removed from the site is gone from the
next export, and a host serving DIR never sees half an export.

Our own code rather than django-distill or django-bakery: our pages come
from the database, the sitemap already lists them, and warming already
renders them the way a patient's request does; a package would need every
URL pattern described again for it.
"""

import html
import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from radiology_guide.core.models import ClinicDetails
from radiology_guide.core.warming import patient_client
from radiology_guide.guide.models import Page
from radiology_guide.guide.sitemaps import public_locations
from radiology_guide.images.models import Image

#: Written into every export, so that a later export may replace the folder
#: (and nothing else: a mistyped --output is never deleted).
MARKER = ".radiology-guide-mirror.json"


class ExportError(Exception):
    pass


@dataclass
class Export:
    output: Path
    pages: list[str] = field(default_factory=list)
    live_only: list[str] = field(default_factory=list)
    static_files: int = 0
    images: int = 0


def page_paths():
    """Every address in the sitemap, then every page, printable summary and
    large-print page in every language: a reader in Polish follows links to
    pages not yet translated too (there in English, with a notice in
    Polish), so the copy has them as the live site does (issue 23)."""
    paths = public_locations()
    pages = list(Page.objects.only("kind", "slug").order_by("kind", "order", "slug"))
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            paths += [page.get_absolute_url() for page in pages]
            paths += [reverse("guide:procedure_summary", args=[page.slug]) for page in pages if page.kind in PRINTED]
            paths += [page.get_large_print_url() for page in pages if page.kind in LARGE_PRINT]
    return list(dict.fromkeys(paths))


PRINTED = (Page.Kind.SCAN, Page.Kind.PROCEDURE)
LARGE_PRINT = (Page.Kind.SECTION, Page.Kind.SCAN, Page.Kind.PROCEDURE)


def file_for(root: Path, path: str) -> Path:
    """Where the page at ``path`` lives in the folder."""
    path = urlsplit(path).path
    relative = path.strip("/")
    if path.endswith("/"):
        return root / relative / "index.html"
    return root / relative


def _live(path):
    return settings.SITE_URL + path


def _notice(clinic):
    phone = clinic.phone
    site = html.escape(settings.SITE_URL)
    return (
        '<div class="mirror-note" role="note"><p>This is a copy of the guide. To send an enquiry or search, '
        f'go to <a href="{site}/">{html.escape(urlsplit(settings.SITE_URL).netloc)}</a>; if it does not open, '
        f'phone <a href="tel:{html.escape(phone.replace(" ", ""))}">{html.escape(phone)}</a>.</p></div>'
    )


def _frame_for_mirror(text, notice):
    """The page with its frame (outside <main>) pointing to the live site for
    search and enquiries, and the notice under the header."""
    start, end = text.find("<main"), text.find("</main>")
    if start < 0 or end < 0:
        raise ExportError("a page without <main>")
    before, main, after = text[:start], text[start:end], text[end:]

    def point_to_live(part):
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                search, enquire = reverse("guide:search"), reverse("enquiries:form")
            part = part.replace(f'action="{search}"', f'action="{html.escape(_live(search))}"')
            part = re.sub(
                rf'href="{re.escape(enquire)}([^"]*)"',
                lambda m, enquire=enquire: f'href="{html.escape(_live(enquire))}{m[1]}"',
                part,
            )
        return part

    before, after = point_to_live(before), point_to_live(after)
    if "</header>" in before:
        before = before.replace("</header>", "</header>\n" + notice, 1)
    return before + main + after


def _is_live_only(response):
    cache_control = response.get("Cache-Control", "")
    return "no-store" in cache_control or "private" in cache_control


def _live_only_page(path, response):
    """A page that exists only on the live site: where to find it, and the phone number."""
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    title = re.sub(r"<[^>]+>", "", heading[1]).strip() if heading else "This page"
    site = urlsplit(settings.SITE_URL)
    request = RequestFactory().get(path, HTTP_HOST=site.netloc, secure=site.scheme == "https")
    context = {"mirror_title": html.unescape(title), "live_url": _live(path), "noindex": True}
    return render_to_string("guide/mirror_live_only.html", context, request=request)


def _write(target: Path, content: bytes):
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)


def _copy_static(work: Path):
    """The collected static files (STATIC_ROOT, with the manifest's hashed
    names the pages use), or, where nothing was collected (development),
    each file the static finders know."""
    target = work / settings.STATIC_URL.strip("/")
    root = Path(settings.STATIC_ROOT)
    if root.is_dir() and any(root.iterdir()):
        shutil.copytree(root, target, dirs_exist_ok=True)
        return sum(1 for path in target.rglob("*") if path.is_file())
    copied = 0
    for finder in finders.get_finders():
        for name, storage in finder.list(["CVS", ".*", "*~"]):
            destination = target / name
            if not destination.exists():
                destination.parent.mkdir(parents=True, exist_ok=True)
                with storage.open(name) as source:
                    destination.write_bytes(source.read())
                copied += 1
    return copied


def _copy_images(work: Path):
    """Every rendition in the image library, where the pages link to it
    (unless the pictures are served from a bucket: then the links go there)."""
    if not settings.MEDIA_URL.startswith("/"):
        return 0
    target = work / settings.MEDIA_URL.strip("/")
    copied = 0
    for renditions in Image.objects.values_list("renditions", flat=True):
        for item in renditions:
            with default_storage.open(item["name"]) as source:
                _write(target / item["name"], source.read())
            copied += 1
    return copied


def _swap_in(work: Path, output: Path):
    if output.exists():
        if any(output.iterdir()) and not (output / MARKER).exists():
            raise ExportError(f"{output} is not empty and holds no earlier export: choose another folder")
        old = output.with_name(f".{output.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        output.rename(old)
        work.rename(output)
        shutil.rmtree(old, ignore_errors=True)
    else:
        work.rename(output)


def export_site(output: Path) -> Export:
    """Write the mirror to ``output`` (replacing an earlier export there)."""
    output = Path(output).resolve()
    if output.exists() and any(output.iterdir()) and not (output / MARKER).exists():
        raise ExportError(f"{output} is not empty and holds no earlier export: choose another folder")
    output.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
    try:
        result = _export_into(work)
        _swap_in(work, output)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    result.output = output
    return result


def _export_into(work: Path) -> Export:
    result = Export(work)
    client, secure = patient_client()
    notice = _notice(ClinicDetails.load())
    # Linked from the site map's words, so it needs a page here, in each language.
    searches = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            searches.append(reverse("guide:search"))
    for path in [*page_paths(), *searches]:
        client.cookies.clear()
        response = client.get(path, secure=secure)
        if response.status_code != 200:
            raise ExportError(f"{path} answered {response.status_code}")
        if path in searches or _is_live_only(response):
            content = _live_only_page(path, response)
            result.live_only.append(path)
        else:
            content = response.content.decode()
            result.pages.append(path)
        _write(file_for(work, path), _frame_for_mirror(content, notice).encode())
    for path in (reverse("sitemap"), reverse("robots")):
        _write(file_for(work, path), client.get(path, secure=secure).content)
    missing = client.get("/this-page-is-not-in-the-guide/", secure=secure)
    _write(work / "404.html", _frame_for_mirror(missing.content.decode(), notice).encode())
    result.static_files = _copy_static(work)
    result.images = _copy_images(work)
    broken = broken_links(work)
    if broken:
        listed = ", ".join(f"{page} -> {link}" for page, link in broken[:10])
        raise ExportError(f"{len(broken)} link(s) lead nowhere in the export: {listed}")
    (work / MARKER).write_text(
        json.dumps({"exported_at": timezone.now().isoformat(), "site_url": settings.SITE_URL, "pages": result.pages})
    )
    return result


# ---------------------------------------------------------------------------
# Every link and asset in the export, checked


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []
        self._form_method = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            # A form that posts (feedback) needs the live application wherever it is served from.
            if (attrs.get("method") or "get").lower() == "get" and attrs.get("action"):
                self.links.append(attrs["action"])
            return
        for name in ("href", "src"):
            if attrs.get(name):
                self.links.append(attrs[name])
        for candidate in (attrs.get("srcset") or "").split(","):
            if candidate.strip():
                self.links.append(candidate.split()[0])


def local_links(text):
    """The links in ``text`` that the export itself must hold: absolute paths
    on this host (not ``//host``, not full addresses, not ``tel:`` or ``#top``)."""
    parser = _Links()
    parser.feed(text)
    return [link for link in parser.links if link.startswith("/") and not link.startswith("//")]


def broken_links(root: Path):
    """(page, link) for every local link in the export's pages that names no file in it."""
    broken = []
    for page in sorted(root.rglob("*.html")):
        for link in local_links(page.read_text(encoding="utf-8")):
            if not file_for(root, link).is_file():
                broken.append((str(page.relative_to(root)), link))
    return broken
