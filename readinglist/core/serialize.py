"""Plain-dict forms of the domain values, for ``--json`` output and exports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from readinglist.core.models import ImportSummary, Paper, PaperDetails, TagCount


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def paper_to_dict(paper: Paper) -> dict[str, Any]:
    return {
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "status": paper.status.value,
        "priority": paper.priority.value,
        "rating": paper.rating,
        "tags": list(paper.tags),
        "links": [{"url": link.url, "kind": link.kind.value} for link in paper.links],
        "notes": paper.notes,
        "added_at": _time(paper.added_at),
        "first_seen": _time(paper.first_seen),
        "last_seen": _time(paper.last_seen),
        "times_seen": paper.times_seen,
        "authors": list(paper.authors),
        "arxiv_id": paper.arxiv_id,
        "upvotes": paper.upvotes,
        "published": paper.published,
    }


def facts_to_dict(paper: Paper) -> dict[str, Any]:
    """Each fact with its source and time, and the authors' structure where known."""
    return {
        "facts": {
            fact.name.value: {
                "value": fact.value,
                "source": fact.source.value,
                "recorded_at": _time(fact.recorded_at),
            }
            for fact in paper.meta
        },
        "author_names": [
            {"name": n.name, "family": n.family, "given": n.given, "suffix": n.suffix}
            for n in paper.people
        ],
        "cite_key": paper.cite_key,
    }


def details_to_dict(details: PaperDetails) -> dict[str, Any]:
    data = paper_to_dict(details.paper)
    data.update(facts_to_dict(details.paper))
    data["updated_at"] = _time(details.paper.updated_at)
    spent = details.paper.time_spent  # the reader's own: in show --json, never in exports
    data["time_spent"] = (
        None
        if spent is None
        else {"minutes": spent.minutes, "recorded_at": _time(spent.recorded_at)}
    )
    data["status_history"] = [
        {"status": change.status.value, "changed_at": _time(change.changed_at)}
        for change in details.status_history
    ]
    data["appearances"] = [
        {
            "digest_id": seen.digest_id,
            "source_name": seen.source_name,
            "imported_at": _time(seen.imported_at),
            "position": seen.position,
        }
        for seen in details.appearances
    ]
    return data


def tag_to_dict(tag: TagCount) -> dict[str, Any]:
    return {"name": tag.name, "count": tag.count, "colour": tag.colour}


def summary_to_dict(summary: ImportSummary) -> dict[str, Any]:
    return {
        "source": summary.source_name,
        "digest_id": summary.digest_id,
        "new": summary.new,
        "already_present": summary.already_present,
        "new_ids": list(summary.new_ids),
        "warnings": [{"line": w.line, "message": w.message} for w in summary.warnings],
        "code_links": summary.code_links,
        "project_pages": summary.project_pages,
        "abstracts_added": list(summary.abstracts_added),
        "abstracts_changed": list(summary.abstracts_changed),
        "links_added": summary.links_added,
    }
