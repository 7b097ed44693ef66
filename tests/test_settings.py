"""Settings with nothing set are right for the server the README runs, and a
value that cannot be read stops start-up with the variable's name."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from radiology_guide import config

# Each start-up is a process of its own with only the variables it is given.
pytestmark = pytest.mark.standalone

SHOW_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'cache': s.CACHES['default'], 'tasks': s.TASKS['default']['BACKEND'], "
    "'mail': s.MAILERS['default'], 'https': s.HTTPS, 'page_cache': s.PAGE_CACHE_SECONDS}, default=str))"
)


def run_python(code, **environ):
    env = {"PATH": os.environ["PATH"], **environ}
    env["DJANGO_SETTINGS_MODULE"] = "radiology_guide.settings"
    return subprocess.run(  # noqa: S603 - a fixed command
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )


def test_with_nothing_set_every_worker_shares_the_cache_and_mail_goes_to_files_not_the_log():
    result = run_python(SHOW_SETTINGS)
    shown = json.loads(result.stdout)
    assert shown["cache"]["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert shown["cache"]["LOCATION"] == str(settings.BASE_DIR / "var" / "cache")
    assert shown["tasks"] == "django_tasks_db.DatabaseBackend"
    assert shown["mail"]["BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert shown["https"] is False and shown["page_cache"] == 300


def test_debug_turns_the_page_cache_off_so_template_edits_show():
    assert json.loads(run_python(SHOW_SETTINGS, DEBUG="true").stdout)["page_cache"] == 0


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HTTPS", "ture"),
        ("DEBUG", "maybe"),
        ("REQUIRE_STAFF_MFA", "yes please"),
        ("PAGE_CACHE_SECONDS", "5m"),
        ("TRUSTED_PROXY_COUNT", "-1"),
        ("ENQUIRY_RATE_LIMIT", "5 per hour"),
        ("ENQUIRY_RATE_LIMIT", "5/w"),
        ("CACHE_URL", "memcached://127.0.0.1:11211"),
        ("CACHE_URL", "file://relative/folder"),
        ("EMAIL_URL", "console://"),
        ("DATABASE_URL", "mysql://db/guide"),
        ("LOG_LEVEL", "LOUD"),
        ("PUBLISH_REQUIRES_APPROVAL", "ture"),
        ("ENQUIRY_REPLY_DAYS", "0"),
        ("IMAGE_MAX_MB", "ten"),
    ],
)
def test_a_value_that_cannot_be_read_stops_start_up_naming_the_variable(name, value):
    result = run_python("import django; django.setup()", **{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and f"{name}=" in result.stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("On", True), ("1", True), ("yes", True), ("false", False), ("OFF", False), ("0", False)],
)
def test_yes_and_no_are_read_in_their_usual_spellings(monkeypatch, value, expected):
    monkeypatch.setenv("HTTPS", value)
    assert config.env_bool("HTTPS") is expected


@pytest.mark.parametrize(("rate", "parsed"), [("5/h", (5, 3600)), ("10/15m", (10, 900)), ("1/d", (1, 86400))])
def test_rates_are_read(rate, parsed):
    assert config.parse_rate(rate) == parsed


def test_production_without_an_email_url_fails_the_deploy_check():
    result = subprocess.run(  # noqa: S603 - a fixed command
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=settings.BASE_DIR,
        env={"PATH": os.environ["PATH"], "SECRET_KEY": "x" * 60, "HTTPS": "true"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "radiology_guide.E002" in result.stderr


def test_logs_go_to_stderr_so_a_commands_output_stays_clean(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "VAR_DIR": str(tmp_path / "var")}
    manage = "from django.core.management import execute_from_command_line as run; run(['manage.py', *{}])"
    migrate = run_python(manage.format(["migrate"]), **env)
    assert migrate.returncode == 0, migrate.stderr
    dump = run_python(manage.format(["dumpdata", "core.clinicdetails"]), **env)
    assert json.loads(dump.stdout)[0]["fields"]["name"]  # valid JSON: no log line, no banner


SHOW_KEY = "import django; django.setup(); from django.conf import settings as s; print(s.SECRET_KEY)"


def test_with_no_secret_key_set_a_random_one_is_made_once_and_kept_private(tmp_path):
    # Before, it was a constant in settings.py: anyone could sign a preview link offline.
    first = run_python(SHOW_KEY, VAR_DIR=str(tmp_path)).stdout.strip()
    assert len(first) >= 50 and "insecure" not in first
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == first
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert run_python(SHOW_KEY, VAR_DIR=str(tmp_path)).stdout.strip() == first
    assert run_python(SHOW_KEY, VAR_DIR=str(tmp_path / "elsewhere")).stdout.strip() != first


def test_workers_starting_at_once_agree_on_the_secret_key(tmp_path):
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "radiology_guide.settings", "VAR_DIR": str(tmp_path)}
    workers = [
        subprocess.Popen(  # noqa: S603 - a fixed command
            [sys.executable, "-c", SHOW_KEY], cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(6)
    ]
    keys = {worker.communicate(timeout=60)[0].strip() for worker in workers}
    assert len(keys) == 1 and len(keys.pop()) >= 50


def test_a_secret_key_from_the_environment_wins_and_no_file_is_written(tmp_path):
    shown = run_python(SHOW_KEY, VAR_DIR=str(tmp_path), SECRET_KEY="k" * 60).stdout.strip()
    assert shown == "k" * 60
    assert not (tmp_path / "secret_key").exists()


KEY = "clinic_live-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0"


@pytest.mark.parametrize(
    ("parser", "value"),
    [
        (config.env_notify_key, KEY[:-1]),  # a character lost in pasting
        (config.env_notify_key, KEY + " x"),
        (config.env_notify_key, "3d844edf-8d35-48ac-975b-e847b4f122b0"),  # the secret alone
        (config.env_uuid, "sms-template"),
        (config.env_decimal, "2.27p"),
        (config.env_decimal, "-1"),
        (config.env_decimal, "NaN"),
    ],
)
def test_notify_settings_that_cannot_be_read_stop_start_up_without_printing_the_key(monkeypatch, parser, value):
    monkeypatch.setenv("NOTIFY_SETTING", value)
    with pytest.raises(config.ImproperlyConfigured) as refused:
        parser("NOTIFY_SETTING", "0") if parser is config.env_decimal else parser("NOTIFY_SETTING")
    assert "NOTIFY_SETTING" in str(refused.value)
    if parser is config.env_notify_key:
        assert value not in str(refused.value)


def test_notify_settings_are_read(monkeypatch):
    monkeypatch.setenv("NOTIFY_SETTING", f" {KEY} ")
    assert config.env_notify_key("NOTIFY_SETTING") == KEY
    monkeypatch.setenv("NOTIFY_SETTING", "F33517FF-2A88-4F6E-B855-C550268CE08A")
    assert config.env_uuid("NOTIFY_SETTING") == "f33517ff-2a88-4f6e-b855-c550268ce08a"
    monkeypatch.setenv("NOTIFY_SETTING", "http://127.0.0.1:6011/")
    assert config.env_url("NOTIFY_SETTING", "") == "http://127.0.0.1:6011"
    monkeypatch.delenv("NOTIFY_SETTING")
    assert config.env_decimal("NOTIFY_SETTING", "2.27") == config.Decimal("2.27")
    assert config.env_notify_key("NOTIFY_SETTING") == config.env_uuid("NOTIFY_SETTING") == ""
