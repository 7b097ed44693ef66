"""Log staff sign-in events: who and what happened, never a password."""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

logger = logging.getLogger("radiology_guide.auth")


@receiver(user_logged_in)
def logged_in(sender, request, user, **kwargs):
    logger.info("auth sign-in user=%s", user.get_username())


@receiver(user_logged_out)
def logged_out(sender, request, user, **kwargs):
    logger.info("auth sign-out user=%s", user.get_username() if user else "-")


@receiver(user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs):
    # Django has already replaced the password in `credentials` with stars;
    # log only the username anyway.
    logger.warning("auth sign-in failed user=%s", credentials.get("username", "-"))
