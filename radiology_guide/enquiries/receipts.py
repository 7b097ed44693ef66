"""/notify/callback/: GOV.UK Notify's delivery receipts for the messages that
took links to patients (enquiries/messaging.py records them).

Notify sends each receipt with the bearer token set in its callback settings,
NOTIFY_CALLBACK_TOKEN here. Anything without that token is refused with 401
and changes nothing; with no token set, every receipt is refused.
"""

import hmac
import json
import logging

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from radiology_guide.enquiries import messaging

logger = logging.getLogger(__name__)


def _authorised(request):
    expected = settings.NOTIFY_CALLBACK_TOKEN
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    # In constant time, so the token cannot be guessed a character at a time.
    return hmac.compare_digest(token.strip().encode(), expected.encode())


@csrf_exempt  # Notify is not a browser: the bearer token is the check
@require_POST
def notify_callback(request):
    if not _authorised(request):
        logger.warning("notify receipt refused: wrong or missing token")
        return HttpResponse("Unauthorised\n", status=401, content_type="text/plain")
    try:
        payload = json.loads(request.body)
    except ValueError:
        return HttpResponse("Not JSON\n", status=400, content_type="text/plain")
    if not isinstance(payload, dict):
        return HttpResponse("Not a receipt\n", status=400, content_type="text/plain")
    if not messaging.record_receipt(payload):
        # A message already deleted by retention, or never ours.
        return HttpResponse("No such message\n", status=404, content_type="text/plain")
    return HttpResponse(status=204)
