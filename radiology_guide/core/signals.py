"""Log staff sign-in events: who and what happened, never a password.

The username is whatever was typed into the sign-in form, so it is escaped
as a logged path is: a newline in it would otherwise forge a log line."""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from radiology_guide.core.middleware import loggable

logger = logging.getLogger("radiology_guide.auth")


@receiver(user_logged_in)
def logged_in(sender, request, user, **kwargs):
    logger.info("auth sign-in user=%s", loggable(user.get_username()))


@receiver(user_logged_out)
def logged_out(sender, request, user, **kwargs):
    logger.info("auth sign-out user=%s", loggable(user.get_username()) if user else "-")


@receiver(user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs):
    # Django has already replaced the password in `credentials` with stars;
    # log only the username anyway.
    logger.warning("auth sign-in failed user=%s", loggable(str(credentials.get("username", "-"))))
