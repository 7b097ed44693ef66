"""An editor uploads a picture with its alt text, puts it on a page, and a
reader's browser gets the right size in WebP without the page jumping."""

import re

import pytest
from playwright.sync_api import expect

from radiology_guide.guide.models import Page
from radiology_guide.images.models import Image
from tests.browser.support import axe_violations
from tests.helpers import picture

pytestmark = pytest.mark.browser


def test_editor_uploads_a_picture_puts_it_on_a_page_and_readers_see_it(
    site, page, django_user_model, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    django_user_model.objects.create_superuser("editor", "editor@example.com", "a-long-test-password")
    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()

    # Upload: the picture, its slug and what it shows.
    page.goto(site + "/admin/images/image/add/")
    assert axe_violations(page) == []
    page.get_by_label("Picture").set_input_files(
        {"name": "knee.png", "mimeType": "image/png", "buffer": picture("PNG", size=(1600, 1000))}
    )
    page.get_by_label("Alt text").fill("A scan of a knee, seen from the side.")
    page.get_by_label("Slug").fill("knee-scan")
    page.get_by_label("Caption").fill("An MRI scan of a knee.")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.locator("picture img")).to_have_attribute("alt", "A scan of a knee, seen from the side.")
    assert axe_violations(page) == []
    assert Image.objects.get().slug == "knee-scan"
    page.goto(site + "/admin/images/image/")
    expect(page.get_by_role("link", name="knee-scan")).to_be_visible()
    assert axe_violations(page) == []

    # Put it on a page, and save (publish, where publishing is a separate step).
    guide_page = Page.objects.get(slug="what-to-expect")
    page.goto(f"{site}/admin/guide/page/{guide_page.pk}/change/")
    body = page.locator("textarea[name=body]")
    body.fill(body.input_value() + "\n\n![](image:knee-scan)\n")
    publish = page.locator("input[name=_publish]")
    (publish if publish.count() else page.locator("input[name=_save]")).click()
    expect(page.locator(".messagelist")).to_be_visible()

    # A reader's view.
    reader = page.context.browser.new_context(viewport={"width": 1280, "height": 900})
    public = reader.new_page()
    public.goto(site + guide_page.get_absolute_url())
    img = public.locator("article picture img")
    expect(img).to_have_attribute("alt", "A scan of a knee, seen from the side.")
    expect(img).to_have_attribute("width", "1200")
    expect(img).to_have_attribute("height", "750")
    assert img.get_attribute("srcset").count("w, ") == 2
    source = public.locator("article picture source")
    expect(source).to_have_attribute("type", "image/webp")
    assert source.get_attribute("srcset").count(".webp ") == 3
    img.scroll_into_view_if_needed()
    public.wait_for_function("document.querySelector('article picture img').complete")
    loaded = img.evaluate("i => ({width: i.naturalWidth, src: i.currentSrc})")
    # Chromium reads WebP, so it took a WebP rendition, at a width its screen needs.
    assert loaded["width"] > 0 and re.search(
        r"/media/images/knee-scan-(480|800|1200)w-[0-9a-f]{12}\.webp$", loaded["src"]
    )
    # The space was kept from the start: the picture is as wide as the column, in proportion.
    box = img.bounding_box()
    assert abs(box["height"] - box["width"] * 750 / 1200) < 2
    expect(public.locator("article picture").locator("xpath=ancestor::figure[1]//figcaption")).to_have_text(
        "An MRI scan of a knee."
    )
    assert axe_violations(public) == []
    reader.close()
    assert Image.objects.get().slug == "knee-scan"
