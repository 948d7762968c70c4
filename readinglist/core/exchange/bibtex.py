"""BibTeX: one entry per paper with only what some source said, LaTeX escaped.

What each field holds and why:

- ``year``/``month`` (and ``date`` when the day is known) only from the publication
  date a source gave (``Field.PUBLISHED``); the day the paper was added to the library
  is when it was read online: ``urldate``, beside ``url``.
- The entry type the source gave, else ``@misc``, as Better BibTeX writes an arXiv
  preprint: ``eprint``, ``eprinttype``, ``archiveprefix``, ``primaryclass`` (when
  known), arXiv's DOI (unless the paper has one of its own) and ``number =
  {arXiv:ID}``; ``url`` is the arXiv abstract page, else the DOI's page, never a code
  repository (that is ``code``, a field no style prints).
- The reader's own state only when asked for (``ExportOptions.private``: a .bib file
  usually goes to coauthors), and then only in fields no style prints: notes in
  ``annote``, status, rating and priority in JabRef's ``readstatus``, ``ranking`` and
  ``priority``, tags in JabRef's ``groups`` (``keywords`` is printed by some styles: it
  holds only the keywords a source gave).
- An entry without authors gets ``key``, which natbib's author-year styles sort and
  label it by.

Values are brace-delimited and escaped (``latex.escape_latex``), so every value's braces
balance and LaTeX prints the text as it is; URLs are written as they are (the ``url``
package reads them verbatim) with braces and spaces percent-encoded. Reading a file
this module wrote (``bibtex_reader``) and writing it again gives the same bytes.
"""

from __future__ import annotations

import re
from typing import Final

from readinglist.core.exchange.bibtex_fields import TEXT_FIELDS, arxiv_doi
from readinglist.core.exchange.bundle import ExportOptions, LibraryExport
from readinglist.core.exchange.dates import MONTH_MACROS
from readinglist.core.exchange.keys import citation_keys
from readinglist.core.exchange.latex import escape_latex
from readinglist.core.exchange.names import bibtex_name
from readinglist.core.exchange.text import doi_of, reference_url, urls_of
from readinglist.core.metadata import Field
from readinglist.core.models import LinkKind, Paper, Priority, ReadStatus

__all__ = ["entry", "escape_latex", "render"]

_READSTATUS: Final = {ReadStatus.READ: "read", ReadStatus.SKIMMED: "skimmed"}
_PRIORITY: Final = {Priority.HIGH: "prio1", Priority.MEDIUM: "prio2", Priority.LOW: "prio3"}
_ENTRY_TYPE: Final = re.compile(r"[a-z]{1,40}")
_VENUE: Final = tuple(
    (name, field) for name, field in TEXT_FIELDS if name not in ("primaryclass", "keywords", "note")
)


def _url(url: str) -> str:
    return url.replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


def entry_type(paper: Paper) -> str:
    kind = (paper.fact(Field.ENTRY_TYPE) or "").lower()
    return kind if _ENTRY_TYPE.fullmatch(kind) else "misc"


def _date(paper: Paper) -> list[tuple[str, str]]:
    published = paper.published
    if published is None:
        return []
    parts = published.split("-")
    fields = [("year", "{" + parts[0] + "}")]
    if len(parts) > 1:
        fields.append(("month", MONTH_MACROS[int(parts[1]) - 1]))  # a macro: styles localise
    if len(parts) > 2:
        fields.append(("date", "{" + published + "}"))  # biblatex keeps the day
    return fields


def _venue(paper: Paper, kind: str) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    for name, field in _VENUE:
        value = paper.fact(field)
        if value is None and field is Field.NUMBER and _preprint(paper, kind):
            value = f"arXiv:{paper.arxiv_id}"  # Better BibTeX's report number
        if value is not None:
            label = _PUBLISHER.get(kind, name) if field is Field.PUBLISHER else name
            fields.append((label, _braced(escape_latex(value, ligatures=field is Field.PAGES))))
    return fields


# Who publishes a report or a thesis has a field of its own (what styles print for them).
_PUBLISHER: Final = {
    "techreport": "institution",
    "phdthesis": "school",
    "mastersthesis": "school",
}


def _preprint(paper: Paper, kind: str) -> bool:
    """An arXiv paper as a preprint: ``@misc``, or ``@article`` without a journal (one
    with a journal has an issue number of its own, not arXiv's)."""
    if not paper.arxiv_id:
        return False
    return kind == "misc" or (kind == "article" and paper.fact(Field.JOURNAL) is None)


def _braced(value: str) -> str:
    return "{" + value + "}"


def _arxiv(paper: Paper) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    doi = doi_of(paper) or (arxiv_doi(paper.arxiv_id) if paper.arxiv_id else None)
    if doi is not None:
        fields.append(("doi", _braced(_url(doi))))
    if paper.arxiv_id:
        arxiv = escape_latex(paper.arxiv_id)
        fields += [("eprint", _braced(arxiv)), ("eprinttype", "{arxiv}")]
        fields.append(("archiveprefix", "{arXiv}"))
    category = paper.fact(Field.PRIMARY_CATEGORY)
    if category is not None:
        fields.append(("primaryclass", _braced(escape_latex(category))))
    return fields


def _tag(tag: str) -> str:
    return escape_latex(tag).replace(",", "{,}")  # a comma would split the group name


def _private(paper: Paper) -> list[tuple[str, str]]:
    """The reader's own state, only where no bibliography style prints it."""
    fields: list[tuple[str, str]] = []
    if paper.tags:
        fields.append(("groups", _braced(", ".join(_tag(tag) for tag in paper.tags))))
    if paper.status in _READSTATUS:
        fields.append(("readstatus", _braced(_READSTATUS[paper.status])))
    if paper.rating:
        fields.append(("ranking", _braced(f"rank{paper.rating}")))
    if paper.priority in _PRIORITY:
        fields.append(("priority", _braced(_PRIORITY[paper.priority])))
    lines = [escape_latex(line) for line in paper.notes.splitlines() if line.strip()]
    if lines:  # a note keeps its lines (never a blank one: that would be a \par)
        fields.append(("annote", _braced("\n    ".join(lines))))
    return fields


def entry(paper: Paper, key: str, private: bool = False) -> str:
    """One entry; see the module docstring for what each field holds (the reader's own
    state only when ``private``)."""
    kind = entry_type(paper)
    fields: list[tuple[str, str]] = [("title", _braced(_braced(escape_latex(paper.title))))]
    if paper.authors:
        fields.append(("author", _braced(" and ".join(bibtex_name(p) for p in paper.people))))
    else:  # natbib's author-year styles sort and label by ``key`` when there is no author
        fields.append(("key", _braced(escape_latex(paper.title))))
    fields += _venue(paper, kind)
    fields += _date(paper)
    fields += _arxiv(paper)
    url = reference_url(paper)
    if url is not None:
        fields.append(("url", _braced(_url(url))))
        fields.append(("urldate", _braced(paper.added_at.date().isoformat())))
    if paper.abstract:
        fields.append(("abstract", _braced(escape_latex(paper.abstract))))
    for name, field in (("keywords", Field.KEYWORDS), ("note", Field.NOTE)):
        value = paper.fact(field)
        if value is not None:
            fields.append((name, _braced(escape_latex(value))))
    code = urls_of(paper, LinkKind.CODE)
    if code:
        fields.append(("code", _braced(_url(code[0]))))
    if private:
        fields += _private(paper)
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@{kind}{{{key},\n{body}\n}}\n"


def render(data: LibraryExport, options: ExportOptions) -> str:
    keys = citation_keys(data.papers)
    return "\n".join(entry(paper, keys[paper.id], options.private) for paper in data.papers)
