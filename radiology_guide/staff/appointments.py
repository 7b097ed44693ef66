"""A link's appointment, from its page in the staff area: give it, change it
or cancel it, and cancel a reminder a patient asked for from their plan.
What the patient sees is enquiries/plan.py."""

import logging

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from radiology_guide.enquiries import plan
from radiology_guide.enquiries.models import EnquiryLink
from radiology_guide.staff.access import staff_required
from radiology_guide.staff.forms import AppointmentForm

logger = logging.getLogger(__name__)


@staff_required
@require_POST
def appointment(request, pk):
    link = get_object_or_404(EnquiryLink, pk=pk)
    if request.POST.get("action") == "cancel":
        with transaction.atomic():
            plan.set_appointment(link, None, None, "")
        messages.success(
            request, gettext("Appointment cancelled. The patient's plan is gone, and its reminders will not go.")
        )
        logger.info("link appointment cancelled link=%s user=%s", link.pk, request.user.pk)
        return redirect("staff:link", pk=link.pk)
    form = AppointmentForm(request.POST, prefix="appt")
    if not form.is_valid():
        return render(request, "staff/appointment.html", {"link": link, "form": form}, status=400)
    changed = link.appointment_at is not None and link.appointment_at != form.cleaned_data["appointment_at"]
    with transaction.atomic():
        arrival = form.cleaned_data["arrival_time"] if form.cleaned_data["appointment_at"] else None
        plan.set_appointment(link, form.cleaned_data["appointment_at"], arrival, form.cleaned_data["unit_instructions"])
    notice = (
        gettext("Appointment changed: the patient's plan shows the new times.")
        if changed
        else gettext("Appointment saved.")
    )
    messages.success(request, notice)
    logger.info("link appointment saved link=%s user=%s", link.pk, request.user.pk)
    return redirect("staff:link", pk=link.pk)


@staff_required
@require_POST
def cancel_reminder(request, pk, message_pk):
    link = get_object_or_404(EnquiryLink, pk=pk)
    reminder = link.reminders_waiting().filter(pk=message_pk)
    # Stored on the reminder in the language of the staff member who cancelled it.
    reason = gettext("Cancelled by %(user)s on %(date)s.") % {
        "user": request.user.get_username(),
        "date": f"{timezone.localdate():%d %b}",
    }
    if plan.cancel_reminders(reminder, reason):
        messages.success(request, gettext("Reminder cancelled. It will not be sent."))

        logger.info("plan reminder cancelled message=%s user=%s", message_pk, request.user.pk)
    return redirect("staff:link", pk=link.pk)
