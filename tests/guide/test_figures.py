"""Illustrations: each picture is a small, well-formed SVG of our own, and
shows on its pages with a text alternative, its size and its steps in words."""

import datetime
import gzip
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.template.loader import render_to_string

from radiology_guide.guide import figures
from radiology_guide.guide.models import Page
from radiology_guide.guide.readability import MAX_GRADE, MAX_SMOG, scores

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
LIMIT = 15 * 1024  # bytes, gzipped: the budget for each picture
# Pages the content team is writing; a figure may name them before they land.
UPCOMING = {
    "children-and-young-people",
    "dexa-scan",
    "ct-colonography",
    "barium-swallow-and-meal",
    "barium-enema",
    "lung-biopsy",
    "liver-biopsy",
    "kidney-biopsy",
    "breast-biopsy",
    "thyroid-biopsy",
    "prostate-artery-embolisation",
    "getting-your-results",
    "nephrostomy",
    "biliary-drainage-and-stents",
}


class FigureParser(HTMLParser):
    """Each <figure class="illustration">: its <img> attributes, caption text and steps."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.figures, self._in_figure, self._in_li = [], False, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "figure" and "illustration" in attrs.get("class", ""):
            self._in_figure = True
            self.figures.append({"img": None, "caption": "", "steps": []})
        elif self._in_figure and tag == "img":
            self.figures[-1]["img"] = attrs
        elif self._in_figure and tag == "li":
            self._in_li = True
            self.figures[-1]["steps"].append("")

    def handle_endtag(self, tag):
        if tag == "li":
            self._in_li = False
        elif tag == "figure":
            self._in_figure = False

    def handle_data(self, data):
        if self._in_figure:
            self.figures[-1]["caption"] += data
            if self._in_li:
                self.figures[-1]["steps"][-1] += data


def figures_on(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    parser = FigureParser()
    parser.feed(response.content.decode())
    return parser.figures


@pytest.mark.parametrize("figure", figures.FIGURES, ids=lambda figure: figure.slug)
def test_each_picture_is_a_small_well_formed_svg_with_words(figure):
    data = figure.path.read_bytes()
    root = ET.fromstring(data)  # noqa: S314 - our own files; raises if one is not well-formed XML
    assert root.tag == f"{SVG}svg"
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox")), "sharp at any size needs a viewBox"
    assert root.find(f"{SVG}title").text.strip(), "the file names itself for anyone who opens it alone"
    assert len(gzip.compress(data, 9)) <= LIMIT
    # Nothing from elsewhere: every link inside the file points into the file.
    links = re.findall(rb'(?:href|src)="([^"]*)"', data) + re.findall(rb"url\(([^)]*)\)", data)
    assert all(link.startswith(b"#") for link in links), links
    assert figure.title.strip() and len(figure.alt) > 40 and figure.pages


@pytest.mark.parametrize("figure", [f for f in figures.FIGURES if f.steps], ids=lambda figure: figure.slug)
def test_step_numbers_on_a_picture_match_its_list_of_steps(figure):
    root = ET.fromstring(figure.path.read_bytes())  # noqa: S314 - our own files
    numbers = {int(text.text) for text in root.iter(f"{SVG}text") if text.text.strip().isdigit()}
    assert not numbers or numbers == set(range(1, len(figure.steps) + 1)), numbers


def test_every_picture_file_is_registered():
    on_disk = {path.name for path in (Path(settings.BASE_DIR) / "static" / figures.DIRECTORY).glob("*.svg")}
    # Easy Read's small pictures are registered beside them (tests/guide/test_easy_read.py).
    assert on_disk == {figure.file for figure in figures.FIGURES} | {picture.file for picture in figures.PICTURES}


def test_figures_name_only_real_pages_or_pages_being_written():
    named = {slug for figure in figures.FIGURES for slug in figure.pages}
    existing = set(Page.objects.filter(slug__in=named).values_list("slug", flat=True))
    assert named - existing <= UPCOMING, "a page slug in guide/figures.py is misspelt"
    assert len(existing) >= 15


@pytest.mark.parametrize("figure", figures.FIGURES, ids=lambda figure: figure.slug)
def test_words_with_each_picture_are_plain_english(figure):
    text = " ".join([figure.title, figure.alt, *figure.steps])
    grade, smog = scores(text)
    assert grade <= MAX_GRADE and smog <= MAX_SMOG, (grade, smog)


def test_each_picture_shows_on_its_pages_with_alt_size_and_caption(client):
    shown = 0
    for page in Page.objects.filter(slug__in={slug for f in figures.FIGURES for slug in f.pages}):
        found = figures_on(client, page.get_absolute_url())
        expected = figures.for_page(page.slug)
        assert len(found) == len(expected), page.slug
        for figure, html in zip(expected, found, strict=True):
            img = html["img"]
            assert img["src"] == f"/static/{figures.DIRECTORY}/{figure.file}"
            assert img["alt"] == figure.alt
            assert (int(img["width"]), int(img["height"])) == figure.size
            assert figure.title in " ".join(html["caption"].split())
            assert [" ".join(step.split()) for step in html["steps"]] == list(figure.steps)
            shown += 1
    assert shown >= 15  # the content team adds more pages that name a figure


def test_the_mri_page_shows_the_open_tube(client):
    [mri] = figures_on(client, "/procedures/mri-scan/")
    assert mri["img"]["src"].endswith("/mri-scanner.svg")
    assert "open at both ends" in mri["img"]["alt"]
    assert "loading" not in mri["img"], "the first picture on a page is not held back"


def test_only_the_first_picture_on_a_page_waits_to_load(client):
    found = figures_on(client, "/guide/what-to-expect/")
    assert [html["img"]["src"].rsplit("/", 1)[1] for html in found] == ["scan-day.svg", "treatment-day.svg"]
    assert "loading" not in found[0]["img"]
    assert found[1]["img"]["loading"] == "lazy"
    assert len(found[1]["steps"]) == 3


def test_pages_without_pictures_are_exactly_as_before(client):
    # The article template as it was before pictures: without the tag.
    source = (Path(settings.BASE_DIR) / "templates/includes/article.html").read_text()
    before = source.replace("{% load illustrations %}", "").replace("{% page_figures page %}", "")
    assert before != source
    without = [page for page in Page.objects.all() if page.slug not in ("home",) and not figures.for_page(page.slug)]
    assert len(without) >= 10
    for page in without:
        expected = engines["django"].from_string(before).render({"page": page})
        assert render_to_string("includes/article.html", {"page": page}) == expected, page.slug
    assert "<figure" not in client.get("/guide/training-and-workplaces/").content.decode()


def test_a_picture_waiting_for_its_page_shows_once_the_page_exists(client):
    assert [figure.slug for figure in figures.for_page("lung-biopsy")] == ["needle-biopsy"]
    if not Page.objects.filter(slug="lung-biopsy").exists():
        assert client.get("/procedures/lung-biopsy/").status_code == 404
        Page.objects.create(
            kind=Page.Kind.PROCEDURE,
            slug="lung-biopsy",
            title="Lung biopsy",
            summary="A small sample of the lung, taken with a thin needle.",
            body="## What is it?\n\nA doctor takes a tiny piece of your lung with a needle.",
            next_review_due=datetime.date.today() + datetime.timedelta(days=365),
        )
    [biopsy] = figures_on(client, "/procedures/lung-biopsy/")
    assert biopsy["img"]["src"].endswith("/needle-biopsy.svg")
    assert len(biopsy["steps"]) == 4
