"""The issue-20 safety rules (guide/safety_rules.py): each is fed the real
wording a clinical reviewer found on our pages, and must refuse it; the
corrected wording must pass. Then the rules at work: sync_content names the
file and line, admin refuses the same, and pages link glossary words only in
their own sense."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from radiology_guide.guide import safety, safety_rules
from radiology_guide.guide.models import GlossaryTerm, Page, glossary_linker
from tests.helpers import SAMPLE_PROCEDURE as SAMPLE

TEMPLATE = Path(settings.BASE_DIR) / "templates" / "includes" / "sedation_aftercare.html"

# The gastrostomy page's warning signs before issue 20.
OLD_GASTROSTOMY = {
    "title": "Gastrostomy feeding tube put in using X-rays (RIG)",
    "slug": "gastrostomy",
    "warning_signs": {
        "call_999": ["You vomit blood, or you are bleeding heavily from around the tube."],
        "call_111_or_unit": [
            "The tube falls out. Cover the hole with a clean dressing and call straight away.",
            "Feed or fluid leaks around the tube, or it hurts when you have a feed.",
        ],
        "next_visit": ["The skin around the tube stays sore, or a soft pink lump grows around it."],
    },
}


def messages(problems):
    return " / ".join(message for _, message in problems)


# --- Sedation -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # The shared block, the FAQ, the glossary and section 030 before issue 20.
        "an adult needs to stay with you (they do not have to stay the night unless your team says so) after sedation",
        "Sedation is medicine that helps you feel calm and sleepy. You are still awake.",
        "Sedation: a medicine that makes you feel calm and sleepy, but you are still awake.",
        "a local anaesthetic, so you stay awake but feel no pain. Some people also have sedation.",
        "After sedation, an adult must stay with you for 12 hours, and do not drive.",
    ],
)
def test_wording_that_contradicts_the_shared_sedation_rule_is_refused(text):
    assert safety_rules.sedation_contradictions(text)


@pytest.mark.parametrize(
    "text",
    [
        "An adult needs to stay with you for 24 hours, including overnight, after sedation.",
        "Sedation makes you calm and sleepy. With deep sedation you may fall asleep.",
        "Pain is worst in the first 12 to 24 hours.",  # no sedation: not this rule's business
    ],
)
def test_the_shared_sedation_rule_itself_passes(text):
    assert not safety_rules.sedation_contradictions(text)


def test_the_shared_sedation_block_says_overnight_and_every_restriction():
    text = re.sub(r"<[^>]+>", " ", TEMPLATE.read_text(encoding="utf-8"))
    assert not safety_rules.sedation_contradictions(text)
    for words in ("24 hours", "including overnight", "drive", "alcohol", "machines", "legal papers", "money",
                  "lock the bathroom", "other medicines that make you sleepy", "depends on you"):  # fmt: skip
        assert words in text, words


# --- Contrast dye ---------------------------------------------------------------


def test_a_contrast_page_that_does_not_ask_about_kidneys_is_refused():
    # Biliary drainage before issue 20: a dye injection, a question about reactions, none about kidneys.
    old = {
        "body": "They inject a dye that shows the bile ducts on X-ray pictures.",
        "preparation": {"other": "Tell the team if you have had a reaction to contrast dye."},
    }
    assert "kidney problems" in messages(safety_rules.contrast_preparation_problems(old))
    old["preparation"]["other"] += " Tell them if you have kidney problems."
    assert not safety_rules.contrast_preparation_problems(old)


def test_a_page_without_dye_needs_no_dye_question_and_in_contrast_is_plain_english():
    fields = {"body": "In contrast to surgery, this needs no cut.", "preparation": {"other": "Wear loose clothes."}}
    assert not safety_rules.contrast_preparation_problems(fields)


# --- Feeding tubes and drains -------------------------------------------------


def test_the_old_gastrostomy_warning_signs_are_refused():
    problems = safety_rules.leak_without_stop(OLD_GASTROSTOMY)
    assert [keys for keys, _ in problems] == [("warning_signs", "call_111_or_unit", 1)]
    assert "stop the feed" in problems[0][1]


def test_a_leak_with_a_stop_instruction_passes_and_a_leak_left_for_the_next_visit_never_does():
    fixed = {**OLD_GASTROSTOMY, "warning_signs": {**OLD_GASTROSTOMY["warning_signs"]}}
    fixed["warning_signs"]["call_111_or_unit"] = [
        "Feed leaks around the tube, or it hurts when feed goes in. Stop the feed and any medicines straight away."
    ]
    assert not safety_rules.leak_without_stop(fixed)
    fixed["warning_signs"]["next_visit"] = ["Urine leaks around the tube. Do not flush it."]
    assert "never for the next appointment" in messages(safety_rules.leak_without_stop(fixed))


def test_a_leak_on_a_drain_page_needs_stop_flushing():
    old = {"title": "Image-guided drainage", "warning_signs": {"call_111_or_unit": ["The drain leaks a lot."]}}
    assert safety_rules.leak_without_stop(old)
    old["warning_signs"]["call_111_or_unit"] = ["The drain leaks a lot. Do not flush it, and call us."]
    assert not safety_rules.leak_without_stop(old)


# --- New symptoms -------------------------------------------------------------


@pytest.mark.parametrize(
    "sign",
    [
        # Mammogram, vertebroplasty and angioplasty before issue 20.
        "You notice a change in your breast between mammograms, such as a lump, a change in shape or skin.",
        "You get new back pain in a different place in the weeks after, which can mean another bone has broken.",
        "The pain when you walk comes back.",
        "You are more short of breath than before.",
    ],
)
def test_a_new_symptom_in_the_next_appointment_tier_is_refused(sign):
    assert safety_rules.new_symptoms_in_next_visit({"warning_signs": {"next_visit": [sign]}})


@pytest.mark.parametrize(
    "sign",
    [
        "A bruise is still there after 2 weeks.",
        "A hard, tender lump along the treated vein is still sore after 4 weeks.",
        "Your pain is no better after 2 to 3 weeks.",
    ],
)
def test_something_known_that_lingers_may_wait_for_the_next_appointment(sign):
    assert not safety_rules.new_symptoms_in_next_visit({"warning_signs": {"next_visit": [sign]}})


# --- Figures and their sources ------------------------------------------------


def test_the_old_no_figure_wording_is_refused_and_the_new_one_allowed():
    risk = {"what": "A bleed.", "source": {"name": "NICE", "url": "https://www.nice.org.uk/guidance/ipg611"}}
    fields = {"kind": "scan", "risks": [{**risk, "how_often": "no reliable figure is published"}]}
    assert "no longer allowed" in messages(safety.procedure_problems(fields))
    fields["risks"] = [{**risk, "how_often": safety.NO_FIGURE}]
    assert "how_often" not in messages(safety.procedure_problems(fields))


@pytest.mark.parametrize(
    "url",
    [
        "https://europepmc.org/search?query=%22Major%20complications%20after%20percutaneous%20nephrostomy%22",
        "https://pubmed.ncbi.nlm.nih.gov/?term=nephrostomy",
        "https://www.example.org/search/results",
    ],
)
def test_a_search_results_page_is_never_a_source(url):
    assert "search-results page" in safety.link_problem(url)


def test_an_article_is_a_source():
    assert safety.link_problem("https://pubmed.ncbi.nlm.nih.gov/9579182/") is None


@pytest.mark.parametrize(
    "url",
    [
        "https://www.sirtex.com/eu/patients/sir-spheres-microspheres/potential-side-effects/",
        "https://www.spine-health.com/treatment/injections/epidural-steroid-injections-risks-and-side-effects",
        "https://www.ausrad.com/exams-and-services/interventional-radiology/uterine-fibroid-embolization/",
        "https://www.thieme-connect.de/products/ejournals/html/10.1055/s-0037-1603698?lang=en",
    ],
)
def test_a_risk_figure_from_a_device_maker_or_commercial_site_is_refused(url):
    risk = {"what": "Tiredness.", "how_often": "about 1 in 10", "source": {"name": "Somebody", "url": url}}
    assert "a risk figure needs" in messages(safety.procedure_problems({"kind": "scan", "risks": [risk]}))


def test_a_peer_reviewed_paper_on_the_same_publishers_site_is_not_a_poster():
    url = "https://www.thieme-connect.com/products/ejournals/html/10.1055/s-0042-1744122"
    assert safety_rules.weak_figure_source_problem(url) is None


# --- The glossary -------------------------------------------------------------

OLD_GLOSSARY = [
    ("ablation", "Ablation", ["ablations"]),
    ("biopsy", "Biopsy", ["biopsies"]),
    ("core-biopsy", "Core biopsy", ["core biopsies", "core needle biopsy"]),
    ("radiofrequency-denervation", "Radiofrequency denervation", ["radiofrequency", "radiofrequency ablation"]),
    ("radiologist", "Radiologist", ["radiologists"]),
    ("interventional-radiology", "Interventional radiology", ["interventional radiologist"]),
    ("frcr", "FRCR", ["Fellow of the Royal College of Radiologists"]),
]


def test_an_alias_that_names_a_kind_of_another_entry_is_refused():
    problems = safety_rules.glossary_alias_problems(OLD_GLOSSARY)
    assert problems == [
        ("radiofrequency-denervation", "the alias 'radiofrequency ablation' is a kind of 'ablation', which the entry "
         "'ablation' explains: give it its own entry, or link it there"),
    ]  # fmt: skip


def test_an_alias_that_is_another_entrys_word_is_refused():
    terms = [("ct", "CT", ["CT scan"]), ("scan", "Scan", ["CT scan"])]
    assert "already a word of the entry 'ct'" in messages(safety_rules.glossary_alias_problems(terms))


def test_the_real_glossary_gives_radiofrequency_ablation_its_own_entry():
    out = StringIO()
    call_command("sync_content", "--check", stdout=out)
    assert "are valid" in out.getvalue()


@pytest.mark.django_db
def test_a_page_links_a_word_in_the_sense_it_chooses(client):
    # PAE's first "catheter" drains the bladder: it opens the urinary catheter entry.
    html = client.get("/procedures/prostate-artery-embolisation/").content.decode()
    assert 'href="/glossary/#urinary-catheter"' in html
    assert 'href="/glossary/#catheter"' not in html


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["tumour-ablation", "varicose-vein-ablation"])
def test_radiofrequency_ablation_never_opens_the_pain_nerve_definition(client, slug):
    html = client.get(f"/procedures/{slug}/").content.decode()
    assert "/glossary/#radiofrequency-denervation" not in html
    # The old definition of ablation, which explained a vein treatment as destroying a tumour.
    assert "A treatment that destroys a small tumour with heat or cold. A scan" not in html


@pytest.mark.django_db
def test_a_page_can_choose_not_to_link_a_word():
    page = Page.objects.get(slug="varicose-vein-ablation")
    page.glossary_skip = ["ablation"]
    page.render(glossary_linker())
    assert "/glossary/#ablation" not in page.body_html
    page.glossary_skip = []
    page.render(glossary_linker())
    assert "/glossary/#ablation" in page.body_html


# --- In sync_content and in admin ---------------------------------------------

DRAIN = SAMPLE.replace("title: Sample biopsy", "title: Sample drainage")
BROKEN = [
    ("leak without stop", "    - You have a high temperature or shivers.",
     "    - You have a high temperature or shivers.\n    - The drain leaks around the tube.",
     "say to stop the feed", "    - The drain leaks around the tube."),
    ("new symptom at the next visit", "    - A bruise is still there after 2 weeks.",
     "    - You notice a new lump in your breast.", "a new symptom ('lump')", "    - You notice a new lump"),
    ("dye without the questions", "  what_to_bring: A list of your medicines.",
     "  what_to_bring: A list of your medicines.\n  other: You will have contrast dye.",
     "its preparation must ask about a previous reaction to dye and kidney problems", "preparation:"),
    ("sedation tier that contradicts", "    - A bruise is still there after 2 weeks.",
     "    - After sedation you do not have to stay the night with an adult.", "contradicts the sedation rule",
     "    - After sedation"),
    ("sedation body that contradicts", "You rest.", "You rest. After sedation, you are still awake.",
     "wrong for deep sedation", "You rest. After sedation"),
    ("old no-figure wording", "how_often: about 1 in 4", "how_often: no reliable figure is published",
     "is no longer allowed", "    how_often: no reliable"),
    ("search page as a source", "url: https://www.brit-thoracic.org.uk/quality-improvement/guidelines/lung-biopsy/",
     "url: https://europepmc.org/search?query=lung", "search-results page", "      url: https://europepmc.org"),
    ("unknown glossary sense", "related: [ct-scan]", "related: [ct-scan]\nglossary_senses: {catheter: no-such-entry}",
     "there is no glossary entry 'no-such-entry'", None),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "old", "new", "message", "line_text"), BROKEN, ids=[b[0] for b in BROKEN])
def test_sync_refuses_each_class_naming_file_and_line(content_copy, name, old, new, message, line_text):
    assert old in DRAIN
    broken = DRAIN.replace(old, new, 1)
    (content_copy / "procedures" / "sample-drainage.md").write_text(broken)
    with pytest.raises(CommandError) as error:
        call_command("sync_content", "--check", "--path", str(content_copy), stdout=StringIO())
    ours = [line for line in str(error.value).splitlines() if "sample-drainage.md:" in line]
    assert ours and message in ours[0], str(error.value)
    if line_text is not None:
        line = next(n for n, text in enumerate(broken.splitlines(), start=1) if text.startswith(line_text))
        assert f"sample-drainage.md:{line}:" in ours[0]


@pytest.mark.django_db
def test_sync_refuses_the_old_faq_and_glossary_sedation_wording(content_copy):
    faqs = content_copy / "faqs.md"
    faqs.write_text(faqs.read_text().replace("you may fall asleep.", "you may fall asleep. You are still awake.", 1))
    glossary = content_copy / "glossary.md"
    glossary.write_text(glossary.read_text().replace("<!-- also: RFA -->", "<!-- also: RFA, radiofrequency -->"))
    denervation = "## Radiofrequency denervation\n"
    text = glossary.read_text().replace(denervation, denervation + "<!-- also: ablation by radiofrequency -->\n")
    glossary.write_text(text.replace("<!-- also: ablations -->", "<!-- also: ablations, RFA -->"))
    with pytest.raises(CommandError) as error:
        call_command("sync_content", "--check", "--path", str(content_copy), stdout=StringIO())
    assert re.search(r"faqs\.md:\d+: 'You are still awake' is wrong for deep sedation", str(error.value))
    assert "the alias 'RFA' is already a word of the entry" in str(error.value)


@pytest.mark.django_db
def test_admin_refuses_the_old_glossary_sedation_definition():
    term = GlossaryTerm.objects.get(slug="sedation")
    term.definition = "A medicine that makes you feel calm and sleepy, but you are still awake."
    with pytest.raises(ValidationError) as error:
        term.full_clean()
    assert "wrong for deep sedation" in str(error.value)


@pytest.mark.django_db
def test_admin_refuses_a_page_that_contradicts_the_sedation_rule():
    page = Page.objects.get(slug="gastrostomy")
    page.body += "\n\nAfter sedation you do not have to stay the night with anyone."
    page.warning_signs = {**page.warning_signs, "next_visit": ["You notice a new lump near the tube."]}
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    text = str(error.value)
    assert "contradicts the sedation rule" in text and "a new symptom ('lump')" in text


@pytest.mark.django_db
def test_admin_refuses_a_glossary_alias_in_another_entrys_sense():
    term = GlossaryTerm.objects.get(slug="radiofrequency-denervation")
    term.aliases = "radiofrequency ablation"
    with pytest.raises(ValidationError) as error:
        term.full_clean()
    assert "already a word of the entry 'radiofrequency-ablation'" in str(error.value)
