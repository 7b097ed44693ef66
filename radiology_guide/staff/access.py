"""Who may use the staff area, decided in one place.

The staff area admits by one Django permission, never by a group's name: give
it to a group ("Clinic staff" has it) or to one person. Everyone who can reach
the staff area or the admin must also pass two-factor sign-in (see mfa.py),
so both ask `needs_second_factor`, and nothing else decides.
"""

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.views.decorators.cache import never_cache

# Declared on the Enquiry model's Meta (migration enquiries 0003), and named there.
from radiology_guide.enquiries.models import STAFF_AREA_PERMISSION


def can_use_staff_area(user):
    return user.is_active and user.has_perm(STAFF_AREA_PERMISSION)


def can_reach_staff_pages(user):
    """The staff area or the admin (which admits is_staff users)."""
    return user.is_authenticated and user.is_active and (user.is_staff or can_use_staff_area(user))


def needs_second_factor(user):
    return can_reach_staff_pages(user) and not user.is_verified()


def staff_required(view):
    """Signed-out visitors go to the sign-in page; signed-in users without
    the permission get 403. Never cached: every page holds patient data."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("staff:sign_in"))
        if not can_use_staff_area(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return never_cache(wrapper)
