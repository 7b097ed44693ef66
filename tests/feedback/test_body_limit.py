"""An anonymous post to the feedback form cannot make the server read or
store a large body: anything over a few kilobytes is refused before Django
parses it, with a plain page."""

import pytest
from django.test import Client

from radiology_guide.feedback.models import PageFeedback

pytestmark = pytest.mark.django_db

FROM_THIS_SITE = {"HTTP_SEC_FETCH_SITE": "same-origin"}


def big_multipart(size):
    boundary = "BoUnDaRy"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="page"\r\n\r\n/procedures/ct-scan/\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="useful"\r\n\r\nyes\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; filename="x.bin"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + b"x" * size
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("path", ["/feedback/", "thanks"])
def test_a_large_multipart_post_is_refused_with_a_413_page(client, path):
    if path == "thanks":
        answered = client.post("/feedback/", {"page": "/procedures/ct-scan/", "useful": "no"}, **FROM_THIS_SITE)
        path = answered["Location"]
    before = PageFeedback.objects.count()
    body, content_type = big_multipart(5 * 1024 * 1024)
    response = Client().generic("POST", path, body, content_type=content_type, **FROM_THIS_SITE)
    assert response.status_code == 413
    assert "Your answer was too long" in response.content.decode()
    assert PageFeedback.objects.count() == before


def test_the_limit_is_read_from_the_header_before_the_body(client):
    # A body that claims 50 MB is refused on its Content-Length alone.
    response = client.generic(
        "POST", "/feedback/", b"page=/&useful=yes", content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(50 * 1024 * 1024), **FROM_THIS_SITE,
    )  # fmt: skip
    assert response.status_code == 413


def test_a_normal_answer_and_a_full_length_comment_still_go_through(client):
    response = client.post("/feedback/", {"page": "/procedures/ct-scan/", "useful": "no"}, **FROM_THIS_SITE)
    assert response.status_code == 302
    comment = "é" * 1000  # the longest comment allowed, in two-byte characters
    sent = client.post(response["Location"], {"comment": comment}, **FROM_THIS_SITE)
    assert sent.status_code == 302 and PageFeedback.objects.get().comment == comment
