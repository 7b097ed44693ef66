"""The enquiry inbox: every new and in-progress enquiry, the overdue ones
first to the eye, and a timeline of what staff did about each."""

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from radiology_guide.core.models import ClinicDetails
from radiology_guide.enquiries.forms import needs_initial
from radiology_guide.enquiries.models import Enquiry, EnquiryEvent, digits_of
from radiology_guide.staff.access import staff_required
from radiology_guide.staff.forms import CloseForm, ContactedForm, NoteForm, StaffNeedsForm
from radiology_guide.staff.warning_signs import warning_sign
from radiology_guide.staff.workdays import age_in_working_days, overdue_cutoff

OPEN_STATUSES = [Enquiry.Status.NEW, Enquiry.Status.CONTACTED]
FILTERS = [("", _("All open")), ("mine", _("Mine")), ("unassigned", _("Unassigned")), ("overdue", _("Overdue"))]
PAGE_SIZE = 50  # a page a receptionist can scan; the filters and search find the rest


def overdue(queryset=None, cutoff=None):
    """Enquiries nobody has reached yet, older than the promise."""
    queryset = Enquiry.objects.all() if queryset is None else queryset
    return queryset.filter(status=Enquiry.Status.NEW, received_at__lt=cutoff or overdue_cutoff())


def search(queryset, text):
    text = text.strip()
    if not text:
        return queryset
    query = Q(reference__iexact=text) | Q(reference__icontains=text.upper()) | Q(name__icontains=text)
    digits = digits_of(text)
    if len(digits) >= 4:
        query |= Q(phone_digits__contains=digits)
    return queryset.filter(query)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def inbox(request):
    """The filters are links (GET); a search is a POST, so that a patient's
    name or phone number never goes into a URL, a browser's history or a log."""
    params = request.POST if request.method == "POST" else request.GET
    show = params.get("show", "")
    text = request.POST.get("q", "")
    cutoff = overdue_cutoff()
    enquiries = Enquiry.objects.select_related("assignee", "link").order_by("received_at")
    # A search finds closed enquiries too: the patient may be calling back.
    enquiries = search(enquiries, text) if text.strip() else enquiries.filter(status__in=OPEN_STATUSES)
    if show == "mine":
        enquiries = enquiries.filter(assignee=request.user)
    elif show == "unassigned":
        enquiries = enquiries.filter(assignee__isnull=True)
    elif show == "overdue":
        enquiries = overdue(enquiries, cutoff)
    rows = list(enquiries[:PAGE_SIZE])
    clinic = ClinicDetails.load()
    for enquiry in rows:
        enquiry.age = age_in_working_days(enquiry.received_at, clinic=clinic)
        enquiry.is_overdue = enquiry.status == Enquiry.Status.NEW and enquiry.received_at < cutoff
        enquiry.warning_sign = warning_sign(enquiry.message)
    context = {
        "enquiries": rows,
        "show": show,
        "q": text,
        "filters": FILTERS,
        "overdue_count": overdue(cutoff=cutoff).count(),
        "reply_days": settings.ENQUIRY_REPLY_DAYS,
        "more": len(rows) == PAGE_SIZE,
    }
    return render(request, "staff/inbox.html", context)


def _enquiry_page(request, enquiry, forms=None, status=200):
    forms = forms or {}
    cutoff = overdue_cutoff()
    context = {
        "enquiry": enquiry,
        "events": enquiry.events.select_related("by"),
        "age": age_in_working_days(enquiry.received_at),
        "is_overdue": enquiry.status == Enquiry.Status.NEW and enquiry.received_at < cutoff,
        "warning_sign": warning_sign(enquiry.message),
        "failed_form": next(iter(forms.values()), None),
        "contacted_form": forms.get("contacted") or ContactedForm(auto_id="contacted_%s"),
        "close_form": forms.get("closed") or CloseForm(auto_id="close_%s"),
        "note_form": forms.get("note") or NoteForm(auto_id="note_%s"),
        "needs_form": forms.get("needs")
        or StaffNeedsForm(
            auto_id="needs_%s",
            initial=needs_initial(enquiry.communication_needs, enquiry.interpreter_language, enquiry.other_need),
        ),
        "reply_days": settings.ENQUIRY_REPLY_DAYS,
    }
    return render(request, "staff/enquiry.html", context, status=status)


def _visible():
    return Enquiry.objects.exclude(status=Enquiry.Status.HELD).select_related("assignee", "link", "status_changed_by")


@staff_required
@require_safe
def enquiry_detail(request, reference):
    return _enquiry_page(request, get_object_or_404(_visible(), reference=reference))


ACTIONS = {
    "assign": (None, None),
    "contacted": (ContactedForm, "how"),
    "closed": (CloseForm, "outcome"),
    "note": (NoteForm, "note"),
}


@staff_required
@require_POST
def enquiry_action(request, reference, action):
    enquiry = get_object_or_404(_visible(), reference=reference)
    form_class, field = ACTIONS.get(action, (None, None))
    if action == "assign":
        enquiry.record(EnquiryEvent.Kind.ASSIGNED, request.user, detail=request.user.get_username())
        messages.success(request, gettext("Assigned to you."))
        return redirect("staff:enquiry", reference=enquiry.reference)
    if action == "needs":
        return _change_needs(request, enquiry)
    if form_class is None:
        return redirect("staff:enquiry", reference=enquiry.reference)
    prefix = {"contacted": "contacted", "closed": "close", "note": "note"}[action]
    form = form_class(request.POST, auto_id=f"{prefix}_%s")
    if not form.is_valid():
        return _enquiry_page(request, enquiry, {action: form}, status=400)
    event = enquiry.record(action, request.user, detail=form.cleaned_data[field])
    messages.success(request, done(event))
    return redirect("staff:enquiry", reference=enquiry.reference)


def _change_needs(request, enquiry):
    """A need heard on the phone, or one that has gone: saved and on the timeline."""
    form = StaffNeedsForm(request.POST, auto_id="needs_%s")
    if not form.is_valid():
        return _enquiry_page(request, enquiry, {"needs": form}, status=400)
    data = form.cleaned_data
    event = enquiry.change_needs(request.user, data["needs"], data["language"], data["other_need"])
    messages.success(
        request, gettext("Communication needs saved.") if event else gettext("The communication needs are unchanged.")
    )
    return redirect("staff:enquiry", reference=enquiry.reference)


def done(event):
    """What the page says after an action, so that nobody presses it twice."""
    if event.kind == EnquiryEvent.Kind.NOTE:
        return gettext("Note added.")
    if event.detail == EnquiryEvent.NO_ANSWER:
        return gettext("Recorded: phoned, no answer. It stays new until someone reaches them.")
    described = str(event.describe())
    # "By phone" reads "Marked as contacted: by phone."
    how = described[:1].lower() + described[1:]
    if event.kind == EnquiryEvent.Kind.CONTACTED:
        return gettext("Marked as contacted: %(how)s.") % {"how": how}
    return gettext("Closed: %(outcome)s.") % {"outcome": how}
