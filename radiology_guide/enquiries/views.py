"""The enquiry form and its confirmation page."""

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from radiology_guide.enquiries.forms import EnquiryForm, new_form_token
from radiology_guide.enquiries.intake import Outcome, receive
from radiology_guide.enquiries.models import Enquiry, EnquiryLink
from radiology_guide.guide.models import Page


def _blank_form(topic="", link=None):
    initial = {"form_token": new_form_token(), "topic": topic}
    return EnquiryForm(initial=initial, link=link)


def handle_enquiry(request, link=None, template="enquiries/form.html", context=None):
    """Show or process the form; shared by /enquire/ and enquiry link pages."""
    context = dict(context or {})
    if request.method == "POST":
        form = EnquiryForm(request.POST, link=link)
        if form.is_valid():
            if form.too_quick():
                form.add_error(None, "Please check your details, then send the form again")
                form.data = form.data.copy()
                form.data["form_token"] = new_form_token()
            else:
                enquiry, outcome = receive(form, request, link=link)
                if outcome is Outcome.REJECTED:
                    return render(request, "enquiries/not_sent.html", status=400)
                if outcome is Outcome.HELD:
                    return render(request, "enquiries/not_sent.html", {"held": True}, status=429)
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
    if code:
        link = EnquiryLink.objects.for_code(code)
        return redirect(link.get_absolute_url() if link else reverse("enquiries:link", args=[code[:40]]))
    return render(request, "enquiries/link_code.html")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def link_landing(request, token):
    """Where an enquiry link lands: the topic, its pages, and the form ready.

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
    page = Page.objects.filter(slug=link.topic).first()
    pages = ([page] + page.related_pages()) if page else []
    return handle_enquiry(
        request, link=link, template="enquiries/link_landing.html", context={"page": page, "pages": pages}
    )
