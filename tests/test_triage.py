"""The learning triage's truths on small hand-made libraries (readinglist/triage/):
ranking for the reader (SVM and cold start), dropped papers pushing down, why, tag
suggestions from the reader's own tags only, topic groups."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from readinglist.triage.documents import NEGATIVE, POSITIVE, UNLABELLED, TriageDocument
from readinglist.triage.groups import candidate_ks, topic_groups
from readinglist.triage.ranker import MIN_POSITIVES
from readinglist.triage.service import Triage

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)

TOPICS = {
    "splat": "gaussian splatting radiance rendering novel view synthesis scene nerf"
    " densification rasterization camera reconstruction",
    "quant": "quantization low bit weights activations llm inference int4 calibration"
    " outliers perplexity kernels memory",
    "graph": "graph neural network message passing node edge molecular gnn"
    " oversmoothing adjacency spectral",
    "robot": "robot manipulation policy grasping reinforcement control embodied"
    " trajectories dexterous locomotion simulator",
}
FILLER = [
    "we", "study", "results", "experiments", "benchmark", "approach", "improves", "efficient",
    "simple",
]  # fmt: skip


def text_of(topic: str, rng: random.Random) -> str:
    words = TOPICS[topic].split()
    chosen = rng.sample(words, 8) + rng.sample(FILLER, 4)
    rng.shuffle(chosen)
    return " ".join(chosen)


def make_docs(
    plan: Sequence[tuple[str, int, int]], seed: int = 1, start_id: int = 1
) -> list[TriageDocument]:
    """(topic, label, how many) -> documents, ids from ``start_id`` in plan order."""
    rng = random.Random(seed)
    docs: list[TriageDocument] = []
    paper_id = start_id
    for topic, label, count in plan:
        for _ in range(count):
            docs.append(
                TriageDocument(paper_id, text_of(topic, rng), label, (), NOW - timedelta(days=1))
            )
            paper_id += 1
    return docs


def background(seed: int = 2, start_id: int = 1000) -> list[TriageDocument]:
    return make_docs([(topic, UNLABELLED, 10) for topic in TOPICS], seed, start_id)


def new_papers(start_id: int = 5000) -> list[TriageDocument]:
    """One unlabelled paper per topic (ids 5000.. in TOPICS order)."""
    return make_docs([(topic, UNLABELLED, 1) for topic in TOPICS], 99, start_id)


def ranked_ids(triage: Triage, ids: Sequence[int]) -> list[int]:
    ranked = triage.rank(ids)
    assert ranked is not None
    return [r.paper_id for r in ranked]


def test_a_paper_like_the_read_ones_ranks_above_an_unrelated_one() -> None:
    fresh = new_papers()
    docs = make_docs([("splat", POSITIVE, 8)]) + background() + fresh
    triage = Triage.train(docs)
    assert triage.kind == "svm"
    ranked = triage.rank([d.paper_id for d in fresh])
    assert ranked is not None
    assert ranked[0].paper_id == 5000  # the splatting paper
    assert all(0.0 <= r.interest <= 1.0 for r in ranked)
    assert [r.interest for r in ranked] == sorted((r.interest for r in ranked), reverse=True)
    assert ranked[0].interest > ranked[-1].interest


def test_dropped_papers_push_their_topic_down() -> None:
    fresh = new_papers()
    liked = make_docs([("splat", POSITIVE, 6), ("quant", POSITIVE, 6)])
    quant_paper = fresh[1].paper_id
    plain = Triage.train(liked + background() + fresh)
    with_drops = Triage.train(
        liked + make_docs([("quant", NEGATIVE, 8)], 3, 700) + background() + fresh
    )
    before = {r.paper_id: r for r in plain.rank([d.paper_id for d in fresh]) or []}
    after = {r.paper_id: r for r in with_drops.rank([d.paper_id for d in fresh]) or []}
    assert after[quant_paper].score < before[quant_paper].score
    assert ranked_ids(with_drops, [d.paper_id for d in fresh])[0] == fresh[0].paper_id


def test_cold_start_below_a_handful_of_positives_weighs_recent_reads_more() -> None:
    fresh = new_papers()
    old_read = TriageDocument(
        1, text_of("graph", random.Random(5)), POSITIVE, (), NOW - timedelta(days=90)
    )
    new_read = TriageDocument(2, text_of("robot", random.Random(6)), POSITIVE, (), NOW)
    triage = Triage.train([old_read, new_read, *background(), *fresh])
    assert MIN_POSITIVES > 2
    assert triage.kind == "similar"
    order = ranked_ids(triage, [d.paper_id for d in fresh])
    graph_paper, robot_paper = fresh[2].paper_id, fresh[3].paper_id
    assert order[0] == robot_paper  # like the paper read today
    assert order.index(graph_paper) == 1  # like the one read three months ago: second
    assert order.index(graph_paper) < order.index(fresh[0].paper_id)


def test_no_positive_signal_ranks_nothing() -> None:
    docs = make_docs([("splat", NEGATIVE, 3)]) + background()
    triage = Triage.train(docs)
    assert triage.kind is None
    assert triage.rank([d.paper_id for d in docs]) is None


def test_why_names_the_words_and_the_read_papers_that_pushed_it_up() -> None:
    fresh = new_papers()
    read = make_docs([("splat", POSITIVE, 8)])
    triage = Triage.train(read + background() + fresh)
    ranked = triage.rank([fresh[0].paper_id])
    assert ranked is not None
    why = ranked[0].why
    assert why.words
    assert set(" ".join(why.words).split()) <= set(TOPICS["splat"].split()) | set(FILLER)
    assert why.papers
    assert set(why.papers) <= {d.paper_id for d in read}
    # A read paper is never its own reason.
    own = triage.rank([read[0].paper_id])
    assert own is not None
    assert read[0].paper_id not in own[0].why.papers


def test_retraining_reuses_the_vocabulary_and_adds_new_papers() -> None:
    docs = make_docs([("splat", POSITIVE, 6)]) + background()
    first = Triage.train(docs)
    again = first.retrained(docs)
    assert again.features is first.features  # nothing new: the same fitted features
    extra = make_docs([("splat", UNLABELLED, 1)], 42, 9000)
    grown = first.retrained(docs + extra)
    assert grown.features.vectorizer is first.features.vectorizer
    assert 9000 in grown.features.row_of and 9000 not in first.features.row_of
    ranked = grown.rank([9000, 1000 + 20])  # a splatting paper above a graph paper
    assert ranked is not None and ranked[0].paper_id == 9000


def tagged(docs: Sequence[TriageDocument], tags: tuple[str, ...]) -> list[TriageDocument]:
    return [TriageDocument(d.paper_id, d.text, d.label, tags, d.touched_at) for d in docs]


def test_tag_suggestions_come_only_from_the_readers_tags() -> None:
    splat = tagged(make_docs([("splat", UNLABELLED, 6)], 7, 1), ("3d/splatting",))
    quant = tagged(make_docs([("quant", UNLABELLED, 6)], 8, 100), ("llm", "efficiency"))
    fresh = new_papers()
    triage = Triage.train([*splat, *quant, *background(), *fresh])
    vocabulary = {"3d/splatting", "llm", "efficiency"}
    for doc in fresh:
        suggestions = triage.suggest_tags(doc.paper_id)
        assert len(suggestions) <= 3
        assert {s.tag for s in suggestions} <= vocabulary
    assert [s.tag for s in triage.suggest_tags(fresh[0].paper_id)] == ["3d/splatting"]
    assert {s.tag for s in triage.suggest_tags(fresh[1].paper_id)} == {"llm", "efficiency"}
    # A tag the paper has is not suggested again.
    assert "3d/splatting" not in {s.tag for s in triage.suggest_tags(splat[0].paper_id)}


def test_no_tags_in_the_library_suggests_nothing() -> None:
    docs = background() + new_papers()
    triage = Triage.train(docs)
    assert all(triage.suggest_tags(d.paper_id) == [] for d in docs)


def test_groups_put_every_paper_in_exactly_one_group_deterministically() -> None:
    docs = make_docs([(topic, UNLABELLED, 12) for topic in TOPICS], 11)
    papers = [(d.paper_id, d.text) for d in docs]
    first = topic_groups(papers)
    assert first == topic_groups(papers)
    every = [i for group in first for i in group.paper_ids]
    assert sorted(every) == sorted(d.paper_id for d in docs)
    assert len(set(every)) == len(every)
    # Four clear topics come out as four pure groups, each labelled by its own words.
    topic_of = {d.paper_id: topic for d, topic in zip(docs, _topics_of(docs), strict=True)}
    assert len(first) == len(TOPICS)
    for group in first:
        topics = {topic_of[i] for i in group.paper_ids}
        assert len(topics) == 1
        (topic,) = topics
        assert group.words and set(group.words[0].split()) <= set(TOPICS[topic].split())
        assert group.label.startswith(group.words[0])
    assert [len(g.paper_ids) for g in first] == sorted(
        (len(g.paper_ids) for g in first), reverse=True
    )


LINKS = (
    " Code, data and demo: https://github.com/open-lab/project-code"
    " https://huggingface.co/datasets/open-lab/project-data https://open-lab.github.io/demo"
    " www.open-lab.org/project/page"
)


def test_links_in_abstracts_neither_group_nor_label_papers() -> None:
    """Half of each topic's papers give their code's address: the groups stay the
    topics, and no label is made of the address ("com / github / https")."""
    docs = make_docs([(topic, UNLABELLED, 12) for topic in TOPICS], 11)
    papers = [(d.paper_id, d.text + (LINKS if n % 2 else "")) for n, d in enumerate(docs)]
    groups = topic_groups(papers)
    topic_of = {d.paper_id: topic for d, topic in zip(docs, _topics_of(docs), strict=True)}
    assert len(groups) == len(TOPICS)
    for group in groups:
        assert len({topic_of[i] for i in group.paper_ids}) == 1
        words = set(" ".join(group.words).split())
        assert not {"https", "github", "com", "huggingface", "lab", "open", "www"} & words


def _topics_of(docs: Sequence[TriageDocument]) -> list[str]:
    return [topic for topic in TOPICS for _ in range(12)][: len(docs)]


def test_a_few_papers_make_one_group_and_none_make_none() -> None:
    docs = make_docs([("splat", UNLABELLED, 3)])
    groups = topic_groups([(d.paper_id, d.text) for d in docs])
    assert len(groups) == 1 and groups[0].paper_ids == (1, 2, 3)
    assert topic_groups([]) == []


@pytest.mark.parametrize(("papers", "low", "high"), [(8, 2, 2), (40, 4, 5), (211, 4, 12)])
def test_the_ks_tried(papers: int, low: int, high: int) -> None:
    ks = candidate_ks(papers)
    assert (ks.start, ks.stop - 1) == (low, high)
