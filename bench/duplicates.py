"""Benchmark: the duplicate finder's precision and recall on the labelled cast, and its time on a large file.

    .venv/bin/python bench/duplicates.py                    # the labelled cast (about 560 files)
    .venv/bin/python bench/duplicates.py --members 100000   # the cast inside 100,000 generated files

The cast (patronage/members/tests/duplicate_cast.py) is people with one file, people with two or three
files (a phone in two forms, Gmail dots, a Hangul name and its romanisation, kanji and romaji, a typo, a
move) and hard negatives (a common name in one city, families sharing an address and a landline, strangers
born the same day). With --members N, generated people with one file each fill the file up to N: every
pair the finder lists among them is a false positive.

A throwaway folder holds the SQLite database (PATRONAGE_VAR_DIR); with --postgres URL a database
patronage_bench_duplicates_<pid> is created on that server and dropped at the end.

The anchor is a plain read of what the finder reads in full (the active files' rows and every e-mail
address), in the same run. The finder's first run also reads the names (romanisation, cached for the
next runs of the process). The last lines are finder_vs_read = the finder's median time / the read's, then
duplicates_precision and duplicates_recall (the pairs listed that are one person / all pairs listed; the
pairs of one person listed / all of them).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from throwaway import run_on_throwaway_database  # noqa: E402  (bench/ is the script's folder)


def _median_seconds(work: Callable[[], object], repeats: int) -> float:
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def _plain_read() -> None:
    """What the finder reads in full: the active files' rows and every e-mail address."""
    from patronage.members.models import Identity, Member, MemberStatus

    active = Member.objects.filter(status=MemberStatus.ACTIVE)
    list(
        active.values_list(
            "pk", "name", "name_key", "name_latin", "birth_date", "address", "postal_code", "city"
        )
    )
    list(Identity.objects.filter(kind="email").values_list("member_id", "value"))


def run(members: int | None, repeats: int) -> None:
    from django.core.management import call_command

    from patronage.members.duplicates import member_duplicates_find
    from patronage.members.tests.duplicate_cast import BACKGROUND, cast_files, cast_write

    call_command("migrate", verbosity=0)
    lookalikes = sum(1 for file in cast_files(background=0))
    background = max(0, members - lookalikes) if members else BACKGROUND
    started = time.perf_counter()
    cast = cast_write(cast_files(background=background))
    print(f"{cast.files:,} files written in {time.perf_counter() - started:.1f} s")
    print(f"{len(cast.true_pairs)} pairs of files of one person, {background:,} people with one file besides")

    started = time.perf_counter()
    found = member_duplicates_find()
    first_run = time.perf_counter() - started
    listed = set(found.pairs())
    right = listed & cast.true_pairs
    precision = len(right) / len(listed) if listed else 1.0
    recall = len(right) / len(cast.true_pairs)
    print(f"\nlisted {len(listed)} pairs: {len(right)} of one person, {len(listed) - len(right)} not")
    missed = Counter(cast.kinds[pair] for pair in cast.true_pairs - listed)
    for kind, count in sorted(missed.items()):
        print(f"  not listed: {count} x {kind}")
    wrong = Counter(
        " + ".join(candidate.reasons)
        for candidate in found[: len(found)]
        if (candidate.first.pk, candidate.second.pk) not in cast.true_pairs
    )
    for reasons, count in wrong.most_common(5):
        print(f"  listed, not one person: {count} x {reasons}")

    read = _median_seconds(_plain_read, repeats)
    finder = _median_seconds(member_duplicates_find, repeats)
    print(f"\n{'work':44} {'ms':>10}")
    print(f"{'read the rows (anchor, median)':44} {read * 1000:10.1f}")
    print(f"{'find, score and sort: first run':44} {first_run * 1000:10.1f}")
    print(f"{'find, score and sort: median of the next runs':44} {finder * 1000:10.1f}")
    print(f"\nfinder_vs_read={finder / read:.1f}")
    print(f"duplicates_precision={precision:.3f} duplicates_recall={recall:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--members", type=int, help="fill the file up to this many files (default: the cast alone)"
    )
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--postgres", help="server URL without a database name, e.g. postgres://postgres@127.0.0.1:5432"
    )
    options = parser.parse_args()
    run_on_throwaway_database(
        name="duplicates",
        postgres=options.postgres,
        run=lambda: run(options.members, options.repeats),
    )


if __name__ == "__main__":
    main()
