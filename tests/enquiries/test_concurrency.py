"""50 patients press Send at the same moment: every enquiry is stored once.

Runs against a live server with real threads, on whichever database the
suite uses (SQLite by default, PostgreSQL in `make test-services`).
"""

import http.cookiejar
import re
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from radiology_guide.enquiries.models import Enquiry

pytestmark = pytest.mark.django_db(transaction=True)


def send_enquiry(base_url, number):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(f"{base_url}/enquire/", timeout=30).read().decode()
    fields = dict(re.findall(r'<input type="hidden" name="(csrfmiddlewaretoken|form_token)" value="([^"]+)"', html))
    data = {
        **fields,
        "name": f"Patient {number}",
        "email": f"patient{number}@example.com",
        "preferred_contact": "email",
        "topic": "mri-scan",
        "consent": "on",
    }
    request = urllib.request.Request(
        f"{base_url}/enquire/", data=urllib.parse.urlencode(data).encode(), headers={"Referer": f"{base_url}/enquire/"}
    )
    response = opener.open(request, timeout=60)
    return response.status, response.geturl()


def test_50_parallel_enquiries_are_all_stored_exactly_once(live_server, content, settings):
    settings.ENQUIRY_RATE_LIMIT = "1000/h"
    settings.ENQUIRY_MIN_FILL_SECONDS = 0
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda n: send_enquiry(live_server.url, n), range(50)))
    assert all(status == 200 and "/enquire/sent/RG-" in url for status, url in results)
    names = sorted(Enquiry.objects.values_list("name", flat=True))
    assert names == sorted(f"Patient {n}" for n in range(50))
    assert len({url for _, url in results}) == 50
