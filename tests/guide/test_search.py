"""A patient types a question into the search box and the obvious page
comes first, on SQLite (FTS5) and on PostgreSQL (full-text search) alike."""

import pytest

from radiology_guide.guide.models import FAQ, Page
from radiology_guide.guide.search import search

pytestmark = pytest.mark.django_db

# Two questions have two equally obvious answers: the scan's page and the FAQ
# or safety page written for exactly that worry. Either may come first.
MRI_CLAUSTROPHOBIA = {"/procedures/mri-scan/", "/faqs/#claustrophobia-mri"}
CT_IN_PREGNANCY = {"/guide/radiation-and-safety/", "/procedures/ct-scan/", "/faqs/#pregnancy"}
# Since issue 13 there is a CT page for the bowel and a biopsy page for each site: any of them answers.
ANY_CT = {"/procedures/ct-scan/", "/procedures/ct-colonography/"}
ANY_BIOPSY = {
    f"/procedures/{slug}/"
    for slug in (
        "image-guided-biopsy",
        "lung-biopsy",
        "liver-biopsy",
        "kidney-biopsy",
        "breast-biopsy",
        "thyroid-biopsy",
    )
}

OBVIOUS_FIRST = [
    ("fibroids", "/procedures/uterine-fibroid-embolisation/"),
    ("MRI claustrophobia", MRI_CLAUSTROPHOBIA),
    ("biopsy recovery", ANY_BIOPSY),
    ("is CT safe in pregnancy", CT_IN_PREGNANCY),
    ("embolisation", "/procedures/embolisation/"),
    ("PICC line", "/procedures/picc-and-central-lines/"),
    ("what happens at my CT", ANY_CT),
    ("CT scan", "/procedures/ct-scan/"),
    ("lung biopsy collapsed lung", "/procedures/lung-biopsy/"),
    ("liver tumour radioactive beads", "/procedures/sirt/"),
    ("TACE", "/procedures/tace/"),
    ("dialysis fistula blocked", "/procedures/dialysis-access/"),
    ("mammogram", "/procedures/mammogram/"),
    ("ultrasound pregnancy", "/procedures/ultrasound-scan/"),
    ("PET scan", "/procedures/nuclear-medicine-and-pet/"),
    ("nerve block back pain", "/procedures/nerve-blocks-for-pain/"),
    ("angioplasty stent", "/procedures/angioplasty-and-stenting/"),
    ("drain an abscess", "/procedures/image-guided-drainage/"),
    ("how to choose a radiologist", "/guide/choosing-a-radiologist/"),
    ("contrast dye allergy", "/faqs/#contrast-and-allergies"),
    ("can I eat before my scan", "/faqs/#eating-and-drinking"),
    ("can I drive home after sedation", "/faqs/#driving-after-sedation"),
    ("TIPS liver shunt", "/procedures/tips/"),
    ("tumour ablation", "/procedures/tumour-ablation/"),
    ("x-ray", "/procedures/x-ray-and-fluoroscopy/"),
]


@pytest.mark.parametrize(("query", "expected"), OBVIOUS_FIRST)
def test_the_obvious_page_comes_first(query, expected):
    results = search(query)
    assert results, f"no results for {query!r}"
    expected = {expected} if isinstance(expected, str) else expected
    assert results[0].url in expected, [r.url for r in results[:3]]


def test_results_page_highlights_the_matching_words_and_works_without_javascript(client):
    html = client.get("/search/", {"q": "fibroids"}).content.decode()
    assert 'href="/procedures/uterine-fibroid-embolisation/"' in html
    assert "<mark>fibroids</mark>" in html.lower() or "<mark>fibroid</mark>" in html.lower()
    assert 'role="search"' in html and 'method="get"' in html


def test_no_results_offers_suggested_pages_and_the_enquiry_form(client):
    html = client.get("/search/", {"q": "xylophone"}).content.decode()
    assert "No results for ‘xylophone’" in html
    assert 'href="/guide/what-to-expect/"' in html and 'href="/enquire/"' in html


@pytest.mark.parametrize("query", ['"', "AND OR NOT", "*", "(((", "NEAR(a b)", "<script>alert(1)</script>", "a" * 500])
def test_odd_input_never_breaks_search_and_is_shown_escaped(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_every_page_has_a_search_box(client):
    for path in ["/", "/faqs/", "/procedures/ct-scan/", "/enquire/"]:
        assert 'action="/search/"' in client.get(path).content.decode()


def test_index_stays_current_when_content_is_saved_in_admin():
    FAQ.objects.create(
        group="Getting ready",
        question="Can I bring my guide dog?",
        anchor="guide-dog",
        answer="Yes, guide dogs are welcome.",
        order=99,
    )
    assert search("guide dog")[0].url == "/faqs/#guide-dog"
    page = Page.objects.get(slug="mammogram")
    page.title = "Breast X-ray (mammogram)"
    page.save()
    assert search("breast x-ray")[0].title == "Breast X-ray (mammogram)"
    page.delete()
    assert all(result.url != "/procedures/mammogram/" for result in search("mammogram"))
