"""Staff sign in on the staff area's own page, not the admin's: someone with
the staff-area permission but no admin access can still sign in."""

import pytest
from django.contrib.auth.models import Permission

pytestmark = pytest.mark.django_db


def test_a_receptionist_without_admin_access_signs_in_and_lands_where_they_were_going(client, django_user_model):
    user = django_user_model.objects.create_user("locum", password="a-long-test-password")  # is_staff is False
    user.user_permissions.add(Permission.objects.get(codename="use_staff_area"))
    page = client.get("/staff/enquiries/", follow=True)
    assert page.redirect_chain[-1][0] == "/staff/sign-in/?next=/staff/enquiries/"
    assert 'name="next" value="/staff/enquiries/"' in page.content.decode()
    response = client.post("/staff/sign-in/", {"username": "locum", "password": "a-long-test-password",
                                                "next": "/staff/enquiries/"})  # fmt: skip
    assert response["Location"] == "/staff/enquiries/"
    assert client.get("/staff/enquiries/").status_code == 200


def test_sign_in_never_sends_anyone_to_another_site(client, clinic_staff):
    response = client.post(
        "/staff/sign-in/", {"username": "sam", "password": "a-long-test-password", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/staff/"


def test_a_wrong_password_says_so_and_repeated_ones_lock_the_account(client, clinic_staff, settings):
    wrong = client.post("/staff/sign-in/", {"username": "sam", "password": "not-the-password"})
    assert wrong.status_code == 200 and "Enter a correct username and password" in wrong.content.decode()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = client.post("/staff/sign-in/", {"username": "sam", "password": "not-the-password"})
    assert locked.status_code == 429
    right = client.post("/staff/sign-in/", {"username": "sam", "password": "a-long-test-password"})
    assert right.status_code == 429  # locked, even with the right password


def test_signing_out_takes_a_post_and_ends_the_session(client, clinic_staff):
    client.force_login(clinic_staff)
    assert client.get("/staff/sign-out/").status_code == 405
    assert client.post("/staff/sign-out/")["Location"] == "/staff/sign-in/"
    assert client.get("/staff/")["Location"].startswith("/staff/sign-in/")
