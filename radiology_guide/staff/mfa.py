"""Two-factor sign-in for staff: an authenticator app (TOTP) plus one-off
recovery codes, with django-otp.

When REQUIRE_STAFF_MFA is on, a signed-in user who can reach the staff area or
the admin (access.needs_second_factor) reaches no page of either until they
have verified a second factor in this session: first they set up an app (and
are shown recovery codes once), afterwards they enter a code at each sign-in.

Set-up makes a new secret on every visit and remembers, in the session, which
one this person was shown. So a secret seen by someone else (a stolen password
opens the set-up page too) is never the one that gets confirmed, and
confirming deletes every other unconfirmed secret.
"""

import logging
import math
import time
from base64 import b32encode
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from radiology_guide.core.paths import STAFF_AREAS as PROTECTED_PREFIXES
from radiology_guide.staff import qr
from radiology_guide.staff.access import needs_second_factor

logger = logging.getLogger(__name__)

RECOVERY_CODES = 10
SETUP_DEVICE_KEY = "mfa-setup-device"
# When this session was shown its new recovery codes: it may download them
# for a quarter of an hour, and no other session ever can.
CODES_SHOWN_KEY = "mfa-codes-shown"
CODES_DOWNLOAD_SECONDS = 15 * 60
WRONG_CODE = {
    "setup": _("That code is not right. Check the time on your phone and try the newest code"),
    "verify": _("That code is not right. Try the newest code from your app, or a recovery code"),
}


def _exempt(path):
    return path in {
        reverse("mfa:setup"),
        reverse("mfa:verify"),
        reverse("staff:sign_in"),
        reverse("staff:sign_out"),
        reverse("admin:login"),
        reverse("admin:logout"),
    }


class RequireStaffMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.REQUIRE_STAFF_MFA
            and request.path.startswith(PROTECTED_PREFIXES)
            and not _exempt(request.path)
            and needs_second_factor(request.user)
        ):
            has_device = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
            target = "mfa:verify" if has_device else "mfa:setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        error_messages={"required": _("Enter the code from your authenticator app")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
    )


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or reverse("staff:home")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return reverse("staff:home")
    return target


def _sign_in_first(request):
    return redirect(reverse("staff:sign_in") + "?" + urlencode({"next": request.get_full_path()}))


def _verified(request, device):
    """The second factor is proven: a new session key, so that a key seen
    before this moment (on a shared screen, in a proxy log) is worth nothing."""
    request.session.cycle_key()
    otp_login(request, device)
    logger.info("two-factor code accepted user=%s", request.user.pk)


def _failed(request, step):
    # The user's id, never the code or the username they typed.
    logger.warning("two-factor code failed user=%s step=%s", request.user.pk, step)


def seconds_to_wait(devices):
    """How long django-otp's throttling refuses every code after wrong ones
    (1 second after the first, doubling each time), or 0. While it lasts even
    the right code is refused, so the page must say so rather than "not right"."""
    waits = [0]
    for device in devices:
        allowed, details = device.verify_is_allowed()
        if not allowed and details and details.get("locked_until"):
            waits.append(math.ceil((details["locked_until"] - timezone.now()).total_seconds()))
    return max(waits)


def _how_long(seconds):
    if seconds < 60:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def _refuse(form, request, step, devices, was_waiting):
    """Say why a code was refused: too soon after a wrong one (wait, and for
    how long), or wrong (and, if the next try must wait, for how long)."""
    if was_waiting:
        wait = _how_long(max(1, seconds_to_wait(devices)))
        form.add_error(
            "code", gettext("Too many wrong codes in a row. Wait %(wait)s, then enter the newest code") % {"wait": wait}
        )
        return
    _failed(request, step)
    wait = seconds_to_wait(devices)
    if wait:
        # Translators: after "That code is not right. ...", which ends without a full stop.
        form.add_error(
            "code",
            gettext("%(problem)s. Wait %(wait)s before you try again")
            % {"problem": WRONG_CODE[step], "wait": _how_long(wait)},
        )
    else:
        form.add_error("code", WRONG_CODE[step])


def _meant_for(code, devices):
    """The devices a code is for: six digits come from the app, anything else
    is a recovery code. Each kind is throttled on its own, so a wrong app code
    says nothing about whether a recovery code may be tried."""
    return [device for device in devices if isinstance(device, TOTPDevice) == code.isdigit()]


def grouped_key(secret):
    """The key as people type it from a screen: ABCD EFGH ... (apps ignore the spaces)."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def setup(request):
    """Set up an authenticator app; show recovery codes once."""
    if not request.user.is_authenticated:
        return _sign_in_first(request)
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect(reverse("mfa:verify") + "?" + urlencode({"next": _next_url(request)}))
    device = None
    if request.method == "POST":
        device = TOTPDevice.objects.filter(
            user=request.user, confirmed=False, pk=request.session.get(SETUP_DEVICE_KEY)
        ).first()
    if device is None:
        # Every visit gets its own secret (see the module docstring); the one
        # this session was shown before is no longer needed.
        TOTPDevice.objects.filter(user=request.user, confirmed=False, pk=request.session.get(SETUP_DEVICE_KEY)).delete()
        device = TOTPDevice.objects.create(user=request.user, confirmed=False, name="Authenticator app")
        request.session[SETUP_DEVICE_KEY] = device.pk
    form = CodeForm(request.POST or None) if request.method == "POST" else CodeForm()
    if form.is_bound and form.is_valid():
        was_waiting = seconds_to_wait([device]) > 0
        if not was_waiting and device.verify_token(form.cleaned_data["code"].replace(" ", "")):
            device.confirmed = True
            device.save()
            TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
            request.session.pop(SETUP_DEVICE_KEY, None)
            _verified(request, device)
            codes = _new_recovery_codes(request.user)
            request.session[CODES_SHOWN_KEY] = time.time()
            return render(request, "staff/mfa_codes.html", {"codes": codes, "next": _next_url(request)})
        _refuse(form, request, "setup", [device], was_waiting)
    secret = b32encode(device.bin_key).decode()
    context = {"form": form, "secret": grouped_key(secret), "qr_svg": qr.qr_svg(device.config_url, scale=5).decode(),
               "next": _next_url(request)}  # fmt: skip
    return render(request, "staff/mfa_setup.html", context)


def _new_recovery_codes(user):
    static, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
    static.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request):
    """The second step of signing in."""
    if not request.user.is_authenticated:
        return _sign_in_first(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].replace(" ", "")
        devices = _meant_for(code, devices_for_user(request.user))
        was_waiting = seconds_to_wait(devices) > 0
        device = match_token(request.user, code)
        if device is not None and device.confirmed:
            _verified(request, device)
            return redirect(_next_url(request))
        # As match_token left them (it counts the failure on its own copies).
        _refuse(form, request, "verify", _meant_for(code, devices_for_user(request.user)), was_waiting)
    return render(request, "staff/mfa_verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@require_POST
def recovery_codes_text(request):
    """The recovery codes just shown, as a text file to keep: only for the
    session that set them up (and proved a second factor), for a short while."""
    if not request.user.is_authenticated:
        return _sign_in_first(request)
    shown = request.session.get(CODES_SHOWN_KEY)
    if not request.user.is_verified() or shown is None or time.time() - shown > CODES_DOWNLOAD_SECONDS:
        raise Http404
    codes = StaticToken.objects.filter(device__user=request.user, device__name="Recovery codes").order_by("pk")
    context = {"codes": [code.token for code in codes], "user": request.user, "today": timezone.localdate(),
               "site_url": settings.SITE_URL}  # fmt: skip
    response = HttpResponse(render_to_string("staff/mfa_codes.txt", context), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="recovery-codes.txt"'
    return response
