"""`patronage sla due|between`: the calendar file's arithmetic from the shell, and a clear line for bad input."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from patronage.cli import main

NINE_TO_FIVE = {
    "timezone": "Asia/Seoul",
    "hours": {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
    "country": "KR",
}


@pytest.fixture
def calendar_file(tmp_path):
    path = tmp_path / "seoul.json"
    path.write_text(json.dumps(NINE_TO_FIVE), encoding="utf-8")
    return path


def sla(*args):
    out = StringIO()
    call_command("sla", *[str(arg) for arg in args], stdout=out)
    return out.getvalue().strip()


def test_due_prints_the_due_time_in_the_calendars_zone(calendar_file):
    printed = sla(
        "due", "--calendar", calendar_file, "--start", "2026-03-06T16:00:00+09:00", "--seconds", 7200
    )

    assert printed == "2026-03-09T10:00:00+09:00"


def test_due_takes_a_start_in_another_zone(calendar_file):
    printed = sla("due", "--calendar", calendar_file, "--start", "2026-03-06T07:00:00Z", "--seconds", 7200)

    assert printed == "2026-03-09T10:00:00+09:00"


def test_due_skips_the_national_holiday(calendar_file):
    printed = sla(
        "due", "--calendar", calendar_file, "--start", "2026-02-27T16:00:00+09:00", "--seconds", 7200
    )

    assert printed == "2026-03-03T10:00:00+09:00"


def test_each_pause_moves_the_due_time_by_its_business_time(calendar_file):
    printed = sla(
        "due", "--calendar", calendar_file, "--start", "2026-03-09T09:00:00+09:00", "--seconds", 3600,
        "--pause", "2026-03-09T09:30:00+09:00/2026-03-09T10:00:00+09:00",
        "--pause", "2026-03-09T18:00:00+09:00/2026-03-10T08:00:00+09:00",
    )  # fmt: skip

    assert printed == "2026-03-09T10:30:00+09:00"


def test_between_prints_the_business_seconds(calendar_file):
    printed = sla(
        "between", "--calendar", calendar_file,
        "--start", "2026-03-06T16:00:00+09:00", "--end", "2026-03-09T10:00:00+09:00",
    )  # fmt: skip

    assert printed == "7200"


def test_between_takes_paused_business_time_off(calendar_file):
    printed = sla(
        "between", "--calendar", calendar_file,
        "--start", "2026-03-09T09:00:00+09:00", "--end", "2026-03-09T17:00:00+09:00",
        "--pause", "2026-03-09T12:00:00+09:00/2026-03-09T13:00:00+09:00",
    )  # fmt: skip

    assert printed == str(7 * 3600)


def test_without_a_calendar_the_clock_runs_day_and_night_in_utc():
    assert (
        sla("due", "--start", "2026-03-06T16:00:00+09:00", "--seconds", 7200) == "2026-03-06T09:00:00+00:00"
    )
    assert sla("between", "--start", "2026-03-06T00:00:00Z", "--end", "2026-03-07T00:00:00Z") == "86400"


def write(tmp_path, text):
    path = tmp_path / "calendar.json"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--start", "2026-03-06T16:00:00"], r"--start: '2026-03-06T16:00:00' has no time zone"),
        (["--start", "next friday"], r"--start: 'next friday' is not a date and time"),
        (["--start", "2026-03-06T16:00:00Z", "--seconds", "-5"], r"--seconds: -5 is negative"),
        (
            ["--start", "2026-03-06T16:00:00Z", "--pause", "2026-03-06T17:00:00Z"],
            r"--pause: .* must be START/END",
        ),
        (
            ["--start", "2026-03-06T16:00:00Z", "--pause", "2026-03-06T18:00:00Z/2026-03-06T17:00:00Z"],
            r"--pause: .* ends before it starts",
        ),
        (["--start", "2026-03-06T16:00:00Z", "--pause", "2026-03-06T17:00:00Z/later"], r"--pause: 'later'"),
        (
            ["--start", "2026-03-06T16:00:00Z", "--pause", "2026-03-06T17:00/2026-03-06T18:00Z"],
            r"--pause: .* no time zone",
        ),
        (["--start", "2026-03-06T16:00:00Z", "--seconds", "two hours"], r"--seconds"),
    ],
)
def test_bad_times_are_refused_naming_the_option(arguments, message):
    if "--seconds" not in arguments:
        arguments = [*arguments, "--seconds", "60"]

    with pytest.raises(CommandError, match=message):
        sla("due", *arguments)


def test_a_missing_calendar_file_is_named(tmp_path):
    with pytest.raises(CommandError, match=r"--calendar: cannot read .*nowhere\.json"):
        sla(
            "due", "--calendar", tmp_path / "nowhere.json", "--start", "2026-03-06T16:00:00Z", "--seconds", 60
        )


def test_a_calendar_that_is_not_json_is_named(tmp_path):
    path = write(tmp_path, "{timezone: Asia/Seoul}")

    with pytest.raises(CommandError, match=r"--calendar: .*calendar\.json is not JSON"):
        sla("due", "--calendar", path, "--start", "2026-03-06T16:00:00Z", "--seconds", 60)


def test_a_bad_calendar_names_the_field(tmp_path):
    path = write(
        tmp_path,
        json.dumps({"timezone": "Asia/Seoul", "hours": {"mon": [["09:00", "18:00"], ["17:00", "19:00"]]}}),
    )

    with pytest.raises(
        CommandError, match=r"--calendar: .*calendar\.json: hours\.mon\[1\]: 17:00-19:00 overlaps 09:00-18:00"
    ):
        sla("between", "--calendar", path, "--start", "2026-03-06T16:00:00Z", "--end", "2026-03-07T16:00:00Z")


def test_between_needs_an_end():
    with pytest.raises(CommandError, match="--end"):
        sla("between", "--start", "2026-03-06T16:00:00Z")


def test_from_the_shell_bad_input_is_one_line_not_a_traceback(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(
            [
                "sla",
                "due",
                "--calendar",
                str(tmp_path / "nowhere.json"),
                "--start",
                "2026-03-06T16:00Z",
                "--seconds",
                "60",
            ]
        )

    error = capsys.readouterr().err
    assert exit_.value.code == 1
    assert "Traceback" not in error
    assert error.startswith("CommandError: --calendar: cannot read")
