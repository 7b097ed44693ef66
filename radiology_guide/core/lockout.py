"""Sign-in lockout (django-axes, AXES_HANDLER): what is counted, and how a
client is named in axes' log lines (AXES_CLIENT_STR_CALLABLE).

Axes counts failures per username and address (AXES_LOCKOUT_PARAMETERS), so
one attacker's guesses never lock the real user out. But the address comes
from X-Forwarded-For behind a proxy, and a client that reaches the app port
directly writes that header itself: with a new address for every guess it
was never locked out. So failures are also counted per username from every
address, against a higher limit (LOGIN_USERNAME_FAILURE_LIMIT). Axes' own
list form (``["username", ["username", "ip_address"]]``) has one limit for
both, which would let five guesses from anywhere lock a user out.
"""

import logging

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum

from radiology_guide.core.middleware import loggable

logger = logging.getLogger("radiology_guide.auth")


class LockoutHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or username_locked(request, credentials)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        # Axes marks the request locked out (its lockout page) only from its own count.
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or request.axes_locked_out or not username_locked(request, credentials):
            return
        username = get_client_username(request, credentials)
        logger.warning("auth locked out user=%s failures from every address", loggable(str(username)))
        request.axes_locked_out = True
        request.axes_credentials = credentials
        user_locked_out.send("axes", request=request, username=username, ip_address=request.axes_ip_address)


def username_locked(request, credentials) -> bool:
    return username_failures(request, credentials) >= settings.LOGIN_USERNAME_FAILURE_LIMIT


def username_failures(request, credentials) -> int:
    """Failures for this username from every address, within the cool-off."""
    username = get_client_username(request, credentials)
    if not username:
        return 0
    attempts = AccessAttempt.objects.filter(username=username)
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def client_str(username, ip_address, user_agent, path_info, request) -> str:
    """The client in axes' log lines. The username is whatever was typed and
    the address may come from X-Forwarded-For: both are escaped as logged
    paths are (core/middleware.py), so a newline cannot forge a log line."""
    if isinstance(path_info, list | tuple):
        path_info = path_info[0]
    return "user={} address={} path={}".format(
        loggable(str(username or "-")), loggable(str(ip_address or "-")), loggable(str(path_info or "-"))
    )
