"""Whatever is typed into the enquiry form, the patient never sees a server error."""

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.helpers import form_token

pytestmark = pytest.mark.django_db

anything = st.text(max_size=300) | st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=1200)
POST = st.fixed_dictionaries(
    {
        "name": anything,
        "email": anything | st.emails(),
        "phone": anything | st.from_regex(r"\+?[0-9 ()-]{5,20}", fullmatch=True),
        "preferred_contact": st.sampled_from(["email", "phone", "", "fax"]) | anything,
        "topic": st.sampled_from(["ct-scan", "other", "", "nope"]) | anything,
        "message": anything,
        "website": st.just("") | anything,
    },
    optional={"consent": st.sampled_from(["on", "", "yes"]) | anything},
)


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=POST)
@example(data={"topic": "\x00", "preferred_contact": "email"})  # PostgreSQL refuses a NUL byte in a query
def test_the_enquiry_form_never_answers_with_a_server_error(client, data, django_settings_override):
    response = client.post("/enquire/", {**data, "form_token": form_token()})
    assert response.status_code in (302, 400, 429)


@pytest.fixture
def django_settings_override(settings):
    settings.ENQUIRY_RATE_LIMIT = "100000/h"
    return settings
