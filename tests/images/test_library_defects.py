"""Defects the security probe found in the image library (issue 19)."""

import pytest

from radiology_guide.images.models import Image
from tests.helpers import make_image, picture, upload

pytestmark = pytest.mark.django_db


def test_deleting_pictures_in_bulk_removes_their_files(admin_client, media_root, django_capture_on_commit_callbacks):
    images = [make_image("knee-scan"), make_image("hip-scan", alt="A scan of a hip.")]
    names = set().union(*(image.stored_names() for image in images))
    assert all((media_root / name).exists() for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/images/image/",
            {"action": "delete_selected", "_selected_action": [image.pk for image in images], "post": "yes"},
        )
    assert response.status_code == 302 and not Image.objects.exists()
    assert not any((media_root / name).exists() for name in names)


SLUGS = [
    # (slug, accepted)
    ("knee-scan", True),
    ("knee2", True),
    ("Knee-Scan", False),
    ("knee_scan", False),
    ("-knee", False),
]


@pytest.mark.parametrize(("slug", "accepted"), SLUGS, ids=[row[0] for row in SLUGS])
def test_a_picture_slug_is_only_what_can_be_served(admin_client, client, slug, accepted):
    response = upload(admin_client, "knee.png", picture(), slug=slug)
    assert Image.objects.filter(slug=slug).exists() == accepted
    if accepted:
        image = Image.objects.get(slug=slug)
        assert client.get(f"/media/{image.file.name}").status_code == 200
    else:
        assert "lower-case letters, digits and hyphens" in response.content.decode()
