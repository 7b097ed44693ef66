"""The safety rules for scan and procedure pages (content13, CONTENT.md
"Safety first"), checked over every content file, and a file that breaks one
is refused by sync_content with its file and line."""

import re
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django.core.management import CommandError, call_command

from radiology_guide.guide import content_files
from radiology_guide.guide.models import Page
from radiology_guide.guide.readability import MAX_GRADE, MAX_SMOG, html_scores, structured_html
from radiology_guide.guide.safety import HOW_OFTEN, structured_texts
from tests.helpers import SAMPLE_PROCEDURE

CONTENT = Path(__file__).resolve().parents[2] / "content"
PROCEDURE_FILES = sorted(CONTENT.glob("procedures/*.md"))
# The English files (translations, in pl/ ro/ ur/, have their own rules: test_translation_exchange.py).
TRANSLATIONS = ("pl", "ro", "ur")
ALL_FILES = sorted(
    path
    for path in CONTENT.rglob("*.md")
    if path.name != "README.md" and path.relative_to(CONTENT).parts[0] not in TRANSLATIONS
)


def front_matter(path):
    return yaml.safe_load(path.read_text(encoding="utf-8").split("\n---", 1)[0].removeprefix("---")) or {}


def all_urls(meta):
    urls = [source["url"] for source in meta.get("sources") or []]
    if meta.get("dose_source"):
        urls.append(meta["dose_source"]["url"])
    urls += [risk["source"]["url"] for risk in meta.get("risks") or []]
    return urls


def names(paths):
    return [str(path.relative_to(CONTENT)) for path in paths]


def test_there_are_at_least_10_scan_pages_and_20_procedure_pages():
    kinds = [front_matter(path).get("kind") for path in PROCEDURE_FILES]
    assert kinds.count("scan") >= 10, f"{kinds.count('scan')} scan pages"
    assert kinds.count("procedure") >= 20, f"{kinds.count('procedure')} procedure pages"


@pytest.mark.parametrize("path", PROCEDURE_FILES, ids=names(PROCEDURE_FILES))
def test_every_scan_and_procedure_page_has_the_structured_safety_sections(path):
    meta = front_matter(path)
    preparation, signs = meta.get("preparation") or {}, meta.get("warning_signs") or {}
    for key in ("eating_and_drinking", "medicines", "what_to_bring"):
        assert str(preparation.get(key) or "").strip(), f"preparation has no {key}"
    assert signs.get("call_111_or_unit") and signs.get("next_visit")
    if meta["kind"] == "procedure" or meta.get("sedation_aftercare"):
        assert signs.get("call_999"), "a procedure, or a scan with sedation, says when to call 999"
    assert meta.get("risks"), "at least one risk"
    assert isinstance(meta.get("sedation_aftercare"), bool)
    body = path.read_text(encoding="utf-8").split("\n---", 1)[1]
    assert "## How do I prepare?" not in body and "## What are the risks?" not in body


@pytest.mark.parametrize("path", PROCEDURE_FILES, ids=names(PROCEDURE_FILES))
def test_no_page_writes_its_own_sedation_aftercare(path):
    # The one shared block (templates/includes/sedation_aftercare.html) says it, the same everywhere.
    body = path.read_text(encoding="utf-8").split("\n---", 1)[1]
    for paragraph in body.split("\n\n"):
        text = paragraph.lower()
        assert not ("sedat" in text and "24 hours" in text), paragraph


@pytest.mark.parametrize("path", ALL_FILES, ids=names(ALL_FILES))
def test_no_source_is_a_home_page_or_anything_but_https(path):
    for url in all_urls(front_matter(path)):
        parts = urlsplit(url)
        assert parts.scheme == "https" and parts.hostname, url
        assert parts.path not in ("", "/"), f"{url} is a home page"


@pytest.mark.parametrize("path", PROCEDURE_FILES, ids=names(PROCEDURE_FILES))
def test_every_dose_band_with_ionising_radiation_names_a_specific_source(path):
    meta = front_matter(path)
    if meta.get("ionising_radiation"):
        assert meta.get("dose_band") not in (None, "", "none")
        assert str(meta.get("dose") or "").strip()
        source = meta.get("dose_source") or {}
        assert source.get("name") and urlsplit(source.get("url", "")).path not in ("", "/")
    else:
        assert meta.get("dose_band") in (None, "none") and not meta.get("dose_source")


@pytest.mark.parametrize("path", PROCEDURE_FILES, ids=names(PROCEDURE_FILES))
def test_every_risk_says_how_often_and_names_its_source(path):
    for risk in front_matter(path).get("risks") or []:
        assert HOW_OFTEN.fullmatch(risk["how_often"]), risk["how_often"]
        assert risk["source"]["name"].strip() and risk["source"]["url"].startswith("https://")


@pytest.mark.django_db
def test_structured_text_counts_in_every_pages_reading_age():
    failures = []
    for page in Page.objects.procedures():
        html = page.body_html + structured_html(structured_texts(page.file_fields()))
        grade, smog = html_scores(html)
        if grade > MAX_GRADE or smog > MAX_SMOG:
            failures.append(f"{page.slug}: grade {grade}, SMOG {smog}")
    assert not failures


def test_the_readability_command_counts_structured_text(tmp_path):
    from radiology_guide.guide.readability import file_html

    path = tmp_path / "sample.md"
    path.write_text(SAMPLE_PROCEDURE)
    html = file_html(path)
    assert "press firmly on it while you wait." in html  # a warning sign
    assert "A collapsed lung" in html  # a risk


# A complete, valid procedure page: each case below breaks one rule.

BROKEN = [
    ("no preparation", "preparation:\n  eating_and_drinking", "preparation_x:\n  eating_and_drinking",
     "unknown field 'preparation_x'", "preparation_x:"),
    ("no medicines advice", "  medicines: Ask the team", "  medicine: Ask the team",
     "unknown preparation field 'medicine'", "  medicine:"),
    ("empty 111 tier", "  call_111_or_unit:\n    - You have a high temperature or shivers.", "  call_111_or_unit: []",
     "needs at least 1 item", "  call_111_or_unit:"),
    ("no 999 on a procedure", "  call_999:\n    - You are bleeding heavily from where the needle went in. "
     "Lie flat and press firmly on it while you wait.", "  call_999: []", "call_999 needs at least 1 sign",
     "  call_999:"),
    ("a missing tier", "  next_visit:\n    - A bruise is still there after 2 weeks.\n", "",
     "warning_signs needs 'next_visit'", "warning_signs:"),
    ("no risks", "risks:\n  - what", "risks: []\nrisks_old:\n  - what", "unknown field 'risks_old'", "risks_old:"),
    ("vague how often", "how_often: about 1 in 4", "how_often: rare", "how_often must be", "    how_often: rare"),
    ("home page risk source", "url: https://www.brit-thoracic.org.uk/quality-improvement/guidelines/lung-biopsy/",
     "url: https://www.brit-thoracic.org.uk/", "is a home page", "      url: https://www.brit-thoracic.org.uk/"),
    ("javascript risk source", "url: https://www.brit-thoracic.org.uk/quality-improvement/guidelines/lung-biopsy/",
     "url: javascript:alert(1)", "must start with https://", "      url: javascript:alert(1)"),
    ("no dose source", "dose_source:\n  name: GOV.UK, Patient dose information\n  url: https://www.gov.uk/government/"
     "publications/medical-radiation-patient-doses/patient-dose-information-guidance\n", "",
     "dose_source (the specific page behind the dose) is required", None),
    ("no dose", "dose: About 1.5 mSv", "dose_note: About 1.5 mSv", "unknown field 'dose_note'", "dose_note:"),
    ("unknown band", "dose_band: low", "dose_band: tiny", "dose_band must be one of", "dose_band: tiny"),
    ("sedation aftercare not said", "sedation_aftercare: false\n", "", "sedation_aftercare must be true or false",
     None),
    ("risks written in the body", "## Recovery and going home", "## What are the risks?\n\nRare.\n\n"
     "## Recovery and going home", "remove the '## What are the risks?' section", "## What are the risks?"),
    ("a required body section missing", "## What happens on the day?", "## On the day",
     "the body needs a '## What happens on the day?' section", None),
    ("related page that does not exist", "related: [ct-scan]", "related: [ct-scan, no-such-page]",
     "related page 'no-such-page' does not exist", "related:"),
]  # fmt: skip


def test_the_sample_page_is_valid_on_its_own(tmp_path):
    # Read alone, so that the other content files cannot hide a problem in it.
    path = tmp_path / "sample-biopsy.md"
    path.write_text(SAMPLE_PROCEDURE)
    record = content_files.read_procedure(path)
    assert record.key == "sample-biopsy"
    assert record.fields["kind"] == "procedure" and len(record.fields["risks"]) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "old", "new", "message", "line_text"), BROKEN, ids=[b[0] for b in BROKEN])
def test_sync_refuses_a_page_that_breaks_a_safety_rule_naming_file_and_line(
    content_copy, name, old, new, message, line_text
):
    assert old in SAMPLE_PROCEDURE
    broken = SAMPLE_PROCEDURE.replace(old, new, 1)
    path = content_copy / "procedures" / "sample-biopsy.md"
    path.write_text(broken)
    pages_before = Page.objects.count()
    for args in (["--check"], []):
        with pytest.raises(CommandError) as error:
            call_command("sync_content", *args, "--path", str(content_copy), stdout=StringIO(), stderr=StringIO())
        ours = [line for line in str(error.value).splitlines() if "sample-biopsy.md:" in line]
        assert ours and message in ours[0], str(error.value)
        if line_text is not None:
            line = next(n for n, text in enumerate(broken.splitlines(), start=1) if text.startswith(line_text))
            assert f"sample-biopsy.md:{line}:" in ours[0]
    assert Page.objects.count() == pages_before and not Page.objects.filter(slug="sample-biopsy").exists()


@pytest.mark.django_db
def test_sync_check_lists_every_broken_file_and_writes_nothing(content_copy):
    for name, text in (
        ("one.md", SAMPLE_PROCEDURE.replace("slug: sample-biopsy", "slug: one")),
        ("two.md", SAMPLE_PROCEDURE),
    ):
        broken = text.replace("how_often: about 1 in 4", "how_often: often")
        (content_copy / "procedures" / name).write_text(broken.replace("slug: sample-biopsy", "slug: two"))
    with pytest.raises(CommandError) as error:
        call_command("sync_content", "--check", "--path", str(content_copy), stdout=StringIO())
    assert re.search(r"one\.md:\d+: how_often", str(error.value))
    assert re.search(r"two\.md:\d+: how_often", str(error.value))
    assert "nothing was written" in str(error.value)
    assert not Page.objects.filter(slug__in=["one", "two"]).exists()


def test_sync_refuses_a_fact_longer_than_the_database_keeps_naming_its_line(content_copy):
    # SQLite would keep it; the clinic's PostgreSQL would refuse the whole sync.
    too_long = "15 to 30 minutes for an ultrasound, 30 to 45 minutes for an MRI, and up to 3 hours at a one-stop clinic"
    text = re.sub(r"^duration: .*$", f"duration: {too_long}", SAMPLE_PROCEDURE, flags=re.M)
    (content_copy / "procedures" / "sample-biopsy.md").write_text(text)
    line = next(number for number, row in enumerate(text.splitlines(), 1) if row.startswith("duration:"))
    with pytest.raises(CommandError) as error:
        call_command("sync_content", "--check", "--path", str(content_copy), stdout=StringIO())
    assert f"sample-biopsy.md:{line}: duration is {len(too_long)} characters long; it can be at most 100" in str(
        error.value
    )


@pytest.mark.django_db
def test_the_real_content_loads_completely():
    out = StringIO()
    call_command("sync_content", "--check", stdout=out)
    assert "are valid" in out.getvalue()
