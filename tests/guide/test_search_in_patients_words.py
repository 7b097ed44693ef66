"""A worried patient types what they would say out loud ("cat scan", "parking",
"clostrophobic") and the page they mean comes first, on SQLite and on
PostgreSQL alike (run with DATABASE_URL=postgres://... for the second)."""

import pytest
from django.core.management import call_command

from radiology_guide.guide import publishing
from radiology_guide.guide.models import FAQ, Synonym
from radiology_guide.guide.search import search, search_with_corrections

pytestmark = pytest.mark.django_db

# What a patient types, and the page that must come first.
PATIENT_QUERIES = [
    # Everyday names for scans
    ("xray", "/procedures/x-ray-and-fluoroscopy/"),
    ("x ray", "/procedures/x-ray-and-fluoroscopy/"),
    ("x-ray of my chest", "/procedures/x-ray-and-fluoroscopy/"),
    ("broken bone", "/procedures/x-ray-and-fluoroscopy/"),
    ("cat scan", "/procedures/ct-scan/"),
    ("CT", "/procedures/ct-scan/"),
    ("how much radiation is a CT", "/procedures/ct-scan/"),
    ("heart scan", "/procedures/nuclear-medicine-and-pet/"),
    ("brain scan", "/procedures/mri-scan/"),
    ("MRI", "/procedures/mri-scan/"),
    ("how long does an MRI take", "/procedures/mri-scan/"),
    ("pacemaker MRI", "/procedures/mri-scan/"),
    ("bone scan", "/procedures/nuclear-medicine-and-pet/"),
    ("PET-CT", "/procedures/nuclear-medicine-and-pet/"),
    ("baby scan", "/procedures/ultrasound-scan/"),
    ("breast screening", "/procedures/mammogram/"),
    # Worries
    ("claustrophobic", "/procedures/mri-scan/"),
    ("I'm scared of needles", "/faqs/#will-it-hurt"),
    ("will it hurt", "/faqs/#will-it-hurt"),
    ("pregnant", "/faqs/#pregnancy"),
    ("breastfeeding", "/faqs/#breastfeeding"),
    ("can children have scans", "/guide/children-and-young-people/"),
    ("blood thinners", "/faqs/#medicines-and-blood-thinners"),
    ("radiation dose", "/guide/radiation-and-safety/"),
    # Body parts and problems in plain words
    ("womb", "/procedures/uterine-fibroid-embolisation/"),
    ("heavy periods", "/procedures/uterine-fibroid-embolisation/"),
    ("blocked artery", "/procedures/angioplasty-and-stenting/"),
    ("leg pain walking", "/procedures/angioplasty-and-stenting/"),
    ("back pain injection", "/procedures/nerve-blocks-for-pain/"),
    ("liver cancer treatment", "/procedures/tace/"),
    ("kidney dialysis", "/procedures/dialysis-access/"),
    ("lung biopsy", "/procedures/lung-biopsy/"),
    ("biopsy of my lung", "/procedures/lung-biopsy/"),
    ("scan of my heart", "/procedures/nuclear-medicine-and-pet/"),
    ("abscess", "/procedures/image-guided-drainage/"),
    ("chemo line", "/procedures/picc-and-central-lines/"),
    # Practical questions
    ("parking", "/visiting/"),
    ("opening hours", "/contact/"),
    ("phone number", "/contact/"),
    ("wheelchair", "/visiting/"),
    ("what to bring", "/guide/what-to-expect/"),
    ("what to wear", "/guide/what-to-expect/"),
    ("results", "/faqs/#results"),
    ("when will I get my results", "/faqs/#results"),
    ("how much does it cost", "/faqs/#cost"),
    ("do I need a referral", "/faqs/#referral"),
    ("second opinion", "/guide/choosing-a-radiologist/"),
    # Whole pages before FAQs and glossary entries for the same words
    ("what is interventional radiology", "/guide/interventional-radiology/"),
    ("diagnostic radiology", "/guide/diagnostic-radiology/"),
    ("stroke", "/guide/working-together/"),
    ("metformin", "/faqs/#diabetes-and-metformin"),
    # Typos
    ("ultrasond", "/procedures/ultrasound-scan/"),
    ("mamogram", "/procedures/mammogram/"),
    ("biopsey", "/procedures/image-guided-biopsy/"),
    ("clostrophobic", "/procedures/mri-scan/"),
    ("anjioplasty", "/procedures/angioplasty-and-stenting/"),
    ("fibroid embolization", "/procedures/uterine-fibroid-embolisation/"),
    ("parkng", "/visiting/"),
]


@pytest.mark.parametrize(("query", "expected"), PATIENT_QUERIES)
def test_the_page_a_patient_means_comes_first(query, expected):
    results = search(query)
    assert results, f"no results for {query!r}"
    assert results[0].url == expected, [r.url for r in results[:3]]


def test_there_are_at_least_40_patient_queries():
    assert len(PATIENT_QUERIES) >= 40


def test_glossary_entries_never_come_before_a_page_with_the_same_words():
    for query in ["claustrophobic", "stroke", "metformin", "abscess", "picc"]:
        kinds = [result.kind for result in search(query)]
        if "term" in kinds:
            assert all(kind == "term" for kind in kinds[kinds.index("term") :]), (query, kinds)


def test_a_misspelt_search_says_what_it_searched_for_and_offers_the_words_as_typed(client):
    html = client.get("/search/", {"q": "ultrasond scan"}).content.decode()
    assert "Showing results for ‘<strong>ultrasound scan</strong>’" in html
    assert 'href="/procedures/ultrasound-scan/"' in html
    assert 'href="/search/?q=ultrasond%20scan&amp;exact=1"' in html
    exact = client.get("/search/", {"q": "ultrasond", "exact": "1"}).content.decode()
    assert "Showing results for" not in exact and "No results for ‘ultrasond’" in exact


def test_a_real_word_is_never_corrected_into_a_different_one():
    # "varices" (in the TIPS page) is close in spelling but means something else.
    assert search_with_corrections("varicose veins").corrected == ""
    assert search_with_corrections("scans").corrected == ""


def test_an_editor_adds_a_synonym_in_admin_and_search_uses_it_at_once(client, editor):
    client.force_login(editor)
    response = client.post("/admin/guide/synonym/add/", {"phrase": "Tummy Scan", "url": "/procedures/ultrasound-scan/"})
    assert response.status_code == 302
    assert Synonym.objects.get(phrase="tummy scan").url == "/procedures/ultrasound-scan/"
    assert search("tummy scan")[0].url == "/procedures/ultrasound-scan/"


def test_admin_refuses_a_synonym_for_a_page_that_does_not_exist(client, editor):
    client.force_login(editor)
    response = client.post("/admin/guide/synonym/add/", {"phrase": "tummy scan", "url": "/procedures/tummy/"})
    assert response.status_code == 200
    assert "No page of the guide has this address" in response.content.decode()
    assert not Synonym.objects.filter(phrase="tummy scan").exists()


def test_synonyms_come_from_the_content_file_and_go_back_to_it(content_copy):
    path = content_copy / "synonyms.yml"
    path.write_text(path.read_text() + "/procedures/tips/:\n- liver shunt op\n")
    call_command("sync_content", "--path", str(content_copy), stdout=None)
    assert search("liver shunt op")[0].url == "/procedures/tips/"
    Synonym.objects.create(phrase="jelly on my tummy", url="/procedures/ultrasound-scan/")
    call_command("export_content", "--path", str(content_copy))
    text = path.read_text()
    assert "- jelly on my tummy" in text and "- liver shunt op" in text
    Synonym.objects.filter(phrase="jelly on my tummy").delete()
    call_command("sync_content", "--path", str(content_copy))
    assert Synonym.objects.get(phrase="jelly on my tummy").url == "/procedures/ultrasound-scan/"


def test_a_synonym_changed_in_admin_is_not_overwritten_by_a_sync(content_copy):
    Synonym.objects.filter(phrase="parking").update(url="/faqs/#cost")
    call_command("sync_content", "--path", str(content_copy))
    assert Synonym.objects.get(phrase="parking").url == "/faqs/#cost"


def test_snippets_break_at_headings_and_sentences(client):
    faq = FAQ(
        group="Getting ready",
        question="What should I wear on the day?",
        anchor="what-to-wear-test",
        answer="Wear what you like.\n\n### Jewellery and metal\n\nTake off earrings before an MRI scan. "
        "Leave rings at home if you can. The weather can be cold, so bring a coat.",
        order=99,
    )
    publishing.create(faq, None)
    result = next(r for r in search("earrings") if r.url == "/faqs/#what-to-wear-test")
    assert str(result.snippet).startswith("Take off <mark>earrings</mark> before an MRI scan.")
    assert "metal Take" not in result.snippet and "Jewellery" not in result.snippet
    assert str(result.snippet).endswith(".")
