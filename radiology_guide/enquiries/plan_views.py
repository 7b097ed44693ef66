"""The patient's preparation plan at /e/<code>/plan/: the page, its calendar
file and "send me a reminder". The address holds nothing but the link's code.
The plan itself is enquiries/plan.py."""

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from radiology_guide.core.models import ClinicDetails
from radiology_guide.enquiries import plan as plans
from radiology_guide.enquiries.messaging import NotAMobile, uk_mobile
from radiology_guide.enquiries.models import EnquiryLink
from radiology_guide.enquiries.plan_calendar import plan_calendar
from radiology_guide.guide import prerender


class ReminderForm(forms.Form):
    step = forms.TypedChoiceField(
        label=_("Which step?"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a step")},
    )
    phone = forms.CharField(
        label=_("Your mobile number"),
        max_length=30,
        help_text=_("A UK mobile, like 07700 900123. We use it only for this reminder, and delete it with the link."),
        error_messages={"required": _("Enter your mobile number")},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )

    def __init__(self, *args, plan, now, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [
            # Translators: a plan's step, like "Wednesday 9 December, 18:00: Stop eating".
            (step.number, gettext("%(when)s: %(what)s") % {"when": step.when, "what": step.what})
            for step in plan.steps
            if not step.is_past(now)
        ]

    def clean_phone(self):
        try:
            return uk_mobile(self.cleaned_data["phone"])
        except NotAMobile as error:
            raise forms.ValidationError(str(error)) from None


def _no_plan(request, link):
    """A link with no plan to show: never a dead end."""
    if link is None:
        why = "unknown"
    elif not link.is_live:
        why = "expired"
    elif link.appointment_at is None:
        why = "none"
    else:
        why = "past"
    return render(request, "enquiries/no_plan.html", {"link": link, "why": why}, status=404)


def _show(request, plan, form, status=200):
    now = timezone.now()
    structured = prerender.structured_context(plan.page)
    context = {
        "plan": plan,
        "link": plan.link,
        "steps": [(step, step.is_past(now)) for step in plan.steps],
        "bring": next((html for label, html in structured["preparation"] if label == "What to bring"), ""),
        "signs": structured["signs"],
        "form": form,
        "reminder_set": request.GET.get("reminder") == "set",
        "clinic": ClinicDetails.load(),
    }
    return render(request, "enquiries/plan.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def plan_page(request, token):
    link = EnquiryLink.objects.for_code(token)
    plan = plans.plan_for(link) if link else None
    if plan is None:
        return _no_plan(request, link)
    now = timezone.now()
    if request.method != "POST":
        return _show(request, plan, ReminderForm(plan=plan, now=now))
    form = ReminderForm(request.POST, plan=plan, now=now)
    if form.is_valid():
        try:
            plans.ask_for_reminder(plan, form.cleaned_data["step"], form.cleaned_data["phone"], now=now)
        except plans.NoReminder as error:
            form.add_error("step", str(error))
        else:
            return redirect(reverse("enquiries:plan", args=[link.code]) + "?reminder=set#reminder")
    return _show(request, plan, form, status=400)


@never_cache
@require_safe
def plan_ics(request, token):
    link = EnquiryLink.objects.for_code(token)
    plan = plans.plan_for(link) if link else None
    if plan is None:
        return _no_plan(request, link)
    response = HttpResponse(plan_calendar(plan, ClinicDetails.load()), content_type="text/calendar; charset=utf-8")
    # The topic, not the patient: the file's name shows in a download list.
    response["Content-Disposition"] = f'attachment; filename="{link.topic}-appointment.ics"'
    return response
