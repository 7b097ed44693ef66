"""The staff area: clinic staff create enquiry links and see where they lead."""

import functools
import logging

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from radiology_guide.core.models import ClinicDetails
from radiology_guide.enquiries.models import EnquiryLink
from radiology_guide.enquiries.qr import qr_png, qr_svg
from radiology_guide.enquiries.staff_forms import EnquiryLinkForm, SendLinkForm

logger = logging.getLogger(__name__)
STAFF_GROUP = "Clinic staff"


def is_clinic_staff(user):
    return user.is_active and (user.is_superuser or user.groups.filter(name=STAFF_GROUP).exists())


def clinic_staff_required(view):
    """Signed-out visitors go to the sign-in page; signed-in non-staff get 403."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
        if not is_clinic_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


def link_message(link):
    clinic = ClinicDetails.load()
    return render_to_string("emails/enquiry_link.txt", {"link": link, "clinic": clinic}).strip()


@clinic_staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def dashboard(request):
    form = EnquiryLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        link = form.save(request.user)
        return redirect("staff:link", pk=link.pk)
    links = EnquiryLink.objects.with_counts().filter(created_by=request.user)[:20]
    return render(request, "staff/dashboard.html", {"form": form, "links": links, "mine": True})


@clinic_staff_required
@require_safe
def link_list(request):
    links = EnquiryLink.objects.with_counts().select_related("created_by")
    mine = request.GET.get("mine") == "1"
    if mine:
        links = links.filter(created_by=request.user)
    return render(request, "staff/links.html", {"links": links, "mine": mine})


@clinic_staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def link_detail(request, pk):
    link = get_object_or_404(EnquiryLink.objects.with_counts(), pk=pk)
    send_form = SendLinkForm(request.POST or None)
    if request.method == "POST" and send_form.is_valid():
        send_mail(
            f"{ClinicDetails.load().name}: information about {link.topic_title}",
            link_message(link),
            None,
            [send_form.cleaned_data["email"]],
        )
        # The address is used to send and then forgotten: not stored, not logged.
        logger.info("enquiry link emailed link=%s", link.pk)
        return redirect(reverse("staff:link", args=[link.pk]) + "?sent=1")
    context = {
        "link": link,
        "send_form": send_form,
        "message": link_message(link),
        "sent": request.GET.get("sent") == "1",
        "enquiries": link.enquiries.only("reference", "received_at", "status", "topic_title")[:50],
    }
    return render(request, "staff/link.html", context)


@clinic_staff_required
@require_POST
def revoke(request, pk):
    link = get_object_or_404(EnquiryLink, pk=pk)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return redirect("staff:link", pk=link.pk)


@clinic_staff_required
@require_safe
def qr_code(request, pk, kind):
    link = get_object_or_404(EnquiryLink, pk=pk)
    if kind == "svg":
        return HttpResponse(
            qr_svg(link.full_url(), title=f"QR code for {link.full_url()}"), content_type="image/svg+xml"
        )
    response = HttpResponse(qr_png(link.full_url()), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="enquiry-link-{link.pk}.png"'
    return response
