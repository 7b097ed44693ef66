"""The static mirror (manage.py export_site, guide/mirror.py): every public
page as a file, the same <main> as the live site, the frame pointing to the
live site for enquiries and search, assets and links that resolve inside
the folder, and pages removed from the site removed from the next export."""

import io
import json
import re
import shutil
from xml.etree import ElementTree

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from radiology_guide.guide import mirror, publishing
from radiology_guide.guide.models import Page

pytestmark = pytest.mark.django_db

SITE = "https://guide.example.org"


@pytest.fixture
def live(settings, tmp_path):
    """The live site's address, and nothing collected in STATIC_ROOT (as in development)."""
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["guide.example.org", "testserver"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.STATIC_ROOT = tmp_path / "nothing-collected"
    return settings


def export(tmp_path):
    output = tmp_path / "mirror"
    call_command("export_site", "--output", str(output), stdout=io.StringIO())
    return output


@pytest.fixture(scope="module")
def one_export(tmp_path_factory, django_db_setup, django_db_blocker):
    """The guide as loaded, exported once for the tests that only read the
    export (an export renders every page: several seconds each). Made with
    the `live` fixture's settings and the tests' static storage, in a
    transaction rolled back afterwards."""
    folder = tmp_path_factory.mktemp("export")
    staticfiles = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with (
        django_db_blocker.unblock(),
        override_settings(
            SITE_URL=SITE,
            ALLOWED_HOSTS=["guide.example.org", "testserver"],
            SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
            STATIC_ROOT=folder / "nothing-collected",
            STORAGES={**django_settings.STORAGES, "staticfiles": staticfiles},
            SECURE_SSL_REDIRECT=False,
        ),
        transaction.atomic(),
    ):
        output = export(folder)
        transaction.set_rollback(True)
    return output


@pytest.fixture
def exported(one_export, live, tmp_path):
    """A copy of that export of this test's own, to look at or change."""
    return shutil.copytree(one_export, tmp_path / "mirror")


def live_get(client, path):
    return client.get(path, HTTP_HOST="guide.example.org", HTTP_X_FORWARDED_PROTO="https", secure=True)


def main_of(text):
    return re.search(r"<main\b.*?</main>", text, re.S)[0]


def sitemap_paths(client):
    xml = ElementTree.fromstring(live_get(client, "/sitemap.xml").content)  # noqa: S314 - our own sitemap
    return [loc.text.removeprefix(SITE) for loc in xml.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]


def test_every_page_is_exported_with_the_live_main_content(client, exported):
    output = exported
    paths = sitemap_paths(client)
    summaries = [f"/procedures/{slug}/summary/" for slug in Page.objects.procedures().values_list("slug", flat=True)]
    assert len(paths) > 60 and summaries
    for path in [*paths, *summaries]:
        exported = mirror.file_for(output, path)
        assert exported.is_file(), path
        if path.endswith("/enquire/"):
            continue  # the form lives only on the live site (below), in every language
        # Byte for byte: the warming's client renders exactly what a patient's request does.
        assert main_of(exported.read_text()) == main_of(live_get(client, path).text), path
    assert (output / "index.html").is_file() and (output / "sitemap.xml").is_file()
    assert (output / "robots.txt").read_text() == live_get(client, "/robots.txt").text


def test_enquiries_and_search_point_to_the_live_site_with_the_phone_number(client, exported):
    output = exported
    home = (output / "index.html").read_text()
    assert f'action="{SITE}/search/"' in home
    assert f'<a href="{SITE}/enquire/">Send us an enquiry</a>' in home  # the footer
    note = re.search(r'<div class="mirror-note".*?</div>', home, re.S)[0]
    assert "This is a copy of the guide" in note and f'href="{SITE}/"' in note and "020 7946 0000" in note
    for path in ("/enquire/", "/search/"):
        page = main_of(mirror.file_for(output, path).read_text())
        assert f'href="{SITE}{path}"' in page and 'href="tel:02079460000"' in page, path
        assert "<form" not in page and "csrfmiddlewaretoken" not in page
    assert "csrfmiddlewaretoken" not in "".join(path.read_text() for path in output.rglob("*.html"))


def test_static_files_are_there_and_every_link_resolves_inside_the_folder(client, exported):
    output = exported
    assert mirror.broken_links(output) == []
    home = (output / "index.html").read_text()
    links = mirror.local_links(home)
    assert "/static/css/site.css" in links and "/procedures/" in links
    assert (output / "static/css/site.css").stat().st_size > 1000
    # The checker does catch a link to a page that is not in the folder.
    (output / "faqs/index.html").unlink()
    assert ("index.html", "/faqs/") in mirror.broken_links(output)


def test_with_collected_static_files_the_hashed_names_are_exported(client, live, tmp_path, settings):
    settings.STATIC_ROOT = tmp_path / "collected"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    output = export(tmp_path)
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', (output / "index.html").read_text())[1]
    assert (output / stylesheet.lstrip("/")).is_file()
    assert mirror.broken_links(output) == []


def test_a_page_removed_from_the_site_is_removed_from_the_next_export(client, exported, tmp_path):
    output = exported  # as exported before the page was removed
    assert (output / "procedures/ivc-filters-and-thrombolysis/index.html").is_file()
    (output / "left-over.html").write_text("not from the site")
    publishing.delete(Page.objects.filter(slug="ivc-filters-and-thrombolysis"))
    export(tmp_path)
    assert not (output / "procedures/ivc-filters-and-thrombolysis").exists()
    assert not (output / "left-over.html").exists()
    assert "/procedures/ivc-filters-and-thrombolysis/" not in json.loads((output / mirror.MARKER).read_text())["pages"]
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".mirror")]  # no working folders left


def test_a_folder_that_holds_something_else_is_never_replaced(live, tmp_path):
    output = tmp_path / "mirror"
    output.mkdir()
    (output / "photos.txt").write_text("someone's own files")
    with pytest.raises(CommandError, match="not empty"):
        call_command("export_site", "--output", str(output))
    assert (output / "photos.txt").exists()
