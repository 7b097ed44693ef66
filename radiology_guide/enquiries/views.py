"""The enquiry form and its confirmation page."""

import logging

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from radiology_guide.enquiries.forms import EnquiryForm, new_form_token
from radiology_guide.enquiries.intake import Outcome, receive
from radiology_guide.enquiries.models import Enquiry, EnquiryLink
from radiology_guide.enquiries.plan import plan_for
from radiology_guide.guide import prerender
from radiology_guide.guide.models import Page

logger = logging.getLogger(__name__)


def _blank_form(topic="", link=None):
    initial = {"form_token": new_form_token(), "topic": topic}
    return EnquiryForm(initial=initial, link=link)


def handle_enquiry(request, link=None, template="enquiries/form.html", context=None):
    """Show or process the form; shared by /enquire/ and enquiry link pages."""
    context = dict(context or {})
    if request.method == "POST":
        form = EnquiryForm(request.POST, link=link)
        if form.is_valid():
            if check := form.failed_spam_check():
                logger.info("enquiry not stored: %s", check)
                form.ask_again()
            else:
                enquiry, outcome = receive(form, request, link=link)
                if outcome is Outcome.HELD:
                    return render(request, "enquiries/held.html", {"enquiry": enquiry}, status=429)
                return redirect(enquiry)
    else:
        topic = request.GET.get("topic", "") if link is None else link.topic
        form = _blank_form(topic, link)
    context.update(form=form, link=link)
    response = render(request, template, context, status=400 if form.is_bound else 200)
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def enquire(request):
    return handle_enquiry(request)


@never_cache
@require_safe
def sent(request, reference):
    enquiry = get_object_or_404(Enquiry.objects.only("reference", "preferred_contact", "email"), reference=reference)
    # Only someone who gave an email address is told to look for one.
    emailed = settings.ENQUIRY_ACKNOWLEDGE and bool(enquiry.email)
    return render(request, "enquiries/sent.html", {"enquiry": enquiry, "emailed": emailed})


@never_cache
@require_safe
def link_code(request):
    """/e/: type in the code from an email or leaflet (7K3M-9QXP-4DRA)."""
    code = request.GET.get("code", "").strip()
    if not code:
        return render(request, "enquiries/link_code.html")
    link = EnquiryLink.objects.for_code(code)
    if link:
        return redirect(link.get_absolute_url())
    # Answered here rather than by redirecting to /e/<code>: what was typed
    # may not fit in an address ("a/b" once made this a server error).
    response = handle_enquiry(
        request, template="enquiries/link_unknown.html", context={"form_action": reverse("enquiries:form")}
    )
    response.status_code = 404
    return response


def page_itself(page):
    """The page as the guide shows it, up to the end of its <article>: the
    related pages and the button to the general form come after, and a link's
    page shows its own form and related pages instead."""
    html = prerender.main_html(page)
    end = html.find("</article>")
    return mark_safe(html[: end + len("</article>")] if end >= 0 else html)  # noqa: S308 - prerendered, sanitised


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def link_landing(request, token):
    """Where an enquiry link lands: the topic's page itself, the form ready
    below it and the page's related pages after that.

    The code may be read over the phone and typed in any case, with or
    without hyphens (EnquiryLink.objects.for_code). No link ever dead-ends:
    an expired or revoked one says so, and a code that matches no link asks
    the patient to check the address; both offer the guide and the form.
    """
    link = EnquiryLink.objects.for_code(token)
    if link is None:
        response = handle_enquiry(request, template="enquiries/link_unknown.html")
        if request.method != "POST":
            response.status_code = 404
        return response
    if not link.is_live:
        return handle_enquiry(request, template="enquiries/link_expired.html")
    if request.method == "GET":
        link.record_open(request)
    page = Page.objects.filter(slug=link.topic, kind__in=prerender.KINDS).first()
    context = {"page": page, "article": page_itself(page), "related": page.related_pages()} if page else {}
    context["plan"] = plan_for(link)
    return handle_enquiry(request, link=link, template="enquiries/link_landing.html", context=context)
