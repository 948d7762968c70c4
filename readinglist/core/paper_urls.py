"""Where the paper itself is read: its arXiv page or PDF, else its DOI, else its
Hugging Face page. Never a code repository: that is "open code"."""

from __future__ import annotations

from readinglist.core.arxiv import arxiv_url
from readinglist.core.metadata import Field
from readinglist.core.models import Paper


def arxiv_pdf_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/pdf/{arxiv_id}"


def paper_url(paper: Paper, pdf: bool = False) -> str | None:
    """The page (or with ``pdf`` the PDF, where arXiv has one) of the paper; None when no
    source has said where it is."""
    if paper.arxiv_id:
        return arxiv_pdf_url(paper.arxiv_id) if pdf else arxiv_url(paper.arxiv_id)
    if doi := paper.fact(Field.DOI):
        return f"https://doi.org/{doi}"
    return paper.fact(Field.HF_PAGE)
