"""The patient's preparation plan in a real browser: no accessibility
violations on a 390 px phone (axe-core), and it prints on one A4 sheet."""

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from radiology_guide.enquiries.models import EnquiryLink
from tests.browser.support import axe_violations

pytestmark = pytest.mark.browser


def plan_link(topic, title):
    day = timezone.localdate() + datetime.timedelta(days=8)
    appointment = datetime.datetime.combine(day, datetime.time(9, 30), tzinfo=datetime.UTC)
    return EnquiryLink.objects.create(
        topic=topic, topic_title=title, appointment_at=appointment, arrival_time=datetime.time(9, 0),
        unit_instructions="Take the first sachet at 18:00 the day before, and the second at 22:00.",
    )  # fmt: skip


@pytest.mark.parametrize(("topic", "title"), [("barium-enema", "Barium enema"), ("image-guided-biopsy", "Biopsy")])
def test_the_plan_prints_on_one_a4_sheet(site, page, topic, title):
    link = plan_link(topic, title)
    page.goto(f"{site}/e/{link.code}/plan/")
    page.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    text = pdf.pages[0].extract_text()
    assert len(pdf.pages) == 1, f"{len(pdf.pages)} sheets"
    assert "Your preparation plan" in text and "follow your letter" in text and "Call 999 now if" in text
    assert "Send me a reminder" not in text


def test_the_plan_and_its_reminder_form_have_no_accessibility_violations_on_a_phone(site, new_context):
    link = plan_link("barium-enema", "Barium enema")
    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{site}/e/{link.code}/plan/")
    violations = axe_violations(page)
    page.locator("button", has_text="Send me a reminder").click()  # nothing chosen: the errors
    assert "There is a problem" in page.content()
    violations += axe_violations(page)
    assert violations == [], "\n".join(violations)
