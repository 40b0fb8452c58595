"""`patronage import`: exit codes, the summary, the error list, and the dry run."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from patronage.commerce.models import Order
from patronage.members.models import ImportJob, Member


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_a_good_file_is_imported_with_a_summary(tmp_path, db):
    path = tmp_path / "customers.csv"
    path.write_text("customer_id,email\n1,a@example.com\n2,b@example.com\n")

    code, out, _err = run("customers", str(path), "--namespace", "pos")

    assert code == 0
    assert "2 rows: 2 created, 0 updated, 0 unchanged" in out
    assert set(Member.objects.values_list("identities__namespace", flat=True)) == {"pos", ""}

    code, out, _err = run("customers", str(path), "--namespace", "pos")
    assert "2 rows: 0 created, 0 updated, 2 unchanged" in out


def test_a_rejected_file_prints_each_error_and_exits_1(tmp_path, db):
    path = tmp_path / "customers.csv"
    path.write_text("email\n" + "".join(f"bad{n}\n" for n in range(60)))

    code, out, err = run("customers", str(path))

    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "line 2, column email: 'bad0' is not a valid e-mail address"
    assert len(lines) == 51
    assert lines[-1] == "... and 10 more"
    assert "nothing was imported" in err
    assert Member.objects.count() == 0


def test_a_dry_run_checks_without_importing(tmp_path, db):
    path = tmp_path / "customers.csv"
    path.write_text("email\na@example.com\n")

    code, out, _err = run("customers", str(path), "--dry-run")

    assert code == 0
    assert "1 rows checked: no errors" in out
    assert (Member.objects.count(), ImportJob.objects.count()) == (0, 0)


def test_transactions_take_their_source(tmp_path, alice):
    path = tmp_path / "sales.csv"
    path.write_text("order_id,email,date,total\nS-1,alice@example.com,2024-01-02,100\n")

    code, out, _err = run("transactions", str(path), "--source", "shop")

    assert code == 0
    assert "1 rows: 1 created" in out
    assert Order.objects.get().source == "shop"


def test_a_missing_file_is_an_error(tmp_path, db):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("import", "customers", str(tmp_path / "nope.csv"))
