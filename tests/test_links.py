"""Tests for readinglist.core.links: extraction, cleaning, classification, safety."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readinglist.core.links import classify_url, extract_links, is_openable_url
from readinglist.core.models import Link, LinkKind
from tests.helpers import ROBUSTNESS_DEADLINE_MS, robustness_examples, shared_digest_path

CODE = LinkKind.CODE
PROJECT = LinkKind.PROJECT
HF = LinkKind.HUGGINGFACE
ARXIV = LinkKind.ARXIV
DOI = LinkKind.DOI
OTHER = LinkKind.OTHER

Row = tuple[str, LinkKind, str | None, str | None]

# (text, expected links as (url, kind, owner, repo)), in order.
EXTRACTION_CASES: list[tuple[str, list[Row]]] = [
    # Required cases from a real digest.
    (
        "https://github.com/OliverRensu/SG-Former{https://github.com/OliverRensu/SG-Former}",
        [("https://github.com/OliverRensu/SG-Former", CODE, "OliverRensu", "SG-Former")],
    ),
    (
        "https://github.com/skyhehe123/ScatterFormer{https://github.com/skyhehe123/ScatterFormer}.",
        [("https://github.com/skyhehe123/ScatterFormer", CODE, "skyhehe123", "ScatterFormer")],
    ),
    (
        "(available at https://github.com/NVlabs/gbrl). GBRL expands",
        [("https://github.com/NVlabs/gbrl", CODE, "NVlabs", "gbrl")],
    ),
    (
        "The code is available at https://github.com/itsmag11/Omegance.",
        [("https://github.com/itsmag11/Omegance", CODE, "itsmag11", "Omegance")],
    ),
    (
        "Code is available at https://github.com/google/automl/tree/master/efficientdet.",
        [("https://github.com/google/automl/tree/master/efficientdet", CODE, "google", "automl")],
    ),
    (
        "The project page: https://zhao-yian.github.io/GraCo.",
        [("https://zhao-yian.github.io/GraCo", PROJECT, None, None)],
    ),
    (
        "See https://huggingface.co/ibm-granite/ for model weights",
        [("https://huggingface.co/ibm-granite/", HF, None, None)],
    ),
    (
        "The code is available at https://github.com/tenvence/afa/.",
        [("https://github.com/tenvence/afa/", CODE, "tenvence", "afa")],
    ),
    ("page is at http://shacira.github.io .", [("http://shacira.github.io", PROJECT, None, None)]),
    (
        "The homepage link is https://msra-nuwa.azurewebsites.net/",
        [("https://msra-nuwa.azurewebsites.net/", PROJECT, None, None)],
    ),
    (
        "models are available on https://mmcheng.net/res2net/.",
        [("https://mmcheng.net/res2net/", PROJECT, None, None)],
    ),
    # Our own cases.
    (
        "as in https://en.wikipedia.org/wiki/Foo_(bar).",
        [("https://en.wikipedia.org/wiki/Foo_(bar)", PROJECT, None, None)],
    ),
    (
        "(see https://en.wikipedia.org/wiki/Foo_(bar))",
        [("https://en.wikipedia.org/wiki/Foo_(bar)", PROJECT, None, None)],
    ),
    (
        r"Code: \url{https://github.com/a-b/c_d}.",
        [("https://github.com/a-b/c_d", CODE, "a-b", "c_d")],
    ),
    (
        r"Code at \href{https://github.com/a/b}{https://github.com/a/b}, enjoy.",
        [("https://github.com/a/b", CODE, "a", "b")],
    ),
    (
        r"See \href{https://lab.example.org/proj}{our page}.",
        [("https://lab.example.org/proj", PROJECT, None, None)],
    ),
    (
        "Code is at github.com/owner/repo.",
        [("https://github.com/owner/repo", CODE, "owner", "repo")],
    ),
    (
        "Clone https://github.com/owner/repo.git and run.",
        [("https://github.com/owner/repo.git", CODE, "owner", "repo")],
    ),
    (
        "HTTPS://GitHub.com/Owner/Repo",
        [("HTTPS://GitHub.com/Owner/Repo", CODE, "Owner", "Repo")],
    ),
    (
        "Paper: https://example.org/files/paper.pdf.",
        [("https://example.org/files/paper.pdf", OTHER, None, None)],
    ),
    ("Author: https://github.com/someone.", [("https://github.com/someone", OTHER, None, None)]),
    (
        "See https://github.com/features/copilot and https://github.com/orgs/x/repos.",
        [
            ("https://github.com/features/copilot", OTHER, None, None),
            ("https://github.com/orgs/x/repos", OTHER, None, None),
        ],
    ),
    (
        "Published as https://doi.org/10.1000/xyz123; preprint at https://arxiv.org/abs/2401.01234.",
        [
            ("https://doi.org/10.1000/xyz123", DOI, None, None),
            ("https://arxiv.org/abs/2401.01234", ARXIV, None, None),
        ],
    ),
    (
        "see arxiv.org/abs/2401.01234, also",
        [("https://arxiv.org/abs/2401.01234", ARXIV, None, None)],
    ),
    (
        "Our code, https://gitlab.com/grp/tool, is open.",
        [("https://gitlab.com/grp/tool", CODE, "grp", "tool")],
    ),
    (
        "Project https://proj.github.io/x/ and code https://github.com/o/r.",
        [
            ("https://proj.github.io/x/", PROJECT, None, None),
            ("https://github.com/o/r", CODE, "o", "r"),
        ],
    ),
    (
        "https://x.io/a/ then https://x.io/a and HTTPS://X.IO/a/ again",
        [("https://x.io/a/", PROJECT, None, None)],
    ),
    ("Visit www.example.com/demo!", [("https://www.example.com/demo", PROJECT, None, None)]),
    (
        "Video: https://www.youtube.com/watch?v=abc.",
        [("https://www.youtube.com/watch?v=abc", OTHER, None, None)],
    ),
    (
        "Weights on https://hf.co/org/model and https://huggingface.co/spaces/a/b",
        [
            ("https://hf.co/org/model", HF, None, None),
            ("https://huggingface.co/spaces/a/b", HF, None, None),
        ],
    ),
    (
        'See "https://x.org/a" or <https://y.org/b> or `https://z.org/c`',
        [
            ("https://x.org/a", PROJECT, None, None),
            ("https://y.org/b", PROJECT, None, None),
            ("https://z.org/c", PROJECT, None, None),
        ],
    ),
    (
        "[link](https://github.com/a/b)",
        [("https://github.com/a/b", CODE, "a", "b")],
    ),
    ("no links here, just e.g. words.", []),
    ("mail me at me@github.com/foo", []),
    ("broken http:// and https://. and http:///path", []),
]


@pytest.mark.parametrize(("text", "expected"), EXTRACTION_CASES)
def test_extract_links_table(text: str, expected: list[Row]) -> None:
    links = extract_links(text)
    assert [(link.url, link.kind, link.owner, link.repo) for link in links] == expected


def test_host_is_lowercased_without_www() -> None:
    (link,) = extract_links("at https://WWW.GitHub.com/Owner/Repo.")
    assert link == Link(
        url="https://WWW.GitHub.com/Owner/Repo",
        kind=CODE,
        host="github.com",
        owner="Owner",
        repo="Repo",
    )


@pytest.mark.parametrize(
    ("url", "kind", "host", "owner", "repo"),
    [
        ("https://github.com/o/r", CODE, "github.com", "o", "r"),
        ("https://bitbucket.org/o/r.git", CODE, "bitbucket.org", "o", "r"),
        ("https://codeberg.org/o/r/src/branch/main", CODE, "codeberg.org", "o", "r"),
        ("https://gitee.com/o/r", CODE, "gitee.com", "o", "r"),
        ("https://github.com/sponsors/someone", OTHER, "github.com", None, None),
        ("https://github.com/topics/deep-learning", OTHER, "github.com", None, None),
        ("https://github.com/o/.git", OTHER, "github.com", None, None),
        ("https://github.com", OTHER, "github.com", None, None),
        ("https://lab.github.io/proj", PROJECT, "lab.github.io", None, None),
        ("https://group.gitlab.io/proj", PROJECT, "group.gitlab.io", None, None),
        ("https://export.arxiv.org/abs/1", ARXIV, "export.arxiv.org", None, None),
        ("https://dx.doi.org/10.1/x", DOI, "dx.doi.org", None, None),
        ("https://youtu.be/abc", OTHER, "youtu.be", None, None),
        ("https://twitter.com/someone", OTHER, "twitter.com", None, None),
        ("https://x.com/someone", OTHER, "x.com", None, None),
        ("https://www.linkedin.com/in/someone", OTHER, "linkedin.com", None, None),
        (
            "https://colab.research.google.com/drive/1",
            OTHER,
            "colab.research.google.com",
            None,
            None,
        ),
        ("https://drive.google.com/file/d/1", OTHER, "drive.google.com", None, None),
        ("https://docs.google.com/document/d/1", OTHER, "docs.google.com", None, None),
        ("https://openreview.net/forum?id=abc", OTHER, "openreview.net", None, None),
        ("https://paperswithcode.com/paper/x", OTHER, "paperswithcode.com", None, None),
        ("https://lab.example.edu/paper.PDF", OTHER, "lab.example.edu", None, None),
        ("https://site.azurewebsites.net/", PROJECT, "site.azurewebsites.net", None, None),
        ("https://example.com:8080/x", PROJECT, "example.com", None, None),
    ],
)
def test_classify_url(
    url: str, kind: LinkKind, host: str, owner: str | None, repo: str | None
) -> None:
    assert classify_url(url) == Link(url=url, kind=kind, host=host, owner=owner, repo=repo)


@pytest.mark.parametrize("url", ["not a url", "javascript:alert(1)", "https://", ""])
def test_classify_url_junk_is_other_without_host(url: str) -> None:
    assert classify_url(url) == Link(url=url, kind=OTHER, host="")


def test_classify_url_reads_scheme_less_as_https() -> None:
    assert classify_url("github.com/o/r") == Link(
        url="github.com/o/r", kind=CODE, host="github.com", owner="o", repo="r"
    )


def test_only_one_www_prefix_is_dropped_from_host() -> None:
    assert classify_url("https://www.www.example.com/").host == "www.example.com"


def test_overlong_host_is_not_extracted() -> None:
    assert extract_links("https://" + "a" * 64 + ".com/x") == ()
    assert extract_links("https://" + "a." * 127 + "com/x") == ()
    assert len(extract_links("https://" + "a" * 63 + ".com/x")) == 1


# --------------------------------------------------------------------------- digest


# Every URL of the shared digest, in file order, as a reader expects it.
EXPECTED_DIGEST_LINKS: list[tuple[str, str, str | None, str | None]] = [
    (
        "https://github.com/hardyho/ultrametric_feature_fields",
        "code",
        "hardyho",
        "ultrametric_feature_fields",
    ),
    ("https://zhao-yian.github.io/GraCo", "project", None, None),
    ("https://github.com/itsmag11/Omegance", "code", "itsmag11", "Omegance"),
    ("https://github.com/rayleizhu/GLMix", "code", "rayleizhu", "GLMix"),
    ("https://github.com/AILab-CVC/SEED-X", "code", "AILab-CVC", "SEED-X"),
    ("https://github.com/WongKinYiu/yolov9", "code", "WongKinYiu", "yolov9"),
    ("https://ivl.cs.brown.edu/research/turbo-gs", "project", None, None),
    ("https://github.com/Shiweiliuiiiiiii/GraNet", "code", "Shiweiliuiiiiiii", "GraNet"),
    ("https://jumpat.github.io/SAGA", "project", None, None),
    ("https://github.com/ryime/PDSG-SDA", "code", "ryime", "PDSG-SDA"),
    ("https://github.com/RunpeiDong/DGMS", "code", "RunpeiDong", "DGMS"),
    (
        "https://github.com/WongKinYiu/CrossStagePartialNetworks",
        "code",
        "WongKinYiu",
        "CrossStagePartialNetworks",
    ),
    ("https://eververas.github.io/SAGS/", "project", None, None),
    ("https://hse1032.github.io/gsgan", "project", None, None),
    ("https://github.com/OliverRensu/SG-Former", "code", "OliverRensu", "SG-Former"),
    ("https://lightgaussian.github.io/", "project", None, None),
    ("https://scaling-diffusion-perception.github.io", "project", None, None),
    ("https://efficientgaussian.github.io", "project", None, None),
    (
        "https://github.com/liuxuannan/Stochastic-Gradient-Aggregation",
        "code",
        "liuxuannan",
        "Stochastic-Gradient-Aggregation",
    ),
    ("https://github.com/bo-miao/SgMg", "code", "bo-miao", "SgMg"),
    ("https://github.com/iSEE-Laboratory/ASAG", "code", "iSEE-Laboratory", "ASAG"),
    ("https://github.com/thu-ml/SageAttention", "code", "thu-ml", "SageAttention"),
    ("https://github.com/zwt233/DGMLP", "code", "zwt233", "DGMLP"),
    ("https://fraunhoferhhi.github.io/Self-Organizing-Gaussians/", "project", None, None),
    ("https://pz0826.github.io/GAGS-Webpage/", "project", None, None),
    ("https://gsgen3d.github.io", "project", None, None),
    ("https://github.com/gsgen3d/gsgen", "code", "gsgen3d", "gsgen"),
    ("https://3dgs-flod.github.io/flod.github.io/", "project", None, None),
    ("https://github.com/nyu-systems/Grendel-GS", "code", "nyu-systems", "Grendel-GS"),
    ("https://github.com/yeliudev/CATNet", "code", "yeliudev", "CATNet"),
    ("https://seokhunchoi.github.io/Click-Gaussian", "project", None, None),
    ("https://github.com/clovaai/AdamP", "code", "clovaai", "AdamP"),
    ("https://github.com/NVlabs/gbrl", "code", "NVlabs", "gbrl"),
    ("https://msra-nuwa.azurewebsites.net/", "project", None, None),
    ("https://huggingface.co/ibm-granite/", "huggingface", None, None),
    ("https://github.com/jyqi/GiraffeDet", "code", "jyqi", "GiraffeDet"),
    ("https://dekuliutesla.github.io/CityGaussianV2/", "project", None, None),
    ("https://github.com/ucbdrive/dla", "code", "ucbdrive", "dla"),
    ("https://jixuan-fan.github.io/Momentum-GS_Page/", "project", None, None),
    ("https://sai-bi.github.io/project/gs-lrm/", "project", None, None),
    ("https://github.com/skyhehe123/ScatterFormer", "code", "skyhehe123", "ScatterFormer"),
    (
        "https://github.com/guanxiongsun/video_feature_enhancement",
        "code",
        "guanxiongsun",
        "video_feature_enhancement",
    ),
    ("https://github.com/rongyaofang/PUMA", "code", "rongyaofang", "PUMA"),
    (
        "https://github.com/Jiamian-Wang/Iterative-Soft-Shrinkage-SR",
        "code",
        "Jiamian-Wang",
        "Iterative-Soft-Shrinkage-SR",
    ),
    ("https://github.com/NVlabs/COAT", "code", "NVlabs", "COAT"),
    ("https://github.com/james-oldfield/MMoE", "code", "james-oldfield", "MMoE"),
    ("https://github.com/AlaaAnani/adaptive-certify", "code", "AlaaAnani", "adaptive-certify"),
    ("https://github.com/Sense-X/AGVM", "code", "Sense-X", "AGVM"),
    ("https://snap-research.github.io/hpdm", "project", None, None),
    ("https://github.com/NYUSHCS/GraphFM", "code", "NYUSHCS", "GraphFM"),
    ("https://github.com/Paranioar/UniPT", "code", "Paranioar", "UniPT"),
    ("https://github.com/PaddlePaddle/Paddle", "code", "PaddlePaddle", "Paddle"),
    ("https://github.com/PKU-DAIR/Hetu", "code", "PKU-DAIR", "Hetu"),
    ("https://github.com/tenvence/afa/", "code", "tenvence", "afa"),
    ("https://github.com/XavierJiezou/Cloud-Adapter", "code", "XavierJiezou", "Cloud-Adapter"),
    (
        "https://github.com/graphcore-research/jax-scalify",
        "code",
        "graphcore-research",
        "jax-scalify",
    ),
    ("https://github.com/gayanku/SCGC", "code", "gayanku", "SCGC"),
    ("https://github.com/google/automl/tree/master/efficientdet", "code", "google", "automl"),
    ("https://mmcheng.net/res2net/", "project", None, None),
    ("https://jsxzs.github.io/sa4d/", "project", None, None),
    ("https://abdullahamdi.com/ges", "project", None, None),
    ("http://shacira.github.io", "project", None, None),
    ("https://ir1d.github.io/AGG/", "project", None, None),
    ("https://github.com/ShuLiu1993/PANet", "code", "ShuLiu1993", "PANet"),
    ("https://pyramid-flow.github.io", "project", None, None),
    ("https://github.com/feizc/DiS", "code", "feizc", "DiS"),
    ("https://github.com/Aitical/TCSR", "code", "Aitical", "TCSR"),
    ("https://github.com/kai422/SCALE", "code", "kai422", "SCALE"),
    ("https://github.com/yyyyychen/LowMemoryBP", "code", "yyyyychen", "LowMemoryBP"),
    ("https://github.com/facebookresearch/convit", "code", "facebookresearch", "convit"),
    ("https://github.com/bfshi/scaling_on_scales", "code", "bfshi", "scaling_on_scales"),
    ("https://github.com/PhoenixZ810/MG-LLaVA", "code", "PhoenixZ810", "MG-LLaVA"),
    ("https://github.com/tinyvision/damo-yolo", "code", "tinyvision", "damo-yolo"),
]

EXPECTED_DIGEST_KIND_COUNTS = {"code": 48, "project": 24, "huggingface": 1}


def digest_links() -> list[Link]:
    text = shared_digest_path().read_text(encoding="utf-8")
    return [link for line in text.splitlines() for link in extract_links(line)]


def test_digest_links_match_expected_table() -> None:
    links = digest_links()
    actual = [(link.url, link.kind.value, link.owner, link.repo) for link in links]
    assert actual == EXPECTED_DIGEST_LINKS


def test_digest_links_are_clean_and_counted() -> None:
    links = digest_links()
    assert len(links) == 73
    for link in links:
        assert not link.url.endswith((".", ")", "}", ",")), link.url
        assert is_openable_url(link.url), link.url
    counts = Counter(link.kind.value for link in links)
    assert counts[LinkKind.CODE.value] == 48
    assert counts[LinkKind.PROJECT.value] == 24
    assert dict(counts) == EXPECTED_DIGEST_KIND_COUNTS


# --------------------------------------------------------------------------- properties

FRAGMENTS = [
    "https://",
    "http://",
    "HTTPS://",
    "github.com/",
    "a",
    "/",
    ".",
    ")",
    "(",
    "]",
    "{",
    "}",
    "\\url{",
    "\\href{",
    " ",
    ",",
    "www.",
    "x",
    ".git",
    ".pdf",
    ":",
    "@",
    "?",
    "#",
]

fragment_text = st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join)
any_text = st.text(max_size=2000)
texts = st.one_of(any_text, fragment_text)


def assert_links_well_formed(links: tuple[Link, ...]) -> None:
    for link in links:
        assert link.url.lower().startswith(("http://", "https://"))
        assert is_openable_url(link.url), link.url
        assert link.host == link.host.lower()
        assert (link.owner is not None) == (link.kind is CODE)


@settings(max_examples=robustness_examples(), deadline=ROBUSTNESS_DEADLINE_MS)
@given(any_text)
def test_extract_links_never_raises_on_any_text(text: str) -> None:
    assert_links_well_formed(extract_links(text))


@settings(max_examples=robustness_examples(), deadline=ROBUSTNESS_DEADLINE_MS)
@given(fragment_text)
def test_extract_links_on_url_like_fragments(text: str) -> None:
    assert_links_well_formed(extract_links(text))


@given(texts)
def test_extract_links_is_idempotent(text: str) -> None:
    urls = [link.url for link in extract_links(text)]
    again = [link.url for link in extract_links(" ".join(urls))]
    assert again == urls


@given(st.text(max_size=200))
def test_is_openable_url_never_raises(text: str) -> None:
    assert is_openable_url(text) in {True, False}


@settings(max_examples=50)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join))
def test_classify_url_never_raises(text: str) -> None:
    assert classify_url(text).url == text


@pytest.mark.parametrize(
    "text",
    [
        "https://a" + "(" * 50000,
        "http://" + "." * 100000,
        "https://a.com/" + ")" * 100000,
        "https://a.com/" + "(" * 50000 + ")" * 50000 + ".",
        "www." * 25000,
        "https://" * 12500,
        "github.com/" * 9000,
        "https://a.com/" + "a." * 50000,
    ],
    ids=["open-parens", "dots", "close-parens", "balanced", "www", "schemes", "hosts", "a-dot"],
)
def test_pathological_input_completes(text: str) -> None:
    assert_links_well_formed(extract_links(text))


# --------------------------------------------------------------------------- openable


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com",
        "https://example.com/",
        "https://github.com/o/r",
        "HTTPS://Example.COM/Path?q=1#frag",
        "https://example.com:8443/x",
        "http://[::1]:8000/",
        "http://localhost",
        "https://en.wikipedia.org/wiki/Foo_(bar)",
        "https://bücher.de/straße",
    ],
)
def test_is_openable_url_true(url: str) -> None:
    assert is_openable_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "https://",
        "http://",
        "ftp://x",
        "data:text/html,<script>alert(1)</script>",
        "http:///path",
        "example.com",
        "//example.com",
        "https://exa mple.com",
        "https://example.com/a b",
        " https://example.com",
        "https://example.com\n",
        "https://example.com/\tx",
        "https://example.com/\x00",
        "https://example.com/\x7f",
        "https://example.com/\u202e",
        "https://example.com/\u200b",
        "https://good.com@evil.com",
        "https://ex..com",
        "https://.com",
        "https://example.com:99999",
        "https://example.com:port",
        "https://[::1",
        "https://[nothost]/",
        'https://example.com/"onmouseover',
        "https://example.com/<x>",
        "https://example.com\\@evil.com",
        "httpſ://example.com",
    ],
)
def test_is_openable_url_false(url: str) -> None:
    assert not is_openable_url(url)
