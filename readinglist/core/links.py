"""Find, clean and classify the URLs in a paper abstract.

Digest abstracts are scraped text: URLs run into full stops, closing brackets and LaTeX
residue such as ``\\url{X}`` or ``X{X}``. Everything here is plain string scanning with
regular expressions that cannot backtrack catastrophically, so any text (including
hostile or fuzzed input) is handled in linear time and nothing ever raises.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass

from readinglist.core.models import Link, LinkKind

__all__ = ["classify_url", "extract_links", "is_openable_url"]

# Characters that end a URL. Besides the ASCII ones, this covers C0/C1 controls,
# zero-width and bidi format characters, curly quotes and CJK/full-width punctuation,
# which scraped abstracts glue onto URLs but no real URL in an abstract contains.
_STOP_CLASS = (
    r"\s<>\"'`{}\\|\^"
    r"\x00-\x1f\x7f-\x9f\u00ab\u00bb"
    r"\u200b-\u200f\u2018-\u201f\u2028-\u202f\u2060-\u206f\ufeff"
    r"\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
)

# One candidate: a scheme, or (not glued to a word, dot, slash or e-mail) a "www." host
# or a bare mention of a well-known host, then everything up to a stop character.
# "(?ai:...)" keeps case-insensitivity ASCII-only, so "httpſ://" or a dotless "ı" in
# "gıthub.com" is never taken for a scheme or host. The greedy class at the end has
# nothing after it to backtrack into, so matching is linear.
_CANDIDATE_RE = re.compile(
    r"(?:(?P<scheme>(?ai:https?://))"
    r"|(?<![\w.@/-])(?ai:www\.|(?:github\.com|gitlab\.com|huggingface\.co|arxiv\.org)/))"
    rf"[^{_STOP_CLASS}]*"
)

# scheme, authority, then the rest (path, query, fragment). Linear: the authority class
# cannot overlap the rest's first character.
_URL_RE = re.compile(r"(?ai:(?P<scheme>https?))://(?P<authority>[^/?#]*)(?P<rest>.*)", re.DOTALL)

# Characters that may not appear anywhere in a URL handed to a browser (besides
# whitespace and control/format characters, checked by category).
_UNSAFE_CHARS = frozenset('<>"`{}\\|^')
_REJECTED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})

_TRAILING_PUNCTUATION = frozenset(".,;:!?'\"*")
_CLOSER_TO_OPENER = {")": "(", "]": "["}

_MAX_PORT = 65535
_MAX_HOST_LENGTH = 253  # DNS limits (RFC 1035)
_MAX_LABEL_LENGTH = 63

_CODE_HOSTS = frozenset({"github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "gitee.com"})

# First path segments that are site pages, not users or organisations.
_RESERVED_FIRST_SEGMENTS: dict[str, frozenset[str]] = {
    "github.com": frozenset(
        {
            "about",
            "account",
            "apps",
            "blog",
            "codespaces",
            "collections",
            "contact",
            "customer-stories",
            "dashboard",
            "education",
            "enterprise",
            "events",
            "explore",
            "features",
            "git-guides",
            "issues",
            "join",
            "login",
            "logout",
            "marketplace",
            "new",
            "notifications",
            "orgs",
            "organizations",
            "pricing",
            "pulls",
            "readme",
            "search",
            "security",
            "settings",
            "site",
            "solutions",
            "sponsors",
            "team",
            "topics",
            "trending",
            "users",
        }
    ),
    "gitlab.com": frozenset(
        {"-", "admin", "dashboard", "explore", "groups", "help", "projects", "search", "users"}
    ),
    "bitbucket.org": frozenset({"account", "dashboard", "product", "repo", "site"}),
    "codeberg.org": frozenset({"explore", "user", "org", "repo", "admin"}),
    "gitee.com": frozenset({"explore", "help", "organizations", "enterprises", "login"}),
}

_NAME_RE = re.compile(r"[A-Za-z0-9_.-]+")

_HUGGINGFACE_HOSTS = frozenset({"huggingface.co", "hf.co"})
_ARXIV_HOSTS = frozenset({"arxiv.org", "export.arxiv.org"})
_DOI_HOSTS = frozenset({"doi.org", "dx.doi.org"})
# Matched with their subdomains (m.youtube.com, mobile.twitter.com, ...).
_OTHER_DOMAINS = (
    "youtube.com",
    "youtu.be",
    "twitter.com",
    "x.com",
    "linkedin.com",
    "colab.research.google.com",
    "drive.google.com",
    "docs.google.com",
    "openreview.net",
    "paperswithcode.com",
)


@dataclass(frozen=True, slots=True)
class _Parts:
    """A split http(s) URL; ``host`` is as written (not lowercased), without the port."""

    scheme: str
    authority: str
    host: str
    path: str
    tail: str  # "?query#fragment", possibly empty


def extract_links(text: str) -> tuple[Link, ...]:
    """Every openable URL in ``text``, cleaned and classified, first spelling first.

    Duplicates (same scheme and host ignoring case, same path ignoring a trailing
    slash) are dropped, which also folds LaTeX residue like ``X{X}`` into one link.
    """
    links: list[Link] = []
    seen: set[tuple[str, str, str, str]] = set()
    for match in _CANDIDATE_RE.finditer(text):
        candidate = match.group(0)
        if match.group("scheme") is None:
            candidate = "https://" + candidate
        url = _strip_trailing(candidate)
        parts = _parse_openable(url)
        # A one-label host ("https://a", "http://localhost") is never a link a reader
        # of an abstract wants.
        if parts is None or ("." not in parts.host and not parts.host.startswith("[")):
            continue
        key = (
            parts.scheme.lower(),
            parts.authority.lower(),
            parts.path.rstrip("/"),
            parts.tail,
        )
        if key in seen:
            continue
        seen.add(key)
        links.append(_classify(url, parts))
    return tuple(links)


def classify_url(url: str) -> Link:
    """Classify one clean URL; a scheme-less one is read as https.

    Anything that is not an openable URL becomes OTHER with an empty host, so callers
    never get a code or project link they could not open.
    """
    parts = _parse_openable(url) or _parse_openable("https://" + url)
    if parts is None:
        return Link(url=url, kind=LinkKind.OTHER, host="")
    return _classify(url, parts)


def is_openable_url(url: str) -> bool:
    """True only for a well-formed http(s) URL with a valid host.

    Used before handing a URL to a browser, so it is strict: no other scheme, no
    user-info (``https://good.com@evil.com``), no whitespace, control or invisible
    format characters, and no characters that must be percent-encoded.
    """
    return _parse_openable(url) is not None


def _strip_trailing(url: str) -> str:
    """Drop sentence punctuation and unbalanced closing brackets from the end.

    Bracket counts are kept incrementally so a long run of ``)`` stays linear.
    """
    opened = {opener: url.count(opener) for opener in _CLOSER_TO_OPENER.values()}
    closed = {closer: url.count(closer) for closer in _CLOSER_TO_OPENER}
    end = len(url)
    while end:
        char = url[end - 1]
        if char in _TRAILING_PUNCTUATION:
            end -= 1
            continue
        opener = _CLOSER_TO_OPENER.get(char)
        if opener is not None and closed[char] > opened[opener]:
            closed[char] -= 1
            end -= 1
            continue
        break
    return url[:end]


def _parse_openable(url: str) -> _Parts | None:
    """Split ``url`` if it is safe to open, else None."""
    for char in url:
        if char in _UNSAFE_CHARS or unicodedata.category(char) in _REJECTED_CATEGORIES:
            return None
    parts = _split(url)
    if parts is None or "@" in parts.authority or not _valid_host(parts.host):
        return None
    return parts


def _split(url: str) -> _Parts | None:
    """Split an http(s) URL into its parts; None if it has no well-formed authority."""
    match = _URL_RE.fullmatch(url)
    if match is None:
        return None
    authority = match.group("authority")
    host, port = _split_port(authority)
    if host is None or (port is not None and not _valid_port(port)):
        return None
    rest = match.group("rest")
    cut = len(rest)
    for separator in "?#":
        index = rest.find(separator)
        if index != -1:
            cut = min(cut, index)
    return _Parts(
        scheme=match.group("scheme"),
        authority=authority,
        host=host,
        path=rest[:cut],
        tail=rest[cut:],
    )


def _split_port(authority: str) -> tuple[str | None, str | None]:
    """(host, port) of an authority; host None when the brackets/colons do not parse."""
    if authority.startswith("["):
        close = authority.find("]")
        if close == -1:
            return None, None
        host, after = authority[: close + 1], authority[close + 1 :]
        if not after:
            return host, None
        if not after.startswith(":"):
            return None, None
        return host, after[1:]
    host, colon, port = authority.partition(":")
    return host, (port if colon else None)


def _valid_port(port: str) -> bool:
    return port.isascii() and port.isdigit() and len(port) <= 5 and int(port) <= _MAX_PORT


def _valid_host(host: str) -> bool:
    """A bracketed IPv6 literal, or a DNS-sized host of letters, digits, ``-`` and ``_``."""
    if host.startswith("["):
        if not host.endswith("]"):
            return False
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return False
        return True
    if len(host) > _MAX_HOST_LENGTH:
        return False
    return all(
        0 < len(label) <= _MAX_LABEL_LENGTH
        and all(char.isalnum() or char in "-_" for char in label)
        for label in host.split(".")
    )


def _normalised_host(host: str) -> str:
    host = host.lower()
    return host.removeprefix("www.")


def _classify(url: str, parts: _Parts) -> Link:
    """Decide the kind from the host (and the path for code hosts and PDFs)."""
    host = _normalised_host(parts.host)
    if host in _CODE_HOSTS:
        owner_repo = _owner_repo(host, parts.path)
        if owner_repo is None:
            return Link(url=url, kind=LinkKind.OTHER, host=host)
        owner, repo = owner_repo
        return Link(url=url, kind=LinkKind.CODE, host=host, owner=owner, repo=repo)
    if host in _HUGGINGFACE_HOSTS:
        return Link(url=url, kind=LinkKind.HUGGINGFACE, host=host)
    if host in _ARXIV_HOSTS:
        return Link(url=url, kind=LinkKind.ARXIV, host=host)
    if host in _DOI_HOSTS:
        return Link(url=url, kind=LinkKind.DOI, host=host)
    if _is_other_domain(host) or parts.path.lower().endswith(".pdf"):
        return Link(url=url, kind=LinkKind.OTHER, host=host)
    return Link(url=url, kind=LinkKind.PROJECT, host=host)


def _owner_repo(host: str, path: str) -> tuple[str, str] | None:
    """Owner and repository from the first two path segments, or None for site pages."""
    segments = [segment for segment in path.split("/") if segment]
    if len(segments) < 2:  # owner and repo
        return None
    owner, repo = segments[0], segments[1].removesuffix(".git")
    if owner.lower() in _RESERVED_FIRST_SEGMENTS.get(host, frozenset()):
        return None
    if not _NAME_RE.fullmatch(owner) or not _NAME_RE.fullmatch(repo) or repo in {".", ".."}:
        return None
    return owner, repo


def _is_other_domain(host: str) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in _OTHER_DOMAINS)
