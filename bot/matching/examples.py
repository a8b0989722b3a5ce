"""Real pastes whose outcome is known, as neighbours: "this looks like that case".

Signatures say what an error line looks like; examples say what whole pastes looked like
when people really hit the problem — the kubelet event around the 401, the Blob Storage
upload that printed the same words as a registry error and needed no answer. A paste's
similarity to the nearest example of each topic, and to the nearest example that needed
silence, are features of the decision. Similarity is IDF-weighted Jaccard over word stems,
found through an inverted index, so the cost does not grow with the number of examples
beyond the postings of the paste's own words.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from itertools import repeat

from bot.knowledge import Example
from bot.matching.words import tokens

SILENT = ""  # the key under which examples that needed silence are gathered
MAX_POSTINGS = 400  # per word: a word in hundreds of examples says little
SHORTLIST = 40


class ExampleIndex:
    def __init__(self, examples: Iterable[Example]) -> None:
        self.examples = list(examples)
        self.words = [frozenset(tokens("\n".join(e.lines))) for e in self.examples]
        df: dict[str, int] = defaultdict(int)
        for words in self.words:
            for word in words:
                df[word] += 1
        n = max(len(self.examples), 1)
        self.idf = {w: math.log(1 + n / c) for w, c in df.items()}
        self.max_idf = math.log(1 + n)
        self.mass = [math.fsum(self.idf[w] for w in words) for words in self.words]
        postings: dict[str, list[int]] = defaultdict(list)
        for i, words in enumerate(self.words):
            for word in words:
                postings[word].append(i)
        self.postings = {w: ids[:MAX_POSTINGS] for w, ids in postings.items()}

    def nearest(self, words: set[str]) -> dict[str, float]:
        """The best similarity per topic (``SILENT`` for examples that needed silence)."""
        if not self.examples or not words:
            return {}
        idf = self.idf
        postings = self.postings
        # sums in a list, cheaper than a dict; every weight is positive, so 0.0 means not yet
        # reached, and ``reached`` keeps the order examples were first reached in (ties follow it)
        shared = [0.0] * len(self.examples)
        reached: list[int] = []
        for word in sorted([w for w in words if w in idf]):  # a fixed order: the same sums
            weight = idf[word]
            for i in postings[word]:
                if shared[i]:
                    shared[i] += weight
                else:
                    shared[i] = weight
                    reached.append(i)
        if not reached:
            return {}
        own = math.fsum(map(idf.get, words, repeat(self.max_idf)))
        best: dict[str, float] = {}
        # what heapq.nlargest would pick, ties included, by a sort that runs in C
        for i in sorted(reached, key=shared.__getitem__, reverse=True)[:SHORTLIST]:
            union = own + self.mass[i] - shared[i]
            similarity = shared[i] / union if union > 0 else 0.0
            key = self.examples[i].topic or SILENT
            if similarity > best.get(key, 0.0):
                best[key] = similarity
        return best
