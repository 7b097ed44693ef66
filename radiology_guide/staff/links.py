"""Enquiry links: send one during a phone call, copy or print it, revoke it."""

import logging
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from radiology_guide.core.models import ClinicDetails
from radiology_guide.enquiries import messaging, needs, tasks
from radiology_guide.enquiries.models import EnquiryLink, LinkMessage, new_link_token, one_line
from radiology_guide.staff.access import staff_required
from radiology_guide.staff.forms import APPOINTMENT_FIELDS, AppointmentForm, ContactForm, SendLinkForm
from radiology_guide.staff.phonetic import read_aloud
from radiology_guide.staff.qr import qr_png, qr_svg

logger = logging.getLogger(__name__)
NOT_SENT = _(
    "The email could not be sent. Check the address, or copy the link and send it another way. "
    "If it happens again, tell the person who looks after the website."
)


class LinkEmailError(Exception):
    pass


def link_email(link, address):
    """The email a patient gets: from the clinic by name, the topic in the
    subject, the link and its code, how to reach the clinic; plain text and
    HTML, with no tracking (no images, no redirects, no pixels)."""
    clinic = ClinicDetails.load()
    context = {"link": link, "clinic": clinic, "site_url": settings.SITE_URL}
    # Headers are built from one line each: a newline typed into the clinic's
    # name in the admin made every link email fail to build.
    sender = formataddr((one_line(clinic.name), parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))
    subject, body = messaging.email_content(link)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=sender,
        to=[address],
        reply_to=[clinic.email],
    )
    message.attach_alternative(render_to_string("emails/enquiry_link.html", context), "text/html")
    return message


def send_link_email(link, address, user=None):
    """Build and send; any failure (a header that cannot be built, a mail
    server that is down) is a LinkEmailError the page can explain. The
    link's timeline records that it went, without the address."""
    try:
        message = link_email(link, address)
        message.send()
    except Exception as error:
        # The address is used to send and then forgotten: not stored, not logged.
        logger.warning("enquiry link email failed link=%s error=%s", link.pk, type(error).__name__)
        raise LinkEmailError from error
    now = timezone.now()
    LinkMessage.objects.create(link=link, channel=LinkMessage.Channel.EMAIL, subject=message.subject,
                               body=message.body, sent_by=user, sent_at=now, status_at=now,
                               status=LinkMessage.Status.HANDED_OVER)  # fmt: skip
    logger.info("enquiry link emailed link=%s", link.pk)


SENT = _("Email sent to the address you checked. It was not stored.")
TEXTED = _("Text message on its way. This page shows when it is delivered.")
EMAIL_QUEUED = _("Email on its way. This page shows when it is delivered.")
CODE_SALT = "staff.link-code"


def _deliver(request, link, form):
    """Send the link every way the form chose: email through the mail server
    now (an error the page can show), through Notify from the worker."""
    notices = []
    if "email" in form.channels:
        address = form.cleaned_data["email"]
        if messaging.email_through_notify():
            tasks.queue_link_message(link, LinkMessage.Channel.EMAIL, address, request.user)
            notices.append(EMAIL_QUEUED)
        else:
            send_link_email(link, address, request.user)
            notices.append(SENT)
    if "sms" in form.channels:
        tasks.queue_link_message(link, LinkMessage.Channel.SMS, form.cleaned_data["phone"], request.user)
        notices.append(TEXTED)
    return notices


def _sent(request, notices):
    # Never the address or number: messages travel in a cookie, signed but readable.
    for notice in notices:
        messages.success(request, notice)


def _check(request, action_url, form, fields, topic_title, link=None, code=""):
    """The step before anything goes: the receptionist reads the address and
    number back to the patient while they are still on the phone, and sees
    the text message as it will arrive, its length and cost. The form's values
    ride along in hidden fields; nothing is made or sent until "Yes, send it"."""
    channels = form.channels
    context = {
        "action_url": action_url,
        "fields": [*fields, ("how", form.cleaned_data.get("how") or "email")],
        "topic_title": topic_title,
        "email": form.cleaned_data["email"] if "email" in channels else "",
        "phone": form.cleaned_data["phone"] if "sms" in channels else "",
    }
    if context["phone"]:
        # The preview is the message that goes: with the plan's line if an appointment was given.
        appointment = form.cleaned_data.get("appointment_at")
        link = link or EnquiryLink(token=code, topic_title=topic_title, appointment_at=appointment)
        text = messaging.sms_text(link)
        count, encoding, length = messaging.fragments(text)
        context.update(sms=text, fragments=count, encoding=encoding, length=length, code=link.code,
                       cost=messaging.cost_pence(count), read_aloud=read_aloud(link.code))  # fmt: skip
    return render(request, "staff/check_address.html", context)


def _code_from(request):
    """The code shown on the check step, so the link made is the one previewed."""
    try:
        return signing.loads(request.POST.get("code", ""), salt=CODE_SALT, max_age=3600)
    except signing.BadSignature:
        return None


def _checked(request):
    return request.POST.get("checked") == "yes"


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def send(request):
    """Send a link in seconds: one screen, "Create and send" or "Create only".

    "Create and send" shows the address to check with the patient first.
    Picking a topic from the server's list of matches carries on with the
    button that was pressed, so one more press does it.
    """
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None and data.get("pick"):
        data["topic"], data["action"] = data["pick"], data.get("then", "create")
    if data is not None and data.get("action") == "change":
        # Back from the check step to put the address right: the form as it was.
        form = SendLinkForm(initial={**data.dict(), "needs": data.getlist("needs")})
    else:
        form = SendLinkForm(data)
    if form.is_bound and form.is_valid():
        if form.sending and not _checked(request):
            code = new_link_token()
            fields = [(name, form.data.get(name, "")) for name in ("label", "expires", "email", "phone")]
            # The appointment rides along only when given.
            fields += [(name, form.data[name]) for name in APPOINTMENT_FIELDS if form.data.get(name)]
            fields += [("needs", code) for code in form.data.getlist("needs")]
            fields += [
                (name, form.data[name]) for name in ("interpreter_language", "another_language") if form.data.get(name)
            ]
            slug, title = form.cleaned_data["topic"]
            fields = [("topic", title), *fields, ("code", signing.dumps(code, salt=CODE_SALT))]
            return _check(request, reverse("staff:home"), form, fields, title, code=code)
        try:
            with transaction.atomic():
                link = form.save(request.user, token=_code_from(request) if form.sending else None)
                notices = _deliver(request, link, form) if form.sending else []
        except LinkEmailError:
            form.add_error("email", NOT_SENT)
        else:
            _sent(request, notices)
            return redirect("staff:link", pk=link.pk)
    recent = EnquiryLink.objects.with_counts().filter(created_by=request.user)[:5]
    status = 400 if form.is_bound else 200
    return render(request, "staff/send.html", {"form": form, "recent": recent}, status=status)


@staff_required
@require_safe
def link_list(request):
    latest_first = LinkMessage.objects.order_by("-created_at", "-pk")
    links = EnquiryLink.objects.with_counts().select_related("created_by")
    links = links.prefetch_related(Prefetch("messages", queryset=latest_first, to_attr="latest_messages"))
    mine = request.GET.get("mine") == "1"
    if mine:
        links = links.filter(created_by=request.user)
    return render(request, "staff/links.html", {"links": links[:200], "mine": mine})


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def link_detail(request, pk):
    link = get_object_or_404(EnquiryLink.objects.with_counts(), pk=pk)
    changing = request.POST.get("action") == "change"
    email_form = ContactForm(initial=request.POST.dict()) if changing else ContactForm(request.POST or None)
    if email_form.is_bound and email_form.is_valid():
        if not _checked(request):
            fields = [(name, email_form.cleaned_data[name]) for name in ("email", "phone")]
            return _check(request, reverse("staff:link", args=[link.pk]), email_form, fields, link.topic_title, link)
        try:
            with transaction.atomic():
                notices = _deliver(request, link, email_form)
        except LinkEmailError:
            email_form.add_error("email", NOT_SENT)
        else:
            _sent(request, notices)
            return redirect("staff:link", pk=link.pk)
    context = {
        "link": link,
        "email_form": email_form,
        "link_messages": link.messages.select_related("sent_by"),
        "read_aloud": read_aloud(link.code),
        "link_needs": needs.flags(link),
        "enquiries": link.enquiries.only("pk", "reference", "received_at", "status")[:50],
        "appointment_form": AppointmentForm(initial=AppointmentForm.initial_for(link), prefix="appt"),
    }
    return render(request, "staff/link.html", context, status=400 if email_form.is_bound else 200)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def revoke(request, pk):
    """A second page asks first: revoking cannot be undone."""
    link = get_object_or_404(EnquiryLink, pk=pk)
    if request.method == "POST":
        if link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])
            logger.info("enquiry link revoked link=%s user=%s", link.pk, request.user.pk)
        return redirect("staff:link", pk=link.pk)
    return render(request, "staff/revoke.html", {"link": link})


@staff_required
@require_safe
def leaflet(request, pk):
    """A page to print: the QR code, the short address, the clinic, the topic."""
    link = get_object_or_404(EnquiryLink, pk=pk)
    size = "a5" if request.GET.get("size") == "a5" else "a4"
    svg = qr_svg(link.full_url(), title=gettext("QR code for %(url)s") % {"url": link.full_url()}).decode()
    context = {"link": link, "size": size, "qr": svg, "site_url": settings.SITE_URL}
    return render(request, "staff/leaflet.html", context)


@staff_required
@require_safe
def qr_code(request, pk, kind):
    link = get_object_or_404(EnquiryLink, pk=pk)
    if kind == "svg":
        return HttpResponse(
            qr_svg(link.full_url(), title=gettext("QR code for %(url)s") % {"url": link.full_url()}),
            content_type="image/svg+xml",
        )
    response = HttpResponse(qr_png(link.full_url()), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="enquiry-link-{link.pk}.png"'
    return response
