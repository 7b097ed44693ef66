"""A page's preparation timing (guide/timing.py, the rule in
guide/safety_rules.py): its format, refused with file and line by
sync_content --check, in words for admin, and written back by export."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.http import QueryDict

from radiology_guide.guide import content_writer, safety_rules
from radiology_guide.guide.admin_forms import TimingLines, located
from radiology_guide.guide.content_files import read_procedure
from radiology_guide.guide.models import Page
from radiology_guide.guide.timing import BadWhen, When, as_lines, from_lines, parse_when


@pytest.mark.parametrize(
    ("text", "expected", "words"),
    [
        ("-3d", When(-3, "d"), "3 days before"),
        ("-1d 18:00", When(-1, "d", "18:00"), "1 day before at 18:00"),
        ("0d 07:00", When(0, "d", "07:00"), "On the day at 07:00"),
        ("-6h", When(-6, "h"), "6 hours before"),
        ("-30m", When(-30, "m"), "30 minutes before"),
        ("+2d", When(2, "d"), "2 days after"),
    ],
)
def test_good_times_and_their_words(text, expected, words):
    when = parse_when(text)
    assert when == expected and when.code() == text and when.words() == words


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("3 days", "is not a time"),
        ("-3 d", "is not a time"),
        ("-3w", "is not a time"),
        ("3d", "needs a '-'"),
        ("-6h 18:00", "a clock time goes only with days"),
        ("-1d 25:00", "not a time on a 24-hour clock"),
        ("0d", "give a clock time"),
        ("-30d", "too far from the appointment"),
        (None, "is not a time"),
    ],
)
def test_bad_times_are_refused_with_a_reason(text, why):
    with pytest.raises(BadWhen, match=why):
        parse_when(text)


@pytest.mark.parametrize(
    ("what", "refused"),
    [
        ("Stop taking your iron tablets.", True),
        ("Pause your metformin after the dye.", True),
        ("Do not take your blood thinner today.", True),
        ("If you take iron tablets, pause them only if your team tells you to.", False),
        ("Keep taking your medicines.", False),
        ("Stop eating now.", False),
    ],
)
def test_a_medicine_pause_only_on_the_teams_word(what, refused):
    problems = safety_rules.preparation_timing_problems([{"when": "-3d", "what": what}])
    assert bool(problems) is refused
    if refused:
        assert problems[0][0] == ("preparation_timing", 0, "what")
        assert "only if your team tells you" in problems[0][1]


def test_the_shape_of_the_steps_is_checked():
    assert safety_rules.preparation_timing_problems([]) == []
    assert safety_rules.preparation_timing_problems("eat less")[0][0] == ("preparation_timing",)
    [(keys, message)] = safety_rules.preparation_timing_problems([{"when": "-1d"}])
    assert keys == ("preparation_timing", 0) and "exactly a 'when' and a 'what'" in message
    steps = [{"when": "-1d", "what": "Eat well."}] * (safety_rules.MAX_STEPS + 1)
    assert "at most" in safety_rules.preparation_timing_problems(steps)[0][1]


def _check(content_copy, old, new):
    path = content_copy / "procedures" / "barium-enema.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    broken = text.replace(old, new, 1)
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("sync_content", "--check", "--path", str(content_copy), stdout=StringIO())
    ours = [line for line in str(error.value).splitlines() if "barium-enema.md:" in line]
    assert ours, str(error.value)
    line = next(n for n, line in enumerate(broken.splitlines(), start=1) if new.splitlines()[0] in line)
    return ours[0], line


@pytest.mark.django_db
def test_sync_content_check_refuses_an_unknown_offset_with_file_and_line(content_copy):
    error, line = _check(content_copy, "- when: -2d\n", "- when: 2 days before\n")
    assert f"barium-enema.md:{line}:" in error
    assert "'2 days before' is not a time before or after the appointment" in error


@pytest.mark.django_db
def test_sync_content_check_refuses_a_medicine_pause_without_the_teams_word(content_copy):
    old = "Pause them only if your team tells you to."
    error, line = _check(content_copy, old, "Stop them 3 days before.")
    assert f"barium-enema.md:{line}:" in error
    assert "only if your team tells you" in error


def test_the_pages_named_in_the_issue_have_timing_and_pass_the_rules(settings):
    for slug in ("barium-enema", "ct-colonography", "ct-scan", "mri-scan", "image-guided-biopsy"):
        record = read_procedure(settings.CONTENT_DIR / "procedures" / f"{slug}.md")
        assert record.fields["preparation_timing"], slug


def test_export_writes_the_timing_back_and_reads_it_again(settings, tmp_path):
    record = read_procedure(settings.CONTENT_DIR / "procedures" / "barium-enema.md")
    path = tmp_path / "barium-enema.md"
    path.write_text(content_writer.page_text(record.fields), encoding="utf-8")
    again = read_procedure(path)
    assert again.fields["preparation_timing"] == record.fields["preparation_timing"]
    assert "preparation_timing:\n- when: -3d\n" in path.read_text(encoding="utf-8")


def test_admin_shows_one_step_a_line_in_words_and_reads_them_back():
    steps = [
        {"when": "-3d", "what": "Start the low-fibre diet."},
        {"when": "-1d 18:00", "what": "Take the first sachet."},
        {"when": "0d 07:00", "what": "Have nothing more to eat."},
        {"when": "-2h", "what": "Your last drink of water."},
    ]
    text = as_lines(steps)
    assert text.splitlines() == [
        "3 days before: Start the low-fibre diet.",
        "1 day before at 18:00: Take the first sachet.",
        "On the day at 07:00: Have nothing more to eat.",
        "2 hours before: Your last drink of water.",
    ]
    assert from_lines(text) == steps
    posted = QueryDict(mutable=True)
    posted["preparation_timing"] = text.replace("\n", "\r\n") + "\r\n\r\n"
    assert TimingLines().value_from_datadict(posted, {}, "preparation_timing") == steps
    assert TimingLines().format_value(steps) == text


@pytest.mark.django_db
def test_admin_refuses_a_bad_step_and_says_which_line():
    page = Page.objects.get(slug="barium-enema")
    page.preparation_timing = from_lines("3 days before: Start the diet.\nthree days before: Stop your iron tablets.")
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    text = str(error.value)
    assert "'three days before' is not a time" in text and "only if your team tells you" in text
    problems = safety_rules.preparation_timing_problems(page.preparation_timing)
    assert located(*problems[0]).startswith("Preparation timing, line 2:")


@pytest.mark.django_db
def test_an_editor_sees_the_steps_in_words_and_changes_one_in_admin(client, editor):
    from tests.guide.test_admin import safety_form
    from tests.helpers import change_url

    page = Page.objects.get(slug="ct-scan")
    client.force_login(editor)
    html = client.get(change_url(page)).content.decode()
    assert "4 hours before: If your letter says not to eat for 4 hours, stop eating now." in html.replace("&#x27;", "'")
    lines = as_lines(page.preparation_timing).replace("4 hours before:", "3 hours before:")
    data = safety_form(page, preparation_timing=lines.replace("\n", "\r\n"), _publish="Save and publish")
    assert client.post(change_url(page), data).status_code == 302
    page.refresh_from_db()
    assert page.preparation_timing[1]["when"] == "-3h"


@pytest.mark.django_db
def test_a_bad_step_in_admin_is_named_by_its_line_and_nothing_saved(client, editor):
    from tests.guide.test_admin import safety_form
    from tests.helpers import change_url

    page = Page.objects.get(slug="ct-scan")
    before = page.reviewed_text()
    client.force_login(editor)
    lines = as_lines(page.preparation_timing) + "\nthe night before: Stop your metformin."
    data = safety_form(page, preparation_timing=lines, _publish="Save and publish")
    response = client.post(change_url(page), data)
    html = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200
    assert "Preparation timing, line 4: 'the night before' is not a time" in html
    assert "Preparation timing, line 4: a step that stops or pauses a medicine" in html
    assert "the night before: Stop your metformin." in html  # nothing typed is lost
    page.refresh_from_db()
    assert page.reviewed_text() == before


@pytest.mark.django_db
def test_migration_0013_keeps_a_synced_page_synced_so_the_next_sync_sees_no_edit():
    import importlib

    from django.apps import apps

    from radiology_guide.guide.models import content_hash

    migration = importlib.import_module("radiology_guide.guide.migrations.0013_page_preparation_timing")
    Page.objects.filter(slug="ct-scan").update(preparation_timing=[])  # as every page was before it
    page = Page.objects.get(slug="ct-scan")
    Page.objects.filter(pk=page.pk).update(
        synced_hash=content_hash({name: getattr(page, name) for name in migration.OLD_FILE_FIELDS})
    )
    Page.objects.filter(slug="mri-scan").update(synced_hash="an admin edited it since")
    migration.keep_synced_hashes(apps, None)
    assert Page.objects.get(pk=page.pk).synced_hash == page.current_hash()
    assert Page.objects.get(slug="mri-scan").synced_hash == "an admin edited it since"
