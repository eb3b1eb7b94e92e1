"""Suggested themes: group ideas that read alike. Pure Python, no Django, no database.

The method, chosen to stay near-linear so 100,000 ideas group in seconds:

1. Each idea becomes a TF-IDF vector over the words of its title (counted twice) and its
   problem, lower-cased, English stop words removed, lightly stemmed ("exports",
   "exporting" and "exported" are all "export"). Words in a single idea cannot link two
   ideas and words in over half of them tell none apart, so both are dropped; each vector
   keeps its strongest ``MAX_TERMS`` words and is scaled to length 1.
2. One pass in the given order (put the most-voted ideas first: they seed the groups):
   an idea joins the group whose centroid it is most cosine-similar to, if that is at
   least ``threshold``; otherwise it starts a group of its own. Candidate groups come from
   an inverted index from a word to the groups whose ideas have it among their strongest
   words, so an idea is compared with a handful of groups, not with every idea.
3. Groups of at least ``min_size`` ideas become centres; centres whose centroids are
   near-identical are merged, then every idea is assigned again to its most similar
   centre (or to none). This undoes most of the order-dependence of step 2, like one
   round of k-means.

Each group is named after the word pair that recurs most in its titles, else its two
strongest words.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

DEFAULT_THRESHOLD = 0.3
MIN_GROUP_SIZE = 3
MAX_TERMS = 12
# Words an idea is found by: its strongest few. Fewer makes the pass faster and stricter.
QUERY_TERMS = 5
# A word shared by more groups than this links nothing useful (and would cost a scan).
MAX_POSTINGS = 60
# Candidate groups scored exactly per idea, best first by words in common.
MAX_CANDIDATES = 8
# Ideas that share fewer words than this are not alike, however rare the word.
MIN_SHARED = 2
# Centres this similar are one theme told twice.
MERGE_THRESHOLD = 0.5
MAX_DF_RATIO = 0.5

WORD = re.compile(r"[a-z][a-z0-9]+")

_STOP_WORDS = """
    a about above after again against all almost also although always am among an and
    another any anyone anything are around as at be became because become been before
    being below between both but by can cannot could did do does doing done down during
    each either else enough etc even ever every few for from further get gets getting go
    goes had has have having he her here hers herself him himself his how however i if in
    into is it its itself just least less let like lot lots made make makes many may me
    might more most much must my myself need needed needs neither never no nor not now of
    off often on once one only or other others otherwise our ours ourselves out over own
    per perhaps please quite rather really same say see seem seems several shall she
    should since so some something sometimes still such than that the their theirs them
    themselves then there these they thing things this those though through thus to too
    under until up upon us use used uses using very via want wanted wants was way ways we
    well were what whatever when where whether which while who whom whose why will with
    within without would yes yet you your yours yourself able allow allows add adding also
    currently today feature features idea ideas
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())


@dataclass(frozen=True)
class IdeaText:
    """What an idea says: the input of the grouping."""

    id: int
    title: str
    body: str = ""


@dataclass(frozen=True)
class Group:
    """Ideas that read alike, in the order they were given, and a name for them."""

    ids: tuple[int, ...]
    name: str
    terms: tuple[str, ...]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light suffix stripper: enough to join plurals and verb forms, cheap to run."""
    s = word
    if len(s) > 4 and s.endswith("ies"):
        s = s[:-3] + "y"
    elif s.endswith("sses"):
        s = s[:-2]
    elif len(s) > 3 and s.endswith("s") and not s.endswith(("ss", "us", "is")):
        s = s[:-1]
    if len(s) > 5 and s.endswith("ing"):
        s = s[:-3]
    elif len(s) > 4 and s.endswith("ed"):
        s = s[:-2]
    if len(s) > 6 and s.endswith(("tion", "sion")):
        s = s[:-3]
    if len(s) > 4 and s[-1] == s[-2] and s[-1] not in "lsz":
        s = s[:-1]  # "running" -> "runn" -> "run"
    if len(s) > 3 and s.endswith("e"):
        s = s[:-1]  # "create", "created", "creating" -> "creat"
    return s


def words(text: str) -> list[str]:
    """The stems of the words of ``text`` that carry meaning."""
    return [stem(w) for w in WORD.findall(text.lower()) if w not in STOP_WORDS]


@dataclass
class _Cluster:
    centroid: dict[str, float]
    norm2: float
    members: list[int]

    def add(self, vector: dict[str, float], index: int) -> None:
        centroid = self.centroid
        norm2 = self.norm2
        for term, weight in vector.items():
            old = centroid.get(term, 0.0)
            centroid[term] = old + weight
            norm2 += 2.0 * old * weight + weight * weight
        self.norm2 = norm2
        self.members.append(index)

    def similarity(self, vector: dict[str, float]) -> float:
        """Cosine similarity to the centroid; 0 when fewer than ``MIN_SHARED`` words are
        shared, so that one common word ("task") does not make ideas alike."""
        centroid = self.centroid
        dot = 0.0
        shared = 0
        for term, weight in vector.items():
            value = centroid.get(term)
            if value is not None:
                dot += weight * value
                shared += 1
        if shared < MIN_SHARED or self.norm2 <= 0:
            return 0.0
        return dot / math.sqrt(self.norm2)


def _vectors(
    texts: Sequence[IdeaText], max_terms: int
) -> tuple[list[dict[str, float]], list[list[str]], dict[str, str]]:
    """TF-IDF vectors (strongest ``max_terms`` words, unit length), each title's stems
    ("" for a stop word), and how to spell each stem in a name."""
    counts: list[Counter[str]] = []
    title_stems: list[list[str]] = []
    in_titles: dict[str, Counter[str]] = defaultdict(Counter)
    anywhere: dict[str, str] = {}
    df: Counter[str] = Counter()
    for text in texts:
        # Stop words stay in the title's sequence as gaps, so that only words really side
        # by side make a name.
        sequence = ["" if w in STOP_WORDS else stem(w) for w in WORD.findall(text.title.lower())]
        title_words = [w for w in WORD.findall(text.title.lower()) if w not in STOP_WORDS]
        stems = [s for s in sequence if s]
        for surface, s in zip(title_words, stems, strict=True):
            in_titles[s][surface] += 1
        body_words = [w for w in WORD.findall(text.body.lower()) if w not in STOP_WORDS]
        body_stems = [stem(w) for w in body_words]
        anywhere.update(zip(body_stems, body_words, strict=True))
        bag = Counter(stems)
        bag.update(stems)  # the title says what the idea is about: it counts twice
        bag.update(body_stems)
        counts.append(bag)
        title_stems.append(sequence)
        df.update(bag.keys())
    # A stem is spelt as titles most often spell it, else as some problem spelt it.
    spellings = {**anywhere, **{s: forms.most_common(1)[0][0] for s, forms in in_titles.items()}}
    n = len(texts)
    max_df = max(2, int(n * MAX_DF_RATIO))
    idf = {
        term: math.log((1 + n) / (1 + freq)) + 1.0
        for term, freq in df.items()
        if 2 <= freq <= max_df
    }
    vectors: list[dict[str, float]] = []
    for bag in counts:
        weighted = [
            (term, (1.0 + math.log(tf)) * idf[term]) for term, tf in bag.items() if term in idf
        ]
        if len(weighted) > max_terms:
            weighted.sort(key=lambda item: item[1], reverse=True)
            weighted = weighted[:max_terms]
        norm = math.sqrt(sum(w * w for _, w in weighted))
        vectors.append({t: w / norm for t, w in weighted} if norm else {})
    return vectors, title_stems, spellings


def _strongest(vector: dict[str, float], count: int) -> list[str]:
    if len(vector) <= count:
        return list(vector)
    return sorted(vector, key=vector.__getitem__, reverse=True)[:count]


def _best_cluster(
    vector: dict[str, float],
    clusters: list[_Cluster],
    index: dict[str, list[int]],
    query: Iterable[str],
) -> tuple[int, float]:
    hits: Counter[int] = Counter()
    for term in query:
        postings = index.get(term)
        if postings and len(postings) <= MAX_POSTINGS:
            hits.update(postings)
    best, best_similarity = -1, 0.0
    for cluster_id, _ in hits.most_common(MAX_CANDIDATES):
        similarity = clusters[cluster_id].similarity(vector)
        if similarity > best_similarity:
            best, best_similarity = cluster_id, similarity
    return best, best_similarity


def _first_pass(vectors: list[dict[str, float]], threshold: float) -> list[_Cluster]:
    clusters: list[_Cluster] = []
    index: dict[str, list[int]] = defaultdict(list)
    for position, vector in enumerate(vectors):
        if not vector:
            continue
        query = _strongest(vector, QUERY_TERMS)
        best, similarity = _best_cluster(vector, clusters, index, query)
        if best < 0 or similarity < threshold:
            best = len(clusters)
            clusters.append(_Cluster(centroid={}, norm2=0.0, members=[]))
        clusters[best].add(vector, position)
        for term in query:
            postings = index[term]
            if len(postings) <= MAX_POSTINGS and best not in postings:
                postings.append(best)
    return clusters


def _centres(
    clusters: list[_Cluster], min_size: int, max_terms: int
) -> tuple[list[_Cluster], dict[str, list[int]]]:
    """Unit centroids of the groups big enough to keep, near-duplicates merged, with an
    index from each centre's strongest words to it."""
    big = sorted(
        (c for c in clusters if len(c.members) >= min_size),
        key=lambda c: len(c.members),
        reverse=True,
    )
    centres: list[_Cluster] = []
    index: dict[str, list[int]] = defaultdict(list)
    for cluster in big:
        norm = math.sqrt(cluster.norm2)
        top = _strongest(cluster.centroid, max_terms * 2)
        unit = {t: cluster.centroid[t] / norm for t in top}
        best, similarity = _best_cluster(unit, centres, index, top[:QUERY_TERMS])
        if best >= 0 and similarity >= MERGE_THRESHOLD:
            centres[best].add(unit, -1)
            continue
        centre = _Cluster(centroid={}, norm2=0.0, members=[])
        centre.add(unit, -1)
        for term in top[:QUERY_TERMS]:
            index[term].append(len(centres))
        centres.append(centre)
    return centres, index


def _name(
    members: list[int],
    centroid: dict[str, float],
    title_stems: list[list[str]],
    spellings: dict[str, str],
) -> tuple[str, tuple[str, ...]]:
    top = _strongest(centroid, 6)

    def spelt(term: str) -> str:
        return spellings.get(term, term)

    # The best name is words the titles say side by side ("dark mode", "pull request"):
    # a pair of strong words said twice, or of the three strongest said once.
    strong = set(top)
    pairs: Counter[tuple[str, str]] = Counter()
    for position in members:
        stems = title_stems[position]
        pairs.update({(a, b) for a, b in pairwise(stems) if a != b and a in strong and b in strong})
    strongest = set(top[:3])
    named = [
        (count, centroid[a] + centroid[b], a, b)
        for (a, b), count in pairs.items()
        if count >= 2 or (a in strongest and b in strongest)
    ]
    if named:
        _, _, first, second = max(named)
        name = f"{spelt(first)} {spelt(second)}"
    else:
        name = ", ".join(spelt(t) for t in top[:2])
    terms = tuple(spelt(t) for t in top[:3])
    return name[:1].upper() + name[1:], terms


def suggest_groups(
    texts: Sequence[IdeaText],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    min_size: int = MIN_GROUP_SIZE,
    max_terms: int = MAX_TERMS,
) -> list[Group]:
    """Groups of at least ``min_size`` ideas that read alike, largest first.

    Ideas keep the order they were given within a group, so pass the most-voted first.
    An idea belongs to one group at most; most unrelated ideas belong to none."""
    vectors, title_stems, spellings = _vectors(texts, max_terms)
    centres, index = _centres(_first_pass(vectors, threshold), min_size, max_terms)
    assigned: list[list[int]] = [[] for _ in centres]
    for position, vector in enumerate(vectors):
        if not vector:
            continue
        best, similarity = _best_cluster(vector, centres, index, _strongest(vector, QUERY_TERMS))
        if best >= 0 and similarity >= threshold:
            assigned[best].append(position)
    groups: list[Group] = []
    for members in assigned:
        if len(members) < min_size:
            continue
        centroid: dict[str, float] = defaultdict(float)
        for position in members:
            for term, weight in vectors[position].items():
                centroid[term] += weight
        name, terms = _name(members, centroid, title_stems, spellings)
        groups.append(Group(ids=tuple(texts[p].id for p in members), name=name, terms=terms))
    groups.sort(key=lambda g: (-len(g.ids), g.ids[0]))
    return groups
