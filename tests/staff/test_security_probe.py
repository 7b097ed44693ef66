"""Issue 19's security probe of the staff area and enquiry links: each
finding as the story of the leak or the failure, so that each one fails if
the hole opens again (docs/security.md lists them)."""

import logging
import re

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.core import mail
from django.http import HttpRequest

from radiology_guide.core.models import ClinicDetails
from radiology_guide.enquiries.models import Enquiry, EnquiryLink

pytestmark = pytest.mark.django_db

CODE = "7K3M9QXP4DRA"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


@pytest.fixture
def link():
    return EnquiryLink.objects.create(token=CODE, topic="ct-scan", topic_title="CT scan")


@pytest.fixture
def staff_client(client, clinic_staff):
    client.force_login(clinic_staff)
    return client


def request_log(caplog):
    return "\n".join(r.getMessage() for r in caplog.records if r.name == "radiology_guide.request")


# The link's code in the request log.


def test_the_request_log_never_holds_a_links_code(client, link, caplog):
    caplog.set_level(logging.INFO, logger="radiology_guide.request")
    client.get("/e/7K3M-9QXP-4DRA")
    client.get("/e/7k3m9qxp4dra")
    client.get("/e/", {"code": "7k3m 9qxp 4dra"}, follow=True)
    client.get("/e/7K3M-9QXP-4DRB")  # no such link: still a code someone was given
    log = request_log(caplog)
    assert log.count("path=/e/") == 5 and "status=404" in log
    assert "7K3M" not in log.upper() and "9QXP" not in log.upper()
    assert "path=/e/[code]" in log


# Opens counted on every request.


@pytest.fixture
def reader():
    """A patient's browser (Django's test client sends no User-Agent, as only scripts do)."""
    from django.test import Client

    return Client(headers={"User-Agent": BROWSER})


def opens(link):
    link.refresh_from_db()
    return link.opens


def test_reloading_a_link_counts_one_open_and_sets_no_cookie_to_do_it(reader, link, settings):
    for _ in range(3):
        response = reader.get("/e/7K3M-9QXP-4DRA")
        # The page has the enquiry form, whose CSRF cookie is the only one.
        assert response.status_code == 200 and set(response.cookies) <= {settings.CSRF_COOKIE_NAME}
    assert opens(link) == 1


def test_a_head_request_or_a_prefetch_is_not_an_open(reader, link):
    assert reader.head("/e/7K3M-9QXP-4DRA").status_code == 200
    reader.get("/e/7K3M-9QXP-4DRA", headers={"Sec-Purpose": "prefetch"})
    reader.get("/e/7K3M-9QXP-4DRA", headers={"Purpose": "prefetch"})
    assert opens(link) == 0


@pytest.mark.parametrize(
    "agent",
    [
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "WhatsApp/2.23.20.0 A",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "TelegramBot (like TwitterBot)",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) BingPreview/1.0b",
        "python-requests/2.32.3",
        "",
    ],
)
def test_a_link_preview_bot_is_not_an_open(client, link, agent):
    response = client.get("/e/7K3M-9QXP-4DRA", headers={"User-Agent": agent})
    assert response.status_code == 200  # the bot still sees the page
    assert opens(link) == 0


def test_two_people_opening_the_same_leaflets_link_are_two_opens(client, link):
    phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Version/18.1 Mobile Safari"
    client.get("/e/7K3M-9QXP-4DRA", headers={"User-Agent": phone}, REMOTE_ADDR="192.0.2.1")
    client.get("/e/7K3M-9QXP-4DRA", headers={"User-Agent": phone}, REMOTE_ADDR="192.0.2.2")
    client.get("/e/7K3M-9QXP-4DRA", headers={"User-Agent": phone}, REMOTE_ADDR="192.0.2.2")
    assert opens(link) == 2


def test_opening_again_after_the_window_counts_again(reader, link):
    from django.core.cache import cache

    reader.get("/e/7K3M-9QXP-4DRA")
    cache.clear()  # what the window's end does to the one entry that remembered the open
    reader.get("/e/7K3M-9QXP-4DRA")
    assert opens(link) == 2


# The assignee list.


def test_only_active_staff_who_can_work_the_inbox_can_be_assigned(admin_client, clinic_staff, editor,
                                                                  django_user_model):  # fmt: skip
    from django.contrib.auth.models import Group

    django_user_model.objects.create_user("visitor", password="a-long-test-password")
    gone = django_user_model.objects.create_user("gone", password="a-long-test-password", is_active=False)
    gone.groups.add(Group.objects.get(name="Clinic staff"))
    enquiry = Enquiry.objects.create(
        name="Grace", phone="07700 900461", preferred_contact="phone", topic="ct-scan", topic_title="CT scan",
        consent_at="2026-12-01T09:00Z", submission_token="t1",
    )  # fmt: skip
    html = admin_client.get(f"/admin/enquiries/enquiry/{enquiry.pk}/change/").content.decode()
    select = re.search(r'<select name="assignee".*?</select>', html, re.S).group(0)
    names = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select)
    assert sorted(names) == ["admin", "sam"]
    other = django_user_model.objects.get(username="visitor")
    data = {"status": "new", "assignee": other.pk, "notes": "", "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0"}  # fmt: skip
    response = admin_client.post(f"/admin/enquiries/enquiry/{enquiry.pk}/change/", data)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    enquiry.refresh_from_db()
    assert enquiry.assignee is None


# The patient's address in the messages cookie.


def messages_in(response):
    cookie = response.cookies.get("messages")
    return [str(message) for message in CookieStorage(HttpRequest())._decode(cookie.value)] if cookie else []


def test_the_patients_address_is_not_kept_in_the_messages_cookie(staff_client, link):
    sent = staff_client.post(
        "/staff/",
        {"topic": "CT scan", "expires": "30", "email": "patient@example.com", "action": "send", "checked": "yes"},
    )
    again = staff_client.post(f"/staff/links/{link.pk}/", {"email": "patient@example.com", "checked": "yes"})
    assert len(mail.outbox) == 2
    for response in (sent, again):
        assert response.status_code == 302
        shown = messages_in(response)
        assert set(shown) == {"Email sent to the address you checked. It was not stored."}
        assert "patient@example.com" not in response.cookies["messages"].value


# A newline in the clinic's name.


def test_a_newline_in_the_clinics_name_does_not_stop_link_emails(staff_client, link):
    ClinicDetails.objects.filter(pk=1).update(name="Rinebraska\r\nRadiology  Department")
    response = staff_client.post(f"/staff/links/{link.pk}/", {"email": "patient@example.com", "checked": "yes"})
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.subject == "Rinebraska Radiology Department: information about CT scan"
    assert message.from_email == "Rinebraska Radiology Department <enquiries@rinebraska.example>"
    assert "\n" not in message.message()["Subject"]
