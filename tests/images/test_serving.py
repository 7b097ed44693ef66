"""The library's files are served from this site, cached for a year."""

import re

import pytest

from radiology_guide.guide import publishing
from radiology_guide.guide.models import Page
from tests.helpers import make_image

pytestmark = pytest.mark.django_db


def test_pictures_are_served_with_a_year_of_immutable_caching(client):
    image = make_image("knee-scan")
    for item in image.renditions:
        response = client.get(f"/media/{item['name']}")
        assert response.status_code == 200
        assert response["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response["Content-Type"] == {"webp": "image/webp", "png": "image/png"}[item["format"]]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content)[:4] in (b"RIFF", b"\x89PNG")


def test_a_changed_picture_gets_a_new_address(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.helpers import picture

    image = make_image("knee-scan")
    before = image.file.name
    form = {"alt": image.alt, "caption": "", "credit": "", "licence": ""}
    form["upload"] = SimpleUploadedFile("k.png", picture(size=(1600, 900)), content_type="image/png")
    admin_client.post(f"/admin/images/image/{image.pk}/change/", form)
    image.refresh_from_db()
    assert image.file.name != before and image.file.name.startswith("images/knee-scan-")


@pytest.mark.parametrize(
    "path",
    ["/media/images/missing-0123456789ab.png", "/media/../settings.py", "/media/images/knee.svg", "/media/other.txt"],
)
def test_only_library_files_are_served(client, path, media_root):
    media_root.mkdir(parents=True, exist_ok=True)
    (media_root / "other.txt").write_text("not for you")
    assert client.get(path).status_code == 404


def test_a_page_with_pictures_asks_nothing_of_other_sites(client):
    make_image("knee-scan")
    page = Page.objects.get(slug="what-to-expect")
    page.body += "\n\n![](image:knee-scan)\n"
    publishing.publish(page, None)
    html = client.get(page.get_absolute_url()).content.decode()
    # What the browser fetches by itself: src, srcset and <link href> (a link a reader clicks is not a
    # request, nor is this page in another language, <link rel="alternate">).
    addresses = re.findall(r'\ssrc="([^"]*)"', html) + re.findall(
        r'<link (?![^>]*rel="alternate")[^>]*href="([^"]*)"', html
    )
    addresses += [part.split()[0] for srcset in re.findall(r'srcset="([^"]*)"', html) for part in srcset.split(", ")]
    assert any(address.startswith("/media/images/knee-scan-") for address in addresses)
    assert not [a for a in addresses if a.startswith(("http:", "https:", "//")) and "127.0.0.1" not in a]
