"""The command line's undo history: its last changes, kept as JSON between runs.

Each ``readinglist`` command is a process of its own, so what ``readinglist undo`` takes
back must outlive the command that made it. A change record
(:mod:`readinglist.core.undo`) is plain data: dataclasses of the domain, enums, dates
and bytes; this module writes them as tagged JSON and reads back only the classes it
knows (:data:`KNOWN`), never arbitrary code, so a journal edited by hand or written by
another version is refused with a message, not executed.

The file itself (where, how it is replaced) is the caller's: :func:`dumps` and
:func:`loads` work on text.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from datetime import date, datetime
from enum import Enum
from typing import Any, cast

from readinglist.core import (
    group,
    list_cases,
    metadata,
    models,
    snapshots,
    stats_cases,
    tag_cases,
    undo,
)
from readinglist.core.errors import InvalidValueError
from readinglist.core.undo import Change

# Adding a known class keeps FORMAT: every journal written before still reads the same,
# and an older version meets a class it does not know with its one-line refusal. FORMAT
# changes only when a kept class's fields change meaning (old journals would mislead).
FORMAT = 1
KEEP = 20  # changes kept: the command line's undo goes back this far


def _known() -> dict[str, type]:
    found: dict[str, type] = {}
    # metadata: a Paper's names, facts; tag_cases, list_cases, stats_cases: the tag
    # edits, "add to a new list" and the saved week plan, each with its snapshot.
    # group: a deleted paper's comments and presenter, which its undo puts back.
    modules = (metadata, models, snapshots, undo, tag_cases, list_cases, stats_cases, group)
    for module in modules:
        for name, value in vars(module).items():
            wanted = isinstance(value, type) and (
                dataclasses.is_dataclass(value) or issubclass(value, Enum)
            )
            if wanted and value.__module__ == module.__name__:
                found[name] = value
    return found


KNOWN = _known()


def _encode(value: object) -> Any:
    if value is None or (
        isinstance(value, bool | int | float | str) and not isinstance(value, Enum)
    ):
        return value
    if isinstance(value, Enum):
        return {"$enum": type(value).__name__, "v": value.value}
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):  # a presenter's day
        return {"$date": value.isoformat()}
    if isinstance(value, bytes):
        return {"$b64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, tuple):
        return {"$tuple": [_encode(item) for item in value]}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, set | frozenset):
        return {"$set": [_encode(item) for item in sorted(value, key=repr)]}
    if isinstance(value, dict):
        return {"$dict": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if KNOWN.get(name) is not type(value):
            raise InvalidValueError(f"cannot keep a {name} in the undo history")
        fields = {
            f.name: _encode(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.init and not callable(getattr(value, f.name))  # an injected importer
        }
        return {"$dc": name, "f": fields}
    raise InvalidValueError(f"cannot keep a {type(value).__name__} in the undo history")


def _decode(data: Any) -> Any:
    if isinstance(data, list):
        return [_decode(item) for item in data]
    if not isinstance(data, dict):
        return data
    if "$dt" in data:
        return datetime.fromisoformat(data["$dt"])
    if "$date" in data:
        return date.fromisoformat(data["$date"])
    if "$b64" in data:
        return base64.b64decode(data["$b64"])
    if "$tuple" in data:
        return tuple(_decode(item) for item in data["$tuple"])
    if "$set" in data:
        return {_decode(item) for item in data["$set"]}
    if "$dict" in data:
        return {_decode(k): _decode(v) for k, v in data["$dict"]}
    kind = KNOWN.get(data.get("$enum") or data.get("$dc") or "")
    if kind is None:
        raise InvalidValueError("the undo history holds something this version does not know")
    if issubclass(kind, Enum):
        return kind(data["v"])
    return kind(**{name: _decode(value) for name, value in data["f"].items()})


def dumps(entries: list[Change]) -> str:
    """The journal's text: the last :data:`KEEP` changes, oldest first."""
    kept = entries[-KEEP:]
    return json.dumps({"format": FORMAT, "changes": [_encode(change) for change in kept]})


def loads(text: str) -> list[Change]:
    """The changes of a journal, oldest first; a message if it cannot be read."""
    try:
        data = json.loads(text)
    except ValueError:
        raise InvalidValueError("the undo history is damaged; nothing was undone") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidValueError("the undo history was written by another version")
    try:
        return [cast(Change, _decode(item)) for item in data.get("changes", [])]
    except (KeyError, TypeError, ValueError) as error:
        message = f"the undo history is damaged ({error}); nothing was undone"
        raise InvalidValueError(message) from None
