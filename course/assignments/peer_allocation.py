"""Who gives feedback on whose work: a pure function, so its promises are tested for every class size.

Promises: nobody gets their own work; every student who handed in gets ``per_student`` classmates
(fewer only when the class has fewer); no work waits for feedback while other work gets more than
one extra reviewer. Tasks already started (feedback given) are never moved.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

PER_STUDENT = 2


@dataclass(frozen=True)
class Pair:
    reviewer: int
    author: int
    locked: bool = False  # feedback given: this pair stays as it is


def allocate(authors: list[int], existing: list[Pair], per_student: int = PER_STUDENT) -> list[Pair]:
    """The pairs after adding ``authors`` (everyone who handed in, earliest first) to ``existing``."""
    present = set(authors)
    pairs = [p for p in existing if p.locked or (p.reviewer in present and p.author in present)]
    target = min(per_student, len(authors) - 1)
    order = {author: index for index, author in enumerate(authors)}
    received = Counter(p.author for p in pairs)
    for reviewer in authors:
        mine = {p.author for p in pairs if p.reviewer == reviewer}
        while len(mine) < target:
            candidates = [a for a in authors if a != reviewer and a not in mine]
            choice = min(candidates, key=lambda a: (received[a], order[a]))
            pairs.append(Pair(reviewer, choice))
            mine.add(choice)
            received[choice] += 1
    return _rebalance(authors, pairs, received)


def _rebalance(authors: list[int], pairs: list[Pair], received: Counter[int]) -> list[Pair]:
    """Move open tasks from the most-read work to the least-read until they differ by at most one."""
    for _ in range(len(pairs) + 1):
        most = max(authors, key=lambda a: received[a], default=None)
        least = min(authors, key=lambda a: received[a], default=None)
        if most is None or least is None or received[most] - received[least] <= 1:
            break
        taken = {(p.reviewer, p.author) for p in pairs}
        movable = next(
            (
                p for p in pairs
                if p.author == most and not p.locked and p.reviewer != least and (p.reviewer, least) not in taken
            ),
            None,
        )  # fmt: skip
        if movable is None:
            break
        pairs[pairs.index(movable)] = Pair(movable.reviewer, least)
        received[most] -= 1
        received[least] += 1
    return pairs
