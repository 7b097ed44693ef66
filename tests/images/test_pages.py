"""A picture from the library on a page: the markup a browser needs to load
the right size without the page jumping, and nothing else gets in."""

import re

import pytest

from radiology_guide.guide import publishing
from radiology_guide.guide.markdown import LIBRARY_ONLY
from radiology_guide.guide.models import FAQ, Page
from radiology_guide.images.models import Image
from tests.helpers import change_url, make_image, page_form, picture

pytestmark = pytest.mark.django_db


def public_html(client, page):
    return client.get(page.get_absolute_url()).content.decode()


def pictures(html):
    return re.findall(r"<picture>.*?</picture>", html, re.S)


def attributes(tag):
    return dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag))


def test_a_library_picture_on_a_page_has_alt_size_srcset_and_a_webp_source(client, editor):
    make_image("knee-scan", alt="A scan of a knee from the side.", caption="An MRI scan of a knee.")
    page = Page.objects.get(slug="what-to-expect")
    client.force_login(editor)
    body = page.body + "\n\n![](image:knee-scan)\n"
    assert client.post(change_url(page), page_form(page, body=body, _publish="Save and publish")).status_code == 302
    client.logout()
    html = public_html(client, page)
    [markup] = pictures(html)
    source = attributes(re.search(r"<source [^>]*>", markup).group(0))
    img = attributes(re.search(r"<img [^>]*>", markup).group(0))
    assert source["type"] == "image/webp"
    assert [part.split()[1] for part in source["srcset"].split(", ")] == ["480w", "800w", "1200w"]
    assert all(part.split()[0].endswith(".webp") for part in source["srcset"].split(", "))
    assert img["alt"] == "A scan of a knee from the side."
    assert (img["width"], img["height"]) == ("1200", "750")
    assert img["src"].endswith(".png") and img["srcset"].count("w, ") == 2
    assert source["sizes"] == img["sizes"] and img["decoding"] == "async"
    assert "<figcaption>An MRI scan of a knee." in html


def test_the_first_picture_loads_at_once_and_later_ones_lazily(client):
    make_image("knee-scan")
    make_image("hip-scan", alt="A scan of a hip.")
    page = Page.objects.get(slug="what-to-expect")
    page.body += "\n\n![](image:knee-scan)\n\nSome words.\n\n![](image:hip-scan)\n"
    publishing.publish(page, None)
    first, second = pictures(public_html(client, page))
    assert 'loading="lazy"' not in first and 'alt="A scan of a knee."' in first
    assert 'loading="lazy"' in second and 'alt="A scan of a hip."' in second


def test_alt_text_written_in_the_markdown_wins_and_decorative_pictures_are_silent(client):
    make_image("knee-scan")
    make_image("swirl", alt="", decorative=True)
    page = Page.objects.get(slug="what-to-expect")
    page.body += "\n\n![The knee we talk about above](image:knee-scan)\n\n![Ignored](image:swirl)\n"
    publishing.publish(page, None)
    knee, swirl = pictures(public_html(client, page))
    assert 'alt="The knee we talk about above"' in knee
    assert 'alt=""' in swirl


@pytest.mark.parametrize(
    ("markdown", "message"),
    [
        ("![A knee](https://example.com/knee.png)", LIBRARY_ONLY),
        ('<img src="https://example.com/knee.png" alt="A knee">', LIBRARY_ONLY),
        ("![A knee][knee]\n\n[knee]: https://example.com/knee.png", LIBRARY_ONLY),
        ("![A knee](image:no-such-picture)", "There is no picture &#x27;no-such-picture&#x27; in the image library"),
    ],
)
def test_admin_refuses_a_picture_from_outside_the_library(client, editor, markdown, message):
    page = Page.objects.get(slug="what-to-expect")
    client.force_login(editor)
    response = client.post(change_url(page), page_form(page, body=page.body + "\n\n" + markdown))
    assert response.status_code == 200
    assert message in response.content.decode()
    page.refresh_from_db()
    assert markdown not in page.body


def test_an_faq_answer_may_not_show_an_outside_picture(client, editor):
    faq = FAQ.objects.first()
    client.force_login(editor)
    form = {"group": faq.group, "question": faq.question, "anchor": faq.anchor, "order": faq.order}
    form["answer"] = faq.answer + "\n\n![x](http://example.com/x.png)"
    html = client.post(change_url(faq), form).content.decode()
    assert LIBRARY_ONLY in html


def test_a_picture_inside_code_is_only_text(client, editor):
    page = Page.objects.get(slug="what-to-expect")
    client.force_login(editor)
    body = page.body + "\n\nWrite `![alt](https://example.com/x.png)` to show a picture."
    assert client.post(change_url(page), page_form(page, body=body, _publish="Save and publish")).status_code == 302


def test_changing_a_pictures_alt_text_shows_on_the_page_at_once(admin_client, client):
    image = make_image("knee-scan")
    page = Page.objects.get(slug="what-to-expect")
    page.body += "\n\n![](image:knee-scan)\n"
    publishing.publish(page, None)
    assert 'alt="A scan of a knee."' in public_html(client, page)
    form = {"alt": "A knee, seen from the front.", "caption": "", "credit": "Our own", "licence": ""}
    assert admin_client.post(f"/admin/images/image/{image.pk}/change/", form).status_code == 302
    html = public_html(client, page)
    assert 'alt="A knee, seen from the front."' in html and "Picture: Our own" in html


def test_a_picture_shown_on_a_page_cannot_be_deleted(admin_client):
    image = make_image("knee-scan")
    page = Page.objects.get(slug="what-to-expect")
    page.body += "\n\n![](image:knee-scan)\n"
    publishing.publish(page, None)
    html = admin_client.get(f"/admin/images/image/{image.pk}/delete/").content.decode()
    assert f"Page: {page.title} (shows this picture)" in html
    admin_client.post(f"/admin/images/image/{image.pk}/delete/", {"post": "yes"})
    assert Image.objects.filter(pk=image.pk).exists()


def test_the_admin_form_shows_the_picture_and_where_it_is_used(admin_client):
    image = make_image("knee-scan", data=picture("JPEG"))
    page = Page.objects.get(slug="what-to-expect")
    page.body += "\n\n![](image:knee-scan)\n"
    publishing.publish(page, None)
    html = admin_client.get(f"/admin/images/image/{image.pk}/change/").content.decode()
    assert "<picture>" in html and "![](image:knee-scan)" in html and page.title in html
