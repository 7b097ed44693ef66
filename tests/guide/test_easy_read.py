"""Easy Read versions of scan and procedure pages (issue 24): reached from
their standard page and back, in the sitemap, with a picture beside each
idea, the three tiers of help and the clinic's number, far simpler to read
than the standard page, and a page like any other for drafts, approval and
the content rules."""

import gzip
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from radiology_guide.core.models import ClinicDetails
from radiology_guide.guide import easy_read, figures, publishing
from radiology_guide.guide.content_files import ContentErrors
from radiology_guide.guide.content_folder import read_content
from radiology_guide.guide.models import Page
from radiology_guide.guide.readability import file_html, html_scores, prose_from_html
from tests.helpers import change_url, page_form

pytestmark = pytest.mark.django_db

# The five most common scans and two procedures.
STANDARD = [
    "x-ray-and-fluoroscopy",
    "ct-scan",
    "mri-scan",
    "ultrasound-scan",
    "mammogram",
    "image-guided-biopsy",
    "image-guided-drainage",
]
SVG = "{http://www.w3.org/2000/svg}"


class Links(HTMLParser):
    """Every link's address and words, and each idea's picture."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.pictures, self._href = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self._href = attrs.get("href")
            self.links.append([self._href, ""])
        elif tag == "img" and "idea-picture" in (attrs.get("class") or ""):
            self.pictures.append(attrs)

    def handle_endtag(self, tag):
        if tag == "a":
            self._href = None

    def handle_data(self, data):
        if self._href is not None:
            self.links[-1][1] += data


def parsed(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    parser = Links()
    parser.feed(response.content.decode())
    return response.content.decode(), parser


def link_named(parser, words):
    return next(href for href, text in parser.links if " ".join(text.split()) == words)


@pytest.mark.parametrize("slug", STANDARD)
def test_each_easy_read_page_is_reached_from_its_standard_page_and_back(client, slug):
    _, standard = parsed(client, f"/procedures/{slug}/")
    url = link_named(standard, "Easy Read version")
    assert url == f"/easy-read/{slug}/"
    _, page = parsed(client, url)
    assert link_named(page, "Standard version of this page") == f"/procedures/{slug}/"


def test_a_page_without_an_easy_read_version_offers_none(client):
    html, _ = parsed(client, "/procedures/tips/")
    assert "Easy Read version" not in html
    assert client.get("/easy-read/tips/").status_code == 404
    assert client.get("/easy-read/ct-scan-easy-read/").status_code == 404


def test_every_easy_read_page_is_in_the_sitemap_and_the_site_map(client):
    xml = client.get("/sitemap.xml").content.decode()
    people = client.get("/site-map/").content.decode()
    for slug in STANDARD:
        assert f"/easy-read/{slug}/</loc>" in xml
        assert f'href="/easy-read/{slug}/"' in people


@pytest.mark.parametrize("slug", STANDARD)
def test_the_three_tiers_of_help_and_the_clinics_number_are_there(client, slug):
    html, _ = parsed(client, f"/easy-read/{slug}/")
    page = Page.objects.get(slug=easy_read.slug_for(slug))
    phone = ClinicDetails.load().phone
    assert "When to get help" in html
    assert ("Call 999 now if:" in html) == bool(page.warning_signs["call_999"])
    assert "Call us if:" in html and "When we are closed, call 111." in html
    assert f'<a href="tel:{phone.replace(" ", "")}">{phone}</a>' in html
    assert "Tell us next time you see us if:" in html
    for sign in sum(page.warning_signs.values(), []):
        assert sign.replace("'", "&#x27;") in html


@pytest.mark.parametrize("slug", STANDARD)
def test_an_easy_read_page_has_a_999_tier_wherever_its_standard_page_has_one(slug):
    standard = Page.objects.get(slug=slug)
    page = Page.objects.get(slug=easy_read.slug_for(slug))
    assert bool(page.warning_signs["call_999"]) == bool(standard.warning_signs["call_999"])


@pytest.mark.parametrize("slug", STANDARD)
def test_every_idea_has_a_picture_beside_it_with_words_for_it(client, slug):
    html, parser = parsed(client, f"/easy-read/{slug}/")
    ideas = html.count('<div class="idea">')
    assert ideas >= 10 and len(parser.pictures) == ideas
    for img in parser.pictures:
        assert img["src"].startswith(f"/static/{figures.DIRECTORY}/")
        assert len(img["alt"]) > 5 and img["width"] and img["height"]


def test_after_sleepy_medicine_shows_where_the_standard_page_has_sedation(client):
    assert "After sleepy medicine (sedation)" in client.get("/easy-read/ct-scan/").content.decode()
    ultrasound = client.get("/easy-read/ultrasound-scan/").content.decode()
    assert "After sleepy medicine" not in ultrasound


def words_a_sentence(text):
    sentences = [s for s in re.split(r"(?<=[.?!:])\s+", text) if s.strip()]
    return sum(len(s.split()) for s in sentences) / len(sentences)


@pytest.mark.parametrize("slug", STANDARD)
def test_easy_read_reads_far_simpler_than_the_standard_page(settings, slug):
    mine = file_html(settings.CONTENT_DIR / "easy-read" / f"{slug}.md")
    theirs = file_html(settings.CONTENT_DIR / "procedures" / f"{slug}.md")
    (grade, smog), (standard_grade, standard_smog) = html_scores(mine), html_scores(theirs)
    assert grade <= 4 and grade <= standard_grade - 1.2 and smog < standard_smog, (grade, standard_grade)
    # Easy Read's 5 to 12 words a sentence (CONTENT.md), against 11 to 13 on the standard pages.
    assert words_a_sentence(prose_from_html(mine)) <= 10 < words_a_sentence(prose_from_html(theirs))


@pytest.mark.parametrize("slug", STANDARD)
def test_every_sentence_is_short(slug):
    page = Page.objects.get(slug=easy_read.slug_for(slug))
    texts = [page.body, *sum(page.warning_signs.values(), [])]
    assert not [easy_read.long_sentence(text) for text in texts if easy_read.long_sentence(text)]


@pytest.mark.parametrize("picture", figures.PICTURES, ids=lambda picture: picture.slug)
def test_each_easy_read_picture_is_a_small_svg_of_our_own(picture):
    data = picture.path.read_bytes()
    root = ET.fromstring(data)  # noqa: S314 - our own files
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox"))
    assert root.find(f"{SVG}title").text.strip()
    assert len(gzip.compress(data, 9)) <= 15 * 1024
    links = re.findall(rb'(?:href|src)="([^"]*)"', data) + re.findall(rb"url\(([^)]*)\)", data)
    assert all(link.startswith(b"#") for link in links), links
    assert picture.alt.strip()


# ---------------------------------------------------------------------------
# A page like any other: drafts, publishing, approval


@pytest.fixture
def ct_easy_read():
    return Page.objects.get(slug="ct-scan-easy-read")


NEW_IDEA = "\n\n## Parking\n\n<!-- picture: home -->\nYou can park behind the clinic.\n"


def test_an_edit_is_a_draft_until_it_is_published(client, editor, ct_easy_read):
    client.force_login(editor)
    form = page_form(ct_easy_read, body=ct_easy_read.body + NEW_IDEA, _save="Save draft")
    assert client.post(change_url(ct_easy_read), form).status_code == 302
    client.logout()
    assert "park behind the clinic" not in client.get("/easy-read/ct-scan/").content.decode()
    client.force_login(editor)
    client.post(change_url(ct_easy_read), page_form(ct_easy_read, body=ct_easy_read.body + NEW_IDEA, _publish="1"))
    client.logout()
    assert "park behind the clinic" in client.get("/easy-read/ct-scan/").content.decode()


def test_the_admin_form_refuses_what_the_files_refuse(client, editor, ct_easy_read):
    client.force_login(editor)
    signs = {**ct_easy_read.warning_signs, "call_999": []}
    long = " ".join(["word"] * 20) + "."
    body = ct_easy_read.body + f"\n\n## More\n\n<!-- picture: home -->\n{long}\n"
    form = page_form(ct_easy_read, body=body, warning_signs=json.dumps(signs))
    response = client.post(change_url(ct_easy_read), form)
    html = response.content.decode()
    assert response.status_code == 200
    assert "the standard page has some" in html and f"more than {easy_read.MAX_WORDS} words" in html


def test_approval_is_recorded_and_an_edit_returns_it_to_draft(reviewer, ct_easy_read):
    assert publishing.approve([ct_easy_read], reviewer) == []
    ct_easy_read.refresh_from_db()
    assert ct_easy_read.is_approved
    ct_easy_read.body += NEW_IDEA
    ct_easy_read.save()
    assert not ct_easy_read.is_approved


def test_a_new_easy_read_page_links_its_standard_page_to_it(client, editor):
    assert "Easy Read version" not in client.get("/procedures/tips/").content.decode()
    page = Page(
        kind=Page.Kind.EASY_READ,
        slug=easy_read.slug_for("tips"),
        title="TIPS: Easy Read",
        summary="A new way for blood to flow through your liver.",
        body="## What is it?\n\n<!-- picture: doctor-reads -->\nA doctor puts a small tube in your liver.\n",
        warning_signs={"call_999": ["You are sick and there is blood in it."],
                       "call_111_or_unit": ["You feel very hot."], "next_visit": ["You have a question."]},
    )  # fmt: skip
    assert page.problems() == []
    publishing.create(page, editor)
    html = client.get("/procedures/tips/").content.decode()
    assert 'href="/easy-read/tips/">Easy Read version</a>' in html


# ---------------------------------------------------------------------------
# The content files: the same rules as the standard pages


def write(content_copy, name, old, new):
    path = content_copy / "easy-read" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def errors_of(content_copy):
    with pytest.raises(ContentErrors) as raised:
        read_content(content_copy)
    return str(raised.value)


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        (
            "image-guided-drainage.md",
            " Do not flush it. Call us straight away.",
            " Call us straight away.",
            "stop flushing",
        ),
        ("mammogram.md", "<!-- picture: letter -->", "<!-- picture: spaceship -->", "no Easy Read picture"),
        ("mammogram.md", "<!-- picture: clock -->\n", "", "each idea starts with a picture line"),
        ("mri-scan.md", "It does not use X-rays.", "It does not use X-rays, " + "and " * 12 + "so on.", "words"),
        ("x-ray-and-fluoroscopy.md", "standard: x-ray-and-fluoroscopy", "standard: x-ray", "file of the Easy Read"),
        ("ultrasound-scan.md", "    - You want a man", "    - You have a new lump, or want a man", "new"),
    ],
)
def test_the_loader_refuses_an_easy_read_file_that_breaks_a_rule(content_copy, name, old, new, message):
    path = write(content_copy, name, old, new)
    errors = errors_of(content_copy)
    assert str(path) in errors
    if message:
        assert message in errors


def test_a_file_must_keep_every_tier_its_standard_page_fills(content_copy):
    path = content_copy / "easy-read" / "ct-scan.md"
    text = path.read_text(encoding="utf-8")
    start = text.index("  call_999:\n") + len("  call_999:\n")
    end = text.index("  call_111_or_unit:")
    path.write_text(text[:start].replace("  call_999:\n", "  call_999: []\n") + text[end:], encoding="utf-8")
    assert "the standard page has some, so this page needs them too" in errors_of(content_copy)


def test_an_easy_read_file_needs_its_standard_page(content_copy):
    (content_copy / "procedures" / "mammogram.md").unlink()
    (content_copy / "procedures" / "breast-biopsy.md").write_text(
        (content_copy / "procedures" / "breast-biopsy.md").read_text().replace("[mammogram, ", "[")
    )
    assert "there is no scan or procedure page 'mammogram'" in errors_of(content_copy)


def test_export_writes_easy_read_pages_back_to_the_same_files(tmp_path, content_copy, settings):
    from radiology_guide.guide.sync import export_content

    before = (content_copy / "easy-read" / "ct-scan.md").read_text(encoding="utf-8")
    page = Page.objects.get(slug="ct-scan-easy-read")
    page.body += NEW_IDEA
    page.save()
    changed = export_content(content_copy)
    assert content_copy / "easy-read" / "ct-scan.md" in changed
    after = (content_copy / "easy-read" / "ct-scan.md").read_text(encoding="utf-8")
    assert "standard: ct-scan" in after and "park behind the clinic" in after and after != before
    assert not (content_copy / "easy-read" / "ct-scan-easy-read.md").exists()
    assert [r.key for r in read_content(content_copy).records if r.key == "ct-scan-easy-read"]


def test_the_review_sheet_of_an_easy_read_page_lists_its_tiers_of_help(ct_easy_read):
    from radiology_guide.guide import review_sheet

    sheet = review_sheet.build(ct_easy_read)
    titles = [group.heading for group in sheet["groups"]]
    assert "When to get help: Call 999 now if" in titles
    items = [item.text for group in sheet["groups"] for item in group.items]
    assert "You find it hard to breathe after the dye." in items
    assert "you may wait for up to 30 minutes." in " ".join(items)  # a claim from the ideas


def test_a_draft_is_previewed_in_the_easy_read_page_itself(client, editor, ct_easy_read):
    from radiology_guide.guide import drafts, preview

    ct_easy_read.body += NEW_IDEA
    drafts.save_draft(ct_easy_read, editor)
    html = client.get(f"/preview/{preview.token_for(Page.objects.get(pk=ct_easy_read.pk))}/").content.decode()
    assert "park behind the clinic" in html and 'class="easy-read"' in html
    assert "park behind the clinic" not in client.get("/easy-read/ct-scan/").content.decode()
