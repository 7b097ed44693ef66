"""Communication needs (the NHS Accessible Information Standard), from the
patient's form to the reply: asked, stored, flagged to staff in the inbox,
on the enquiry's page, in their email and on the dashboard, changed by staff
on the timeline, carried by an enquiry link, and erased with the enquiry."""

import re

import pytest
from django.core import mail
from django.core.management import call_command

from radiology_guide.enquiries import needs
from radiology_guide.enquiries.models import Enquiry, EnquiryEvent, EnquiryLink
from tests.helpers import error_summary

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, clinic_staff):
    client.force_login(clinic_staff)
    return client


def send(client, valid_post, **changes):
    response = client.post("/enquire/", valid_post(**changes))
    assert response.status_code == 302, error_summary(response.content.decode())
    return Enquiry.objects.latest("received_at")


def test_the_form_asks_optionally_with_each_language_named_in_itself(client):
    html = client.get("/enquire/").content.decode()
    assert "Do you need anything to help you communicate with us? (optional)" in html
    for need in needs.NEEDS:
        assert f'value="{need.code}"' in html and need.label in html
    # Spoken and drawn as its own speakers expect: lang on each, and Urdu and Arabic right to left.
    assert '<option value="pl" lang="pl">Polski</option>' in html
    assert '<option value="ur" lang="ur" dir="rtl">اردو</option>' in html
    assert '<option value="ar" lang="ar" dir="rtl">العربية</option>' in html
    for name in ("Română", "ਪੰਜਾਬੀ", "Português", "Español", "বাংলা", "Another language"):
        assert name in html
    # The follow-up questions are in the page, not hidden for a script to show.
    assert 'id="needs-interpreter-detail"' in html and "hidden" not in re.search(
        r'<div class="govuk-checkboxes__conditional" id="needs-interpreter-detail">', html
    ).group(0)


def test_an_enquiry_without_needs_stores_none(client, valid_post):
    enquiry = send(client, valid_post)
    assert enquiry.communication_needs == "" and enquiry.need_flags == []


ANSWERS = [
    # (case, what was sent, stored codes, language, flags staff read)
    ("interpreter in Polish and large print", {"needs": ["interpreter", "large-print"], "interpreter_language": "pl"},
     "|large-print|interpreter|", "pl", ["Needs large print", "Needs an interpreter: Polish"]),
    ("another language typed", {"needs": ["interpreter"], "interpreter_language": "another",
                                "another_language": " Tigrinya "},
     "|interpreter|", "Tigrinya", ["Needs an interpreter: Tigrinya"]),
    # Shown whole without JavaScript: an answer without its box ticked still counts.
    ("language chosen, box not ticked", {"interpreter_language": "ro"},
     "|interpreter|", "ro", ["Needs an interpreter: Romanian"]),
    ("interpreter ticked, no language", {"needs": ["interpreter"]}, "|interpreter|", "", ["Needs an interpreter"]),
    ("language but no interpreter", {"needs": ["braille"], "interpreter_language": ""},
     "|braille|", "", ["Needs braille"]),
    ("something else typed", {"other_need": "Please call after 4pm, I work nights"},
     "|other|", "", ["Needs something else: Please call after 4pm, I work nights"]),
    ("every need", {"needs": [n.code for n in needs.NEEDS], "interpreter_language": "ar", "other_need": "Wheelchair"},
     "|easy-read|large-print|interpreter|bsl|braille|hearing-loop|helper|other|", "ar", None),
]  # fmt: skip


@pytest.mark.parametrize(("case", "sent", "stored", "language", "flags"), ANSWERS, ids=[a[0] for a in ANSWERS])
def test_needs_are_stored_with_the_enquiry(client, valid_post, case, sent, stored, language, flags):
    enquiry = send(client, valid_post, **sent)
    assert enquiry.communication_needs == stored
    assert enquiry.interpreter_language == language
    if flags is not None:
        assert enquiry.need_flags == flags


MISTAKES = [
    ("another language not named", {"needs": ["interpreter"], "interpreter_language": "another"},
     "another_language", "Enter the language you need an interpreter for"),
    ("made-up need", {"needs": ["telepathy"]}, "needs", "Tick only the choices shown"),
    ("made-up language", {"interpreter_language": "xx"}, "interpreter_language", "Choose a language from the list"),
    ("other need too long", {"other_need": "x" * 201}, "other_need", "200 characters or fewer"),
    ("control character", {"other_need": "bell\x07"}, "other_need", "must not contain hidden control characters"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "sent", "field", "message"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_mistakes_are_explained_beside_the_question_and_nothing_is_lost(client, valid_post, case, sent, field, message):
    response = client.post("/enquire/", valid_post(message="Keep these words", **sent))
    html = response.content.decode()
    assert response.status_code == 400 and Enquiry.objects.count() == 0
    summary = error_summary(html)
    assert message in summary and f'href="#id_{field}' in summary
    assert html.count(message) >= 2
    assert "Keep these words</textarea>" in html


def test_ticked_boxes_and_the_language_are_kept_after_another_error(client, valid_post):
    html = client.post(
        "/enquire/", valid_post(name="", needs=["interpreter", "braille"], interpreter_language="pl")
    ).content.decode()
    assert re.search(r'value="interpreter"[^>]* checked', html) and re.search(r'value="braille"[^>]* checked', html)
    assert '<option value="pl" selected lang="pl">Polski</option>' in html


def test_inbox_and_enquiry_page_flag_an_interpreter_in_polish_and_large_print(client, valid_post, staff_client):
    enquiry = send(client, valid_post, needs=["interpreter", "large-print"], interpreter_language="pl")
    other = send(client, valid_post, name="No Needs", form_token=valid_post()["form_token"])
    inbox = staff_client.get("/staff/enquiries/").content.decode()
    row = re.search(rf"<tr[^>]*>\s*<th[^>]*><a[^>]*>{enquiry.reference}.*?</tr>", inbox, re.S).group(0)
    assert '<strong class="tag tag-needs">Needs an interpreter: Polish</strong>' in row
    assert '<strong class="tag tag-needs">Needs large print</strong>' in row
    plain = re.search(rf"<tr[^>]*>\s*<th[^>]*><a[^>]*>{other.reference}.*?</tr>", inbox, re.S).group(0)
    assert "tag-needs" not in plain
    page = staff_client.get(f"/staff/enquiries/{enquiry.reference}/").content.decode()
    note = re.search(r'<div class="needs-note".*?</div>', page, re.S).group(0)
    assert "Needs an interpreter: Polish" in note and "Needs large print" in note


def test_the_staff_email_names_the_needs_but_not_the_patients_own_words(
    client, valid_post, settings, django_capture_on_commit_callbacks
):
    settings.ENQUIRY_NOTIFY_EMAILS = ["desk@clinic.example"]
    with django_capture_on_commit_callbacks(execute=True):
        send(client, valid_post, needs=["interpreter", "bsl"], interpreter_language="bn", other_need="My son Tom")
    body = mail.outbox[0].body
    assert "Communication needs (meet them when you reply):" in body
    assert "- Needs an interpreter: Bengali" in body and "- Needs a BSL interpreter" in body
    assert "- Needs something else (see the inbox)" in body and "Tom" not in body


def test_an_email_for_an_enquiry_without_needs_does_not_mention_them(
    client, valid_post, settings, django_capture_on_commit_callbacks
):
    settings.ENQUIRY_NOTIFY_EMAILS = ["desk@clinic.example"]
    with django_capture_on_commit_callbacks(execute=True):
        send(client, valid_post)
    assert "Communication needs" not in mail.outbox[0].body


def test_staff_add_and_change_a_need_on_the_timeline(make_enquiry, staff_client, clinic_staff):
    enquiry = make_enquiry(communication_needs="|large-print|")
    url = f"/staff/enquiries/{enquiry.reference}/needs/"
    page = staff_client.get(f"/staff/enquiries/{enquiry.reference}/").content.decode()
    assert re.search(r'id="needs_needs_1"[^>]*checked', page)  # large print, ticked as stored
    response = staff_client.post(url, {"needs": ["interpreter"], "interpreter_language": "pa"})
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.need_flags == ["Needs an interpreter: Panjabi"]
    event = enquiry.events.get()
    assert event.kind == EnquiryEvent.Kind.NEEDS and event.by == clinic_staff
    assert event.detail == "Added: Needs an interpreter: Panjabi. Removed: Needs large print."
    page = staff_client.get(response["Location"]).content.decode()
    assert "Communication needs saved." in page
    assert "<strong>Communication needs changed</strong>: Added: Needs an interpreter: Panjabi." in page
    # The same answers again change nothing and write nothing.
    staff_client.post(url, {"needs": ["interpreter"], "interpreter_language": "pa"})
    assert enquiry.events.count() == 1


def test_a_staff_mistake_is_shown_on_the_enquirys_page(make_enquiry, staff_client):
    enquiry = make_enquiry()
    response = staff_client.post(
        f"/staff/enquiries/{enquiry.reference}/needs/", {"needs": ["interpreter"], "interpreter_language": "another"}
    )
    html = response.content.decode()
    assert response.status_code == 400 and "<title>Error: " in html
    assert 'href="#needs_another_language"' in html and "Enter the language you need an interpreter for" in html


def test_the_dashboard_counts_each_need_and_the_interpreters_languages(make_enquiry, staff_client):
    make_enquiry(communication_needs="|large-print|interpreter|", interpreter_language="pl")
    make_enquiry(communication_needs="|interpreter|", interpreter_language="pl")
    make_enquiry(communication_needs="|interpreter|bsl|", interpreter_language="Tigrinya")
    make_enquiry()
    html = staff_client.get("/staff/dashboard/").content.decode()
    assert "3 enquiries in this period asked for help to communicate with us." in html
    table = re.search(r'<table class="stack needs-table">.*?</table>', html, re.S).group(0)
    assert '<th scope="row">An interpreter</th><td data-label="Enquiries">3</td>' in table
    assert '<th scope="row">Large print</th><td data-label="Enquiries">1</td>' in table
    assert '<th scope="row">Braille</th><td data-label="Enquiries">0</td>' in table
    languages = re.search(r'<table class="stack languages-table">.*?</table>', html, re.S).group(0)
    assert languages.index('Polish</th><td data-label="Enquiries">2') < languages.index("Tigrinya")


def test_a_link_carries_a_need_heard_on_the_phone_into_the_patients_form(staff_client, client, valid_post):
    response = staff_client.post(
        "/staff/",
        {"topic": "CT scan", "expires": "30", "action": "create", "needs": ["interpreter", "hearing-loop"],
         "interpreter_language": "ro"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    link = EnquiryLink.objects.get()
    assert link.communication_needs == "|interpreter|hearing-loop|" and link.interpreter_language == "ro"
    staff_page = staff_client.get(response["Location"]).content.decode()
    assert "Needs an interpreter: Romanian" in staff_page and "Needs a hearing loop" in staff_page
    client.logout()
    form = client.get(link.get_absolute_url()).content.decode()
    assert re.search(r'value="interpreter"[^>]* checked', form)
    assert re.search(r'value="hearing-loop"[^>]* checked', form)
    assert not re.search(r'value="braille"[^>]* checked', form)
    assert '<option value="ro" selected lang="ro">Română</option>' in form


def test_the_check_step_keeps_the_needs_for_yes_send_it(staff_client):
    data = {"topic": "CT scan", "expires": "30", "action": "send", "how": "email", "email": "pat@example.com",
            "needs": ["bsl", "easy-read"], "interpreter_language": ""}  # fmt: skip
    html = staff_client.get("/staff/").content.decode() and staff_client.post("/staff/", data).content.decode()
    assert '<input type="hidden" name="needs" value="bsl">' in html
    assert '<input type="hidden" name="needs" value="easy-read">' in html
    back = staff_client.post("/staff/", {**data, "action": "change", "checked": "yes"}).content.decode()
    assert re.search(r'value="bsl"[^>]* checked', back) and re.search(r'value="easy-read"[^>]* checked', back)


def test_a_link_with_another_language_starts_the_form_with_it_typed(client):
    link = EnquiryLink.objects.create(
        topic="ct-scan", topic_title="CT scan", communication_needs="|interpreter|", interpreter_language="Tigrinya"
    )
    html = client.get(link.get_absolute_url()).content.decode()
    assert '<option value="another" selected>Another language</option>' in html
    assert 'value="Tigrinya"' in html


def test_needs_go_with_the_enquiry_in_purge_and_erasure(make_enquiry):
    make_enquiry(days_ago=400, communication_needs="|braille|")
    kept = make_enquiry(email="kept@example.com", communication_needs="|bsl|")
    erased = make_enquiry(email="erase@example.com", communication_needs="|interpreter|", interpreter_language="pl")
    erased.change_needs(None, ["interpreter", "helper"], "pl")
    call_command("purge_enquiries", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    call_command("erase_enquiries", email="erase@example.com", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    assert list(Enquiry.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not EnquiryEvent.objects.exists()  # the timeline line naming the need went too
    assert not Enquiry.objects.filter(**needs.contains("braille")).exists()
