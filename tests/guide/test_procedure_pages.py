"""A patient reads a scan or procedure page: the structured safety content
(preparation, risks, sedation aftercare, when to get help, dose) is shown the
same way on every page, and the visiting page shows the clinic's details."""

import re

import pytest
from django.template.loader import render_to_string

from radiology_guide.core.models import ClinicDetails
from radiology_guide.guide.models import Page

pytestmark = pytest.mark.django_db


def main_of(html):
    return html[html.index("<main") : html.index("</main>")]


def heading_order(html):
    return re.findall(r'<h2 id="([^"]+)"', html)


def test_every_scan_and_procedure_page_has_its_safety_blocks_in_the_same_order(client):
    pages = list(Page.objects.procedures())
    assert pages
    for page in pages:
        html = main_of(client.get(page.get_absolute_url()).content.decode())
        order = heading_order(html)
        expected = ["how-do-i-prepare", "what-are-the-risks", "recovery-and-going-home", "when-to-get-help"]
        assert [anchor for anchor in order if anchor in expected] == expected, page.slug
        # The preparation block sits between what it is and the day itself.
        assert order.index("what-is-it-and-why-is-it-done") < order.index("how-do-i-prepare")
        assert order.index("how-do-i-prepare") < order.index("what-happens-on-the-day"), page.slug
        # Listed in "On this page" too.
        assert 'href="#when-to-get-help"' in html and 'href="#how-do-i-prepare"' in html


def test_preparation_lists_eating_medicines_and_what_to_bring(client):
    page = Page.objects.procedures().first()
    html = main_of(client.get(page.get_absolute_url()).content.decode())
    block = html[html.index('id="how-do-i-prepare"') : html.index("</section>", html.index('id="how-do-i-prepare"'))]
    for heading in ("Eating and drinking", "Medicines", "What to bring"):
        assert f"<h3>{heading}</h3>" in block
    assert page.preparation["what_to_bring"].split("[")[0][:30] in block


def test_each_risk_shows_how_often_and_links_its_source(client):
    page = next(p for p in Page.objects.procedures() if p.kind == "procedure")
    html = main_of(client.get(page.get_absolute_url()).content.decode())
    for risk in page.risks:
        assert f"How often: {risk['how_often']}." in html
        assert f'<a href="{risk["source"]["url"]}">' in html


def test_when_to_get_help_gives_three_tiers_in_words_and_the_clinics_phone(client):
    clinic = ClinicDetails.load()
    clinic.phone = "01632 960 555"
    clinic.save()  # the pages are rendered again with the new number
    page = next(p for p in Page.objects.procedures() if p.kind == "procedure")
    html = main_of(client.get(page.get_absolute_url()).content.decode())
    callout = html[html.index('id="when-to-get-help"') :]
    callout = callout[: callout.index("</section>")]
    assert "Call 999 now if:" in callout
    assert "or call 111 when we are closed, if:" in callout and 'href="tel:01632960555"' in callout
    assert "Tell us at your next appointment if:" in callout
    for sign in page.warning_signs["call_999"]:
        assert sign.split("[")[0][:40] in callout
    # After the recovery section, near where the patient reads about going home.
    assert html.index('id="recovery-and-going-home"') < html.index('id="when-to-get-help"')


def test_sedation_aftercare_is_one_shared_block_shown_only_where_sedation_is_used(client):
    shared = render_to_string("includes/sedation_aftercare.html").strip()
    for text in ("24 hours", "an adult needs to stay with you", "do not drive", "alcohol", "cook", "legal papers",
                 "only person looking after a child"):  # fmt: skip
        assert text in shared
    with_sedation = [p for p in Page.objects.procedures() if p.sedation_aftercare]
    without = [p for p in Page.objects.procedures() if not p.sedation_aftercare]
    assert with_sedation and without
    for page in with_sedation:
        assert shared in client.get(page.get_absolute_url()).content.decode(), page.slug
    for page in without:
        assert 'id="after-sedation"' not in client.get(page.get_absolute_url()).content.decode(), page.slug


def test_the_facts_box_gives_the_dose_and_its_source(client):
    page = next(p for p in Page.objects.procedures() if p.ionising_radiation and p.dose_band != "treatment")
    html = main_of(client.get(page.get_absolute_url()).content.decode())
    facts = html[html.index('class="facts"') : html.index("</section>", html.index('class="facts"'))]
    assert f"{page.dose_band} dose" in facts
    number = page.reference_number(page.dose_source)  # its source is listed at the end (issue 19)
    assert "Radiation dose" in facts and f'<a class="source-ref" href="#source-{number}">' in facts
    assert f'<li id="source-{number}"><a href="{page.dose_source["url"]}">' in html


def test_a_page_without_ionising_radiation_shows_no_dose(client):
    page = next(p for p in Page.objects.procedures() if p.ionising_radiation is False)
    html = main_of(client.get(page.get_absolute_url()).content.decode())
    assert "No ionising radiation" in html and "Radiation dose" not in html


def test_every_dose_band_in_use_is_explained_on_the_radiation_page():
    radiation = Page.objects.get(slug="radiation-and-safety").body.lower()
    bands = {p.dose_band for p in Page.objects.procedures() if p.ionising_radiation}
    for band in bands:
        for part in band.split(" to "):
            assert part in radiation, f"the radiation page does not explain the band '{part}'"


def test_visiting_page_shows_the_clinics_address_transport_parking_and_access(client):
    clinic = ClinicDetails.load()
    clinic.address = "Rinebraska Imaging Centre\n2 Test Road\nLondon"
    clinic.getting_here = "Take bus 99 to Test Road."
    clinic.parking = ""
    clinic.step_free_access = "Level entrance and a lift."
    clinic.save()
    html = main_of(client.get("/visiting/").content.decode())
    assert html.count("<h1") == 1
    for heading in ("Address", "Getting here", "Parking", "Step-free access", "Opening hours"):
        assert f">{heading}</h2>" in html
    assert "2 Test Road" in html and "Take bus 99 to Test Road." in html and "Level entrance and a lift." in html
    # Nothing made up where the clinic has said nothing: ask us instead.
    parking = html[html.index(">Parking</h2>") : html.index(">Step-free access</h2>")]
    assert "to ask about parking" in parking and clinic.phone in parking


def test_visiting_page_is_linked_from_every_page_and_in_the_sitemap(client):
    assert 'href="/visiting/"' in client.get("/").content.decode()
    assert 'href="/visiting/"' in client.get("/faqs/").content.decode()
    assert "/visiting/</loc>" in client.get("/sitemap.xml").content.decode()


def test_an_editor_fills_in_the_visiting_details_in_admin(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("desk", "desk@example.com", "a-long-test-password", is_staff=True)
    # What patients read changes: the clinic's details need what publishing needs (issue 19).
    user.user_permissions.add(*Permission.objects.filter(codename__in=["change_clinicdetails", "publish_content"]))
    client.force_login(user)
    clinic = ClinicDetails.load()
    form = {
        f: getattr(clinic, f)
        for f in ("name", "phone", "email", "address", "opening_hours", "working_days", "bank_holidays")
    }
    form |= {"getting_here": "Bus 7 stops outside.", "parking": "", "step_free_access": "A ramp at the front door."}
    response = client.post(f"/admin/core/clinicdetails/{clinic.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    html = client.get("/visiting/").content.decode()
    assert "Bus 7 stops outside." in html and "A ramp at the front door." in html
