"""BibTeX: one ``@misc`` per paper, LaTeX special characters escaped.

Values are brace-delimited; every brace, backslash and special character of the text is
escaped, so a value's braces always balance and LaTeX prints the text as it is. URLs
are written as they are (the ``url`` package reads them verbatim), with braces and
spaces percent-encoded.
"""

from __future__ import annotations

import re

from readinglist.core.exchange.bundle import ExportOptions, LibraryExport
from readinglist.core.exchange.keys import citation_keys
from readinglist.core.exchange.text import abstract_page, urls_of, year_of
from readinglist.core.models import LinkKind, Paper, Priority, ReadStatus

_LATEX = {
    "\\": r"\textbackslash{}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
# Pairs TeX turns into one character ("--" is a dash, "``" a quote, "?`" is "¿"): an
# empty group between them keeps both characters.
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=[?!])(?=`)")
# BibTeX counts braces even when escaped, so \{ and \} are used only when they pair up.
_BALANCED = {"{": r"\{", "}": r"\}"}
_UNBALANCED = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += 1 if ch == "{" else -1 if ch == "}" else 0
        if depth < 0:
            return False
    return depth == 0


def escape_latex(text: str) -> str:
    """Text as LaTeX prints it back; white space collapsed (a field is one line)."""
    value = " ".join(text.split())
    braces = _BALANCED if _balanced(value) else _UNBALANCED
    escaped = "".join(_LATEX.get(ch) or braces.get(ch) or ch for ch in value)
    return _LIGATURE.sub("{}", escaped)


def _author(name: str) -> str:
    """One name; braced when a comma or "and" inside would split or turn it around."""
    value = escape_latex(name)
    if "," in value or " and " in f" {value.lower()} ":
        return "{" + value + "}"
    return value


def _url(url: str) -> str:
    return url.replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


# The reader's own fields, where no bibliography style prints them: JabRef's special
# fields (its "read status", "ranking" and "priority" columns) and ``annote`` for notes.
_READSTATUS = {ReadStatus.READ: "read", ReadStatus.SKIMMED: "skimmed"}
_PRIORITY = {Priority.HIGH: "prio1", Priority.MEDIUM: "prio2", Priority.LOW: "prio3"}


def _private(paper: Paper) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    if paper.status in _READSTATUS:
        fields.append(("readstatus", _READSTATUS[paper.status]))
    if paper.rating:
        fields.append(("ranking", f"rank{paper.rating}"))
    if paper.priority in _PRIORITY:
        fields.append(("priority", _PRIORITY[paper.priority]))
    if paper.notes.strip():
        fields.append(("annote", escape_latex(paper.notes)))
    return fields


def entry(paper: Paper, key: str) -> str:
    """An ``@misc`` with only what the library knows: no year without an arXiv id (the
    day it was added is ``urldate``), the paper's page as ``url`` (the code is
    ``code``), and for arXiv papers what Better BibTeX writes (eprint, DOI, number)."""
    fields: list[tuple[str, str]] = [("title", "{" + escape_latex(paper.title) + "}")]
    if paper.authors:
        fields.append(("author", " and ".join(_author(a) for a in paper.authors)))
    else:  # natbib's author-year styles sort and label by ``key`` when there is no author
        fields.append(("key", escape_latex(paper.title)))
    year = year_of(paper)
    if year is not None:
        fields.append(("year", str(year)))
    if paper.abstract:
        fields.append(("abstract", escape_latex(paper.abstract)))
    if paper.arxiv_id:
        arxiv = escape_latex(paper.arxiv_id)
        fields += [
            ("eprint", arxiv),
            ("eprinttype", "arxiv"),
            ("archiveprefix", "arXiv"),
            ("doi", f"10.48550/arXiv.{arxiv}"),
            ("number", f"arXiv:{arxiv}"),
        ]
    page = abstract_page(paper)
    if page is not None:
        fields.append(("url", _url(page)))
        fields.append(("urldate", paper.added_at.date().isoformat()))
    code = urls_of(paper, LinkKind.CODE)
    if code:
        fields.append(("code", _url(code[0])))
    if paper.tags:
        fields.append(("keywords", escape_latex(", ".join(paper.tags))))
    fields += _private(paper)
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


def render(data: LibraryExport, options: ExportOptions) -> str:
    keys = citation_keys(data.papers)
    return "\n".join(entry(paper, keys[paper.id]) for paper in data.papers)
