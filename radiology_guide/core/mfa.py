"""Two-factor sign-in for staff: an authenticator app (TOTP) plus one-off
recovery codes, with django-otp.

When REQUIRE_STAFF_MFA is on, a signed-in staff or admin user reaches no staff
or admin page until they have verified a second factor in this session: first
they set up an app (and are shown recovery codes once), afterwards they enter
a code at each sign-in.
"""

import io
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

RECOVERY_CODES = 10


def needs_second_factor(user):
    return user.is_authenticated and (user.is_staff or user.is_superuser) and not user.is_verified()


def _exempt(path):
    return path in {
        reverse("mfa:setup"),
        reverse("mfa:verify"),
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
    target = request.POST.get("next") or request.GET.get("next") or reverse("staff:dashboard")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return reverse("staff:dashboard")
    return target


def _qr_svg(text):
    import segno  # only here, not in every web worker

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=5, border=4, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def setup(request):
    """Set up an authenticator app; show recovery codes once."""
    if not request.user.is_authenticated:
        return redirect(reverse("admin:login") + "?" + urlencode({"next": request.get_full_path()}))
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect(reverse("mfa:verify") + "?" + urlencode({"next": _next_url(request)}))
    device, _ = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].replace(" ", "")):
            device.confirmed = True
            device.save()
            otp_login(request, device)
            codes = _new_recovery_codes(request.user)
            return render(request, "staff/mfa_codes.html", {"codes": codes, "next": _next_url(request)})
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
        return redirect(reverse("admin:login") + "?" + urlencode({"next": request.get_full_path()}))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"].replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("code", "That code is not right. Try the newest code from your app, or a recovery code")
    return render(request, "staff/mfa_verify.html", {"form": form, "next": _next_url(request)})
