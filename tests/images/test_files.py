"""export_content writes the image library to content/images/ and
sync_content loads it back; the two agree, however often they run."""

import pytest
import yaml
from django.core.management import CommandError

from radiology_guide.guide import publishing
from radiology_guide.guide.models import Page
from radiology_guide.images.models import Image
from tests.helpers import camera_exif, make_image, picture, sync

pytestmark = pytest.mark.django_db


def export(content_copy):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("export_content", "--path", str(content_copy), stdout=out)
    return out.getvalue()


def add_to_page(slug, markdown):
    page = Page.objects.get(slug=slug)
    page.body += f"\n\n{markdown}\n"
    publishing.publish(page, None)
    return page


def test_export_writes_each_picture_and_its_words_then_sync_loads_them_back(content_copy, client):
    make_image("knee-scan", caption="A knee.", credit="Rinebraska clinic", licence="Our own")
    page = add_to_page("what-to-expect", "![](image:knee-scan)")
    export(content_copy)
    picture_file = content_copy / "images" / "knee-scan.png"
    words = yaml.safe_load((content_copy / "images" / "knee-scan.yaml").read_text())
    assert picture_file.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert words == {
        "alt": "A scan of a knee.", "caption": "A knee.", "credit": "Rinebraska clinic", "licence": "Our own",
        "decorative": False,
    }  # fmt: skip

    # A fresh library, loaded from the files alone.
    Image.objects.all().delete()
    out, _ = sync(content_copy, "--force")
    assert "created image 'knee-scan'" in out
    image = Image.objects.get()
    assert (image.alt, image.credit, image.licence) == ("A scan of a knee.", "Rinebraska clinic", "Our own")
    assert 'alt="A scan of a knee."' in client.get(page.get_absolute_url()).content.decode()

    out, _ = sync(content_copy)
    assert "0 created, 0 updated, 0 deleted" in out and "0 conflict(s)" in out
    assert "export_content: 0 file(s) changed" in export(content_copy)


def test_a_picture_from_git_is_cleaned_once_and_then_left_alone(content_copy):
    folder = content_copy / "images"
    folder.mkdir()
    (folder / "phone.jpg").write_bytes(picture("JPEG", exif=camera_exif()))
    (folder / "phone.yaml").write_text("alt: A waiting room with chairs.\ncredit: Our own\n")
    out, _ = sync(content_copy)
    assert "created image 'phone'" in out
    stored = Image.objects.get()
    assert (stored.width, stored.height) == (1000, 1600)
    out, _ = sync(content_copy)
    assert "0 created, 0 updated, 0 deleted" in out
    export(content_copy)
    assert b"PhoneMaker" not in (folder / "phone.jpg").read_bytes()
    out, _ = sync(content_copy)
    assert "0 created, 0 updated, 0 deleted" in out and "0 conflict(s)" in out


def test_sync_names_the_file_and_line_of_an_unknown_picture(content_copy):
    path = content_copy / "pages" / "privacy.md"
    lines = path.read_text().splitlines()
    lines.append("![A knee](image:no-such-picture)")
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(CommandError) as error:
        sync(content_copy)
    assert f"{path}:{len(lines)}: There is no picture 'no-such-picture' in the image library" in str(error.value)


def test_sync_names_the_file_and_line_of_an_outside_picture(content_copy):
    path = content_copy / "faqs.md"
    lines = path.read_text().splitlines()
    lines.append("![A knee](https://example.com/knee.png)")
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(CommandError) as error:
        sync(content_copy)
    message = str(error.value)
    assert f"{path}:{len(lines)}: Images must come from the image library: ![alt](image:slug)" in message
    assert "Nothing was imported" in message


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"logo.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.yaml": b"alt: Our logo."}, "exactly one"),
        ({"knee.png": picture(), "knee.yaml": b"caption: A knee."}, "say what the picture shows"),
        ({"knee.png": picture()}, "no knee.yaml beside this picture"),
        ({"knee.png": b"not a picture", "knee.yaml": b"alt: A knee."}, "This file is not a JPEG, PNG or WebP"),
    ],
    ids=["svg", "no alt text", "no words", "not a picture"],
)
def test_sync_refuses_a_picture_it_cannot_use(content_copy, files, message):
    folder = content_copy / "images"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    with pytest.raises(CommandError) as error:
        sync(content_copy)
    assert message in str(error.value)
    assert not Image.objects.exists()


def test_export_removes_the_files_of_a_deleted_picture(content_copy):
    make_image("knee-scan")
    export(content_copy)
    Image.objects.all().delete()
    export(content_copy)
    assert list((content_copy / "images").iterdir()) == []
