"""``readinglist doctor``: compare the search index with the database, and repair it.

The index is a cache of the database (readinglist.search); this is the command that
says whether the cache drifted (papers missing, stale or extra) and puts it right.
``--check`` only reports, and exits 1 on drift, so scripts and CI can call it.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from readinglist.cli.args import Parents
from readinglist.cli.output import print_json

if TYPE_CHECKING:
    from readinglist.app_context import OpenDatabase

SHOWN_IDS = 20


def cmd_doctor(args: argparse.Namespace, opened: OpenDatabase) -> int:
    indexing = opened.library.indexing
    # Damaged files first: comparing papers reads only what a search reads, and a
    # scribbled terms file gives wrong answers without an error.
    damage = indexing.damage()
    if damage is not None and not args.check:
        indexing.rebuild()
    report = indexing.check(repair=not args.check) if damage is None or not args.check else None
    drift = {
        "missing": report.missing if report else (),
        "stale": report.stale if report else (),
        "extra": report.extra if report else (),
    }
    clean = damage is None and report is not None and report.clean
    # Another Whoosh than the one search/whoosh_private/ knows: said, not an error.
    notice = getattr(getattr(opened, "index", None), "notice", None)
    if args.json:
        ids = {k: list(v) for k, v in drift.items()}
        print_json({**ids, "damaged": damage, "repaired": not args.check, "notice": notice})
        return 1 if args.check and not clean else 0
    if notice:
        print(notice)
    if damage is not None:
        print(f"the search index is damaged: {damage}")
        if args.check:
            print("checked only; run without --check to rebuild it")
            return 1
        print("rebuilt it from the library")
    assert report is not None
    if report.clean:
        print("the search index matches the library")
    else:
        for name, found in drift.items():
            if found:
                listed = ", ".join(str(i) for i in found[:SHOWN_IDS])
                more = f" and {len(found) - SHOWN_IDS} more" if len(found) > SHOWN_IDS else ""
                print(f"{name} in the index: {len(found)} ({listed}{more})")
        print("checked only; run without --check to repair" if args.check else "repaired")
    return 1 if args.check and not report.clean else 0


def doctor_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    sub.add_argument("--check", action="store_true", help="only report (exit 1 on drift)")
