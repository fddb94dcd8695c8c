"""Grouping appeals by their words: jieba segmentation, TF-IDF, cosine similarity, average linkage.

Each text is cut into words with jieba in its search mode (a long word also gives its parts), the
appeal categories' and places' names added to its dictionary ("销售过期食品" is a term, and so are
"销售", "过期" and "食品", which match appeals worded otherwise); single characters, numbers and a short
list of stop words are dropped. TF-IDF
(sublinear term frequency, l2-normalised) weighs the words; two appeals' similarity is the cosine of
their vectors. Groups are formed by agglomerative clustering with average linkage over the distance
1 − cosine, stopped at 1 − `similarity`: every group's members are, on average, at least that similar
to each other. Average linkage (unlike joining any two similar texts, "connected components") does not
chain a long string of loosely related appeals into one group.

Cost: the similarity matrix is n × n, so callers bound n (hotline.warnings takes the newest cases of
the period, at most `warning_cluster_max_cases`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from threading import Lock

import jieba
import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

# Words every appeal uses ("a citizen reports … hopes the department handles it"): they say nothing
# about what the appeal is about.
_STOP_WORDS = """
    市民 群众 反映 来电 诉求 希望 请求 要求 相关 单位 部门 尽快 处理 核实 解决 问题 情况 出现 进行 认为
    我们 他们 自己 一个 一直 目前 现在 已经 没有 不能 可以 能够 这个 那个 还是 但是 因为 所以 如果 以及
    造成 导致 影响 存在 发现 表示 相关部门 有关部门 及时 立即 希望 相关单位 给予 帮忙 帮助 麻烦 谢谢
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
_MEANINGLESS = re.compile(r"^[\d\W_a-zA-Z]+$")


@dataclass(frozen=True)
class Grouping:
    groups: list[list[int]]  # indices into the texts, each group ordered, largest groups first
    terms: list[list[str]]  # each group's top terms, by summed TF-IDF weight


class Segmenter:
    """A jieba tokenizer of our own (not jieba's global one), with extra words in its dictionary."""

    def __init__(self) -> None:
        jieba.setLogLevel(logging.WARNING)  # not the dictionary-loading chatter on every start
        self._tokenizer = jieba.Tokenizer()
        self._known: set[str] = set()
        self._lock = Lock()

    def add_words(self, words: Iterable[str]) -> None:
        with self._lock:
            for word in words:
                if word and word not in self._known:
                    self._tokenizer.add_word(word)
                    self._known.add(word)

    def words(self, text: str) -> list[str]:
        return [
            w
            for w in (t.strip() for t in self._tokenizer.lcut_for_search(text))
            if len(w) > 1 and w not in STOP_WORDS and not _MEANINGLESS.match(w)
        ]


@lru_cache(maxsize=1)
def segmenter() -> Segmenter:
    return Segmenter()


def group(
    texts: Sequence[str],
    *,
    similarity: float,
    min_size: int,
    vocabulary: Iterable[str] = (),
    top_terms: int = 5,
) -> Grouping:
    """Groups of at least `min_size` similar texts; texts like no other are left out."""
    if len(texts) < max(min_size, 2):
        return Grouping([], [])
    cutter = segmenter()
    cutter.add_words(vocabulary)
    vectorizer = TfidfVectorizer(
        tokenizer=cutter.words, lowercase=False, token_pattern=None, sublinear_tf=True
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # no text has a single meaningful word
        return Grouping([], [])
    distance = np.clip(1.0 - cosine_similarity(matrix), 0.0, None)
    labels = AgglomerativeClustering(
        n_clusters=None,
        metric="precomputed",
        linkage="average",
        distance_threshold=1.0 - similarity,
    ).fit_predict(distance)
    members: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        members.setdefault(int(label), []).append(index)
    groups = sorted((m for m in members.values() if len(m) >= min_size), key=lambda m: (-len(m), m[0]))
    names = vectorizer.get_feature_names_out()
    terms = []
    for indices in groups:
        weights = np.asarray(matrix[indices].sum(axis=0)).ravel()
        best = [i for i in np.argsort(-weights, kind="stable")[:top_terms] if weights[i] > 0]
        terms.append([str(names[i]) for i in best])
    return Grouping(groups, terms)
