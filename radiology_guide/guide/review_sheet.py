"""A printable review sheet for each page (issue 20): what a radiologist
checks in about ten minutes, instead of reading the whole page on screen.

The sheet lists, numbered, every claim that carries a number or an
instruction, each with its source and a tick box; a scan or procedure page's
facts, preparation, three tiers of warning signs, risks and sedation
aftercare are laid out to check one by one. It ends with space for comments
and a sign-off.

Each sheet carries a *version*: a hash of everything it was made from (the
page's words, facts, safety content and sources; the FAQ, comparison and
glossary pages' entries). A clinician's approval records the version, so
the record says which sheet they checked, and the approval form refuses a
sheet the page has changed since (``admin_view``). ``manage.py review_sheets``
writes every sheet to a folder for a review meeting.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from radiology_guide.guide.markdown import render_inline
from radiology_guide.guide.models import FAQ, ComparisonRow, Draft, GlossaryTerm, Page, ReviewerProfile
from radiology_guide.guide.timing import as_lines

# A sentence is a claim to check when it carries a number (digits or words)...
_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty"
    r"|hundred|thousand|million|half|quarter|once|twice|few|several)\b",
    re.IGNORECASE,
)
# ... or tells the reader what to do.
_INSTRUCTION_START = re.compile(
    r"^(ask|tell|bring|call|take|stop|keep|wear|drink|eat|avoid|do|don't|never|always|arrange|follow|check|let|go"
    r"|rest|lie|press|remove|leave|make|try|use|see|contact|phone|come|wait|talk|plan|please|if you)\b",
    re.IGNORECASE,
)
_INSTRUCTION = re.compile(
    r"\b(you should|you must|you need to|you will need|you may need|you can|you cannot|do not|don't|never"
    r"|make sure|remember to)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-Z0-9“\"(])")

HELP_TIERS = (
    ("call_999", "Call 999 now if"),
    ("call_111_or_unit", "Call the unit, or 111 when it is closed, if"),
    ("next_visit", "Tell us at the next appointment if"),
)
PREPARATION = (
    ("eating_and_drinking", "Eating and drinking"),
    ("medicines", "Medicines"),
    ("what_to_bring", "What to bring"),
    ("other", "Other things to know"),
)


@dataclass
class Item:
    text: str
    source: dict | None = None  # {"name", "url"}; None: the page's sources back it
    note: str = ""  # a figure to check beside the text ("How often: about 1 in 40")
    number: int = 0


@dataclass
class Group:
    heading: str
    items: list[Item] = field(default_factory=list)
    hint: str = ""


def is_claim(sentence: str) -> bool:
    """Does ``sentence`` carry a number or an instruction (so a clinician must check it)?"""
    return bool(_NUMBER.search(sentence) or _INSTRUCTION_START.match(sentence) or _INSTRUCTION.search(sentence))


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(" ".join(text.split())) if part.strip()]


class _Blocks(HTMLParser):
    """Rendered HTML as (heading, text, [external link]) blocks: one a paragraph,
    list item or table cell, under the h2 or h3 it comes after."""

    BLOCKS = {"p", "li", "td", "th", "blockquote", "dd", "dt"}

    def __init__(self, heading=""):
        super().__init__(convert_charrefs=True)
        self.heading, self.blocks, self._text, self._links, self._depth = heading, [], [], [], 0
        self._in_heading, self._heading_text, self._skip = False, [], 0

    def handle_starttag(self, tag, attrs):
        if self._skip or (tag == "span" and "glossary-definition" in (dict(attrs).get("class") or "")):
            # A glossary definition shown in place is the glossary's claim, checked on its own sheet.
            self._skip += tag == "span"
        elif tag in ("h2", "h3"):
            self._flush()
            self._in_heading, self._heading_text = True, []
        elif tag in self.BLOCKS:
            self._flush()
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith(("https://", "http://")):
                self._links.append(href)

    def handle_endtag(self, tag):
        if self._skip:
            self._skip -= tag == "span"
        elif tag in ("h2", "h3") and self._in_heading:
            self._in_heading = False
            self.heading = " ".join("".join(self._heading_text).split())
        elif tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data):
        if self._skip:
            return
        (self._heading_text if self._in_heading else self._text).append(data)

    def _flush(self):
        text = " ".join("".join(self._text).split())
        if text:
            self.blocks.append((self.heading, text, self._links))
        self._text, self._links = [], []

    def close(self):
        super().close()
        self._flush()


def claims_in_html(html, heading="", sources=None):
    """Groups of claims from rendered HTML, one group per heading."""
    parser = _Blocks(heading)
    parser.feed(html or "")
    parser.close()
    groups: dict[str, Group] = {}
    for block_heading, text, links in parser.blocks:
        found = [sentence for sentence in sentences(text) if is_claim(sentence)]
        if not found:
            continue
        group = groups.setdefault(block_heading, Group(block_heading or "Text"))
        source = _source_for(links[0], sources) if links else None
        group.items += [Item(sentence, source) for sentence in found]
    return list(groups.values())


def _source_for(url, sources):
    named = next((s for s in sources or [] if s.get("url") == url), None)
    return named or {"name": url, "url": url}


def _plain(markdown_text):
    return " ".join(strip_tags(render_inline(markdown_text)).split())


def _facts(page):
    group = Group("At a glance", hint="The facts box at the top of the page.")
    if page.duration:
        group.items.append(Item(f"How long it takes: {page.duration}"))
    if page.ionising_radiation is not None:
        radiation = (
            "No ionising radiation"
            if not page.ionising_radiation
            else f"Uses ionising radiation: {page.dose_band} dose band"
        )
        group.items.append(Item(f"Radiation: {radiation}"))
    if page.dose:
        group.items.append(Item(f"Radiation dose: {_plain(page.dose)}", page.dose_source or None))
    if page.sedation:
        group.items.append(Item(f"Sedation or anaesthetic: {page.sedation}"))
    if page.usual_stay:
        group.items.append(Item(f"Usual stay: {page.usual_stay}"))
    return group


def _help(page):
    """The three tiers of "When to get help" (a scan, a procedure, an Easy Read page)."""
    signs = page.warning_signs or {}
    return [
        Group(
            f"When to get help: {heading}",
            [Item(_plain(sign)) for sign in signs.get(key) or []],
            "Is each sign in the right tier? Is anything missing?",
        )
        for key, heading in HELP_TIERS
    ]


def _structured(page):
    preparation = page.preparation or {}
    groups = [
        _facts(page),
        Group(
            "How do I prepare?",
            [Item(f"{label}: {_plain(preparation[key])}") for key, label in PREPARATION if preparation.get(key)],
            "Fasting times, water, diabetes, blood thinners and metformin: is each right for this clinic?",
        ),
    ]
    if page.preparation_timing:
        groups.append(
            Group(
                "Preparation plan: when each step happens",
                [Item(line) for line in as_lines(page.preparation_timing).splitlines()],
                "A patient's plan puts these on real days and clock times: is each time right?",
            )
        )
    groups += _help(page)
    groups.append(
        Group(
            "What are the risks?",
            [
                Item(_plain(risk["what"]), risk.get("source"), f"How often: {risk['how_often']}")
                for risk in page.risks or []
            ],
            "Is each figure right, and does its source say so?",
        )
    )
    if page.sedation_aftercare:
        text = strip_tags(render_to_string("includes/sedation_aftercare.html"))
        lines = [line.strip() for line in text.splitlines() if line.strip() and line.strip() != "After sedation"]
        groups.append(Group("After sedation (the same on every page)", [Item(line) for line in lines]))
    return groups


def _children(page):
    """The entries of the FAQ, comparison and glossary pages, as claims."""
    if page.slug == "faqs":
        return [
            group
            for faq in FAQ.objects.order_by("order")
            for group in claims_in_html(faq.answer_html, f"FAQ: {faq.question}", page.sources)
        ]
    if page.slug == "compare":
        rows = ComparisonRow.objects.order_by("order", "feature")
        html = "".join(f"<h3>{r.feature}</h3><p>{r.diagnostic_html}</p><p>{r.interventional_html}</p>" for r in rows)
        return claims_in_html(html, sources=page.sources)
    if page.slug == "glossary":
        terms = GlossaryTerm.objects.order_by("term")
        return [Group("Glossary", [Item(f"{t.term}: {strip_tags(t.definition_html).strip()}") for t in terms])]
    return []


def build(page):
    """The sheet for ``page``: its groups with every item numbered once."""
    groups = _structured(page) if page.kind in (Page.Kind.SCAN, Page.Kind.PROCEDURE) else []
    groups += _help(page) if page.kind == Page.Kind.EASY_READ else []
    groups += claims_in_html(page.body_html, sources=page.references())
    groups += _children(page)
    groups = [group for group in groups if group.items]
    number = 0
    for group in groups:
        for item in group.items:
            number += 1
            item.number = number
    return {
        "page": page,
        "groups": groups,
        "count": number,
        "references": page.references(),
        "version": page.review_sheet_version(),
        "page_url": settings.SITE_URL + page.get_absolute_url(),
        "made_on": timezone.localdate(),
        "has_draft": Draft.objects.filter(model="page", object_id=page.pk).exists(),
    }


def render_sheet(page, request=None, extra=None):
    return render_to_string("guide/review_sheet.html", build(page) | (extra or {}), request=request)


# ---------------------------------------------------------------------------
# Admin: /admin/guide/page/<id>/review-sheet/ (PageAdmin.get_urls)


def _approval_errors(request, page):
    """What stops the approval, by field, in the order the form shows them."""
    errors = {}
    if request.POST.get("version") != page.review_sheet_version():
        errors["version"] = "The page has changed since this sheet was made. Check the new sheet, then approve it"
    if not request.POST.get("registration", "").strip():
        errors["registration"] = "Enter your professional registration, for example GMC 1234567"
    if not request.POST.get("checked"):
        errors["checked"] = "Confirm that you have checked every item on this sheet"
    return errors


def admin_view(request, object_id):
    """The sheet, printable; below it (never printed) a clinician's approval form."""
    from radiology_guide.guide import publishing

    page = get_object_or_404(Page, pk=object_id)
    if not request.user.has_perm("guide.view_page"):
        raise PermissionDenied
    can_approve = request.user.has_perm(publishing.APPROVE_PERMISSION)
    profile = ReviewerProfile.objects.filter(user=request.user).first() or ReviewerProfile(user=request.user)
    values = {"role": profile.role or settings.CLINICAL_REVIEWER_ROLE, "registration": profile.registration}
    errors = {}
    if request.method == "POST":
        if not can_approve:
            raise PermissionDenied
        values = {"role": request.POST.get("role", "").strip()[:120]}
        values["registration"] = request.POST.get("registration", "").strip()[:60]
        with transaction.atomic():
            page = Page.objects.select_for_update().get(pk=page.pk)
            errors = _approval_errors(request, page)
            if not errors:
                profile.role, profile.registration = values["role"], values["registration"]
                profile.save()
                publishing.approve([page], request.user)
        if not errors:
            messages.success(request, f"Recorded your approval of “{page.title}” (review sheet {page.review_sheet}).")
            return redirect(reverse("admin:guide_page_change", args=[page.pk]))
    extra = {"admin": True, "can_approve": can_approve, "values": values, "errors": errors}
    return HttpResponse(render_sheet(page, request, extra), status=400 if errors else 200)
