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

import io
import logging
from base64 import b32encode
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from radiology_guide.core.paths import STAFF_AREAS as PROTECTED_PREFIXES
from radiology_guide.staff.access import needs_second_factor

logger = logging.getLogger(__name__)

RECOVERY_CODES = 10
SETUP_DEVICE_KEY = "mfa-setup-device"


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
        label="Code",
        max_length=16,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        error_messages={"required": "Enter the code from your authenticator app"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
    )


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or reverse("staff:home")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return reverse("staff:home")
    return target


def _qr_svg(text):
    import segno  # only here, not in every web worker

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=5, border=4, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


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
        if device.verify_token(form.cleaned_data["code"].replace(" ", "")):
            device.confirmed = True
            device.save()
            TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
            request.session.pop(SETUP_DEVICE_KEY, None)
            _verified(request, device)
            codes = _new_recovery_codes(request.user)
            return render(request, "staff/mfa_codes.html", {"codes": codes, "next": _next_url(request)})
        _failed(request, "setup")
        form.add_error("code", "That code is not right. Check the time on your phone and try the newest code")
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "staff/mfa_setup.html",
        {"form": form, "secret": secret, "qr_svg": _qr_svg(device.config_url), "next": _next_url(request)},
    )


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
        device = match_token(request.user, form.cleaned_data["code"].replace(" ", ""))
        if device is not None and device.confirmed:
            _verified(request, device)
            return redirect(_next_url(request))
        _failed(request, "verify")
        form.add_error("code", "That code is not right. Try the newest code from your app, or a recovery code")
    return render(request, "staff/mfa_verify.html", {"form": form, "next": _next_url(request)})
