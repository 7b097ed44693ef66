"""A reader says whether a page helped, even when the page came from the
cache, without a cookie; editors see in admin which pages confuse people."""

import re

import pytest

from radiology_guide.feedback.models import PageFeedback

pytestmark = pytest.mark.django_db

FROM_THIS_SITE = {"HTTP_SEC_FETCH_SITE": "same-origin"}


def answer(client, page="/procedures/ct-scan/", useful="no", headers=FROM_THIS_SITE):
    return client.post("/feedback/", {"page": page, "useful": useful}, **headers)


def test_a_reader_says_a_cached_page_was_not_useful_and_adds_a_comment(client):
    first = client.get("/procedures/ct-scan/")
    cached = client.get("/procedures/ct-scan/")
    assert cached["X-Cache"] == "hit", "the question must work on a page served from the cache"
    html = cached.content.decode()
    assert '<form class="feedback" method="post" action="/feedback/">' in html
    assert '<input type="hidden" name="page" value="/procedures/ct-scan/">' in html
    assert "csrfmiddlewaretoken" not in html and not first.cookies

    response = answer(client)
    assert response.status_code == 302 and not response.cookies
    thanks = client.get(response["Location"])
    text = thanks.content.decode()
    assert "We are sorry the page did not help." in text
    assert "Do not include your name, contact details or anything about your health." in text
    assert "no-store" in thanks["Cache-Control"]

    sent = client.post(response["Location"], {"comment": "I still do not know how long it takes."}, **FROM_THIS_SITE)
    assert sent.status_code == 302 and not sent.cookies
    assert "We read every comment" in client.get(sent["Location"]).content.decode()
    feedback = PageFeedback.objects.get()
    assert (feedback.path, feedback.useful, feedback.comment) == (
        "/procedures/ct-scan/",
        False,
        "I still do not know how long it takes.",
    )


def test_an_answer_posted_from_another_site_is_refused(client):
    for headers in [{"HTTP_SEC_FETCH_SITE": "cross-site"}, {"HTTP_ORIGIN": "https://evil.example"}, {}]:
        assert answer(client, headers=headers).status_code == 403, headers
    # An older browser without Sec-Fetch-Site still sends Origin.
    assert answer(client, headers={"HTTP_ORIGIN": "http://testserver"}).status_code == 302
    assert PageFeedback.objects.count() == 1


@pytest.mark.parametrize(
    ("page", "useful"),
    [("/procedures/ct-scan/", "maybe"), ("https://evil.example/", "yes"), ("/admin/", "yes"), ("/nope/", "no")],
)
def test_only_a_yes_or_no_about_a_guide_page_is_stored(client, page, useful):
    assert answer(client, page=page, useful=useful).status_code == 400
    assert not PageFeedback.objects.exists()


def test_answers_are_rate_limited_per_address_like_enquiries(client, settings):
    settings.FEEDBACK_RATE_LIMIT = "3/h"
    statuses = [answer(client, useful="yes").status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert PageFeedback.objects.count() == 3


def test_a_comment_link_cannot_be_forged_or_used_twice(client):
    assert client.get("/feedback/thanks/1/").status_code == 404
    location = answer(client)["Location"]
    client.post(location, {"comment": "First."}, **FROM_THIS_SITE)
    client.post(location, {"comment": "Changed my mind."}, **FROM_THIS_SITE)
    assert PageFeedback.objects.get().comment == "First."


def test_a_too_long_comment_is_shown_again_with_the_error(client):
    location = answer(client)["Location"]
    response = client.post(location, {"comment": "x" * 1001}, **FROM_THIS_SITE)
    html = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in html and "govuk-textarea--error" in html
    assert "x" * 1001 in html


def test_editors_see_answers_per_page_least_useful_first(client, editor):
    for page, useful in [("/procedures/ct-scan/", "no")] * 2 + [("/faqs/", "yes"), ("/procedures/ct-scan/", "yes")]:
        answer(client, page=page, useful=useful)
    client.force_login(editor)
    html = client.get("/admin/feedback/pagefeedback/").content.decode()
    rows = re.findall(
        r'<th scope="row"><a href="\?path=[^"]*">([^<]+)</a></th><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>', html
    )
    assert rows == [("/procedures/ct-scan/", "3", "1", "2"), ("/faqs/", "1", "1", "0")]
    filtered = client.get("/admin/feedback/pagefeedback/", {"path": "/faqs/"})
    assert filtered.status_code == 200 and "1 page feedback" in filtered.content.decode()
