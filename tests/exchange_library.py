"""A library built from the real digest and made rich: what the exchange tests export.

Papers gain Hugging Face metadata (authors, arXiv ids, upvotes, a repository), statuses,
ratings, priorities, tags with colours, notes, lists and a saved search; a BibTeX file
adds papers with structured names and bibliographic facts; one extra paper has a title
made of everything a spreadsheet, LaTeX or a browser could misread.
"""

from __future__ import annotations

import json
from pathlib import Path

from readinglist.app_context import OpenLibrary, open_library
from readinglist.core.digest_parser import render_digest
from readinglist.core.models import ParsedPaper, Priority, ReadStatus

HOSTILE_TITLE = "=cmd|' /C calc'!A0 <script>alert(1)</script> {50% off} & $5 #1 a_b ^c ~d \\e --f"
HOSTILE_NOTES = '+1 "quoted", <b>bold</b> & \\textbf{x} -- `tick`\nline two @SUM(A1)'
HF_PAPERS = 30
# The reader's recorded time on a few papers (152h53m): private, in no bibliography.
PRIVATE_MINUTES = 9173
# Papers a reference manager knows more about: structured names (particles, a suffix,
# an organisation), a venue with volume, number and pages, a DOI, dates as precise as
# day, month or year, an arXiv preprint from Google Scholar, an author-less report and
# a title full of LaTeX.
REFERENCES_BIB = r"""
@inproceedings{vaswani2017attention,
  title = {Attention Is All You Need},
  author = {Vaswani, Ashish and Shazeer, Noam and van der Maaten, Laurens and
            Doe, Jr., John and {Google Brain}},
  booktitle = {Advances in Neural Information Processing Systems},
  volume = {30}, pages = {5998--6008}, publisher = {Curran Associates, Inc.},
  year = 2017, month = dec,
  eprint = {1706.03762}, archivePrefix = {arXiv}, primaryClass = {cs.CL},
  keywords = {attention, transformers}, note = {Oral presentation},
}
@article{lecun1998gradient,
  title = {Gradient-Based Learning Applied to Document Recognition},
  author = {LeCun, Yann and Bottou, L{\'e}on and Bengio, Yoshua and Haffner, Patrick},
  journal = {Proceedings of the IEEE}, volume = {86}, number = {11}, pages = {2278--2324},
  year = {1998}, month = nov, doi = {10.1109/5.726791}, publisher = {IEEE},
}
@inproceedings{he2016deep,
  title = {Deep Residual Learning for Image Recognition},
  author = {Kaiming He and Xiangyu Zhang and Shaoqing Ren and Jian Sun},
  booktitle = {Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition},
  pages = {770--778}, date = {2016-06-27}, doi = {10.1109/CVPR.2016.90},
}
@article{muller2020scholar,
  title = {Schr{\"o}dinger's {BERT}: \emph{{\"U}ber}-Attention \& 50\% Fewer $\alpha$ Heads},
  author = {M{\"u}ller, J{\"o}rg and {\'E}mile Zola},
  journal = {arXiv preprint arXiv:2003.12345},
  year = {2020},
}
@techreport{wmt2014findings,
  title = {Findings of the 2014 Workshop on Statistical Machine Translation},
  institution = {ACL}, year = {2014},
}
"""
REFERENCES = 5


def hf_item(title: str, abstract: str, index: int) -> dict[str, object]:
    """One entry of the Hugging Face daily-papers API for a paper of the digest."""
    return {
        "paper": {
            "id": f"2406.{10000 + index:05d}",
            "title": title,
            "summary": abstract,
            "authors": [
                {"name": f"Ada Lovelace{index}", "hidden": False},
                {"name": "José Ñúñez-García"},
                {"name": "Yann van der Berg"},
            ],
            "githubRepo": f"https://github.com/example/repo-{index}" if index % 3 == 0 else None,
            "projectPage": f"https://project-{index}.example.org/" if index % 4 == 0 else "",
            "upvotes": 10 + index,
            "publishedAt": "2024-06-14T00:00:00.000Z",
        },
        "publishedAt": "2024-06-14T00:00:00.000Z",
        "title": title,
        "numComments": 2,
    }


def build_rich_library(folder: Path, digest: Path) -> OpenLibrary:
    opened = open_library(folder)
    library = opened.library
    library.import_bytes(digest.read_bytes(), digest.name)
    papers = library.papers()
    daily = [hf_item(p.title, p.abstract, i) for i, p in enumerate(papers[:HF_PAPERS])]
    library.import_bytes(json.dumps(daily).encode(), "daily_papers.json")
    library.import_bytes(REFERENCES_BIB.encode(), "references.bib")
    hostile = ParsedPaper(
        HOSTILE_TITLE,
        "An abstract with <tags> & entities &amp; in it. It links https://github.com/x/y.",
        0,
    )
    library.import_bytes(render_digest([hostile]).encode(), "hostile.txt")
    ids = [p.id for p in library.papers()]
    statuses = list(ReadStatus)
    for offset, status in enumerate(statuses):
        chosen = ids[offset :: len(statuses)]
        if status is not ReadStatus.UNREAD:
            library.set_status(chosen, status)
    library.set_status(ids[:3], ReadStatus.READING)  # a longer history for some
    library.rate(ids[::5], 4)
    library.set_priority(ids[::7], Priority.HIGH)
    library.tag(ids[:40], add=["3d/gaussian-splatting"])
    library.tag(ids[20:60], add=["to-read", "=formula"])
    library.set_tag_colour("to-read", "#ff8800")
    library.tag([ids[-1]], add=["unused"])
    library.tag([ids[-1]], remove=["unused"])  # a tag no paper has any more
    library.set_notes(ids[0], HOSTILE_NOTES)
    library.set_notes(ids[-1], "# Heading\n\n- [ ] a task with <html>")
    library.time_spent.set([ids[0], ids[9]], PRIVATE_MINUTES)
    library.time_spent.set(ids[1:3], 45)
    library.lists.create("Reading group")
    library.lists.add("Reading group", [ids[9], ids[2], ids[150], ids[-1]])
    library.lists.create("Empty list")
    library.searches.save("Splatting with code", "gaussian splatting has:code")
    return opened
