"""Item analysis and misconceptions as pure functions: no Flask, no database.

A teacher asks two things of a quiz: which questions did the class find hard (facility), and which
questions tell strong and weak students apart (discrimination). The wrong choices the class made most,
with their misconception tag, say what to teach again. Everything works on the counting attempts only.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..content.quiz_files import Question, Quiz

# Below this many counting attempts a correlation says more about chance than about the question.
MIN_ATTEMPTS_FOR_DISCRIMINATION = 10
TOP_WRONG = 5
# The choice id of "the order as a whole was wrong" on an ordering question (ids never contain ':').
ORDER_ID = ":volgorde"

Number = Decimal | float | int


@dataclass(frozen=True)
class ItemResponse:
    """One counting attempt's stored result on one question (an AttemptItem row)."""

    attempt_id: int
    question_id: str
    score: Decimal
    max_score: int
    chosen: tuple[str, ...] = ()
    misconceptions: tuple[str, ...] = ()


# -- statistics -----------------------------------------------------------------------------------


def facility(scores: Sequence[Number], max_scores: Sequence[Number]) -> float | None:
    """Mean score divided by the maximum: 1.0 everyone right, 0.0 nobody. None without answers."""
    total_max = sum(float(m) for m in max_scores)
    if not scores or total_max <= 0:
        return None
    return sum(float(s) for s in scores) / total_max


def pearson(xs: Sequence[Number], ys: Sequence[Number]) -> float | None:
    """The correlation of two equally long series; None where it is undefined (fewer than two
    values, or a series without spread, such as a question everybody got right)."""
    n = len(xs)
    if n != len(ys) or n < 2:
        return None
    fx = [float(x) for x in xs]
    fy = [float(y) for y in ys]
    mx, my = sum(fx) / n, sum(fy) / n
    sxx = sum((x - mx) ** 2 for x in fx)
    syy = sum((y - my) ** 2 for y in fy)
    # Tiny float noise around zero is no spread either.
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    sxy = sum((x - mx) * (y - my) for x, y in zip(fx, fy, strict=True))
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def discrimination(by_attempt: Mapping[int, Mapping[str, Number]], question_id: str) -> float | None:
    """Pearson correlation of the score on ``question_id`` with the rest of the quiz (total minus
    this question) over the attempts that have the question; None where undefined."""
    item_scores, rest_scores = [], []
    for scores in by_attempt.values():
        if question_id not in scores:
            continue
        item = float(scores[question_id])
        item_scores.append(item)
        rest_scores.append(sum(float(s) for s in scores.values()) - item)
    return pearson(item_scores, rest_scores)


# -- one quiz -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceCount:
    """How many counting attempts chose an option (or, for matching and ordering, got a pair or
    an item wrong)."""

    choice_id: str
    text: str
    correct: bool
    count: int
    share: float  # of the attempts that have this question
    misconception: str | None
    explanation: str | None
    feedback: str
    # False for the items of an ordering question: the wrong choice there is the order as a whole.
    is_choice: bool = True


@dataclass(frozen=True)
class WrongChoice:
    """A wrong choice many students made: what to teach again."""

    question_number: int
    question: Question
    choice: ChoiceCount


@dataclass(frozen=True)
class ItemStats:
    number: int
    question: Question
    attempts: int
    facility: float | None
    discrimination: float | None  # None: undefined, or too few attempts to show
    too_few: bool  # fewer than MIN_ATTEMPTS_FOR_DISCRIMINATION counting attempts
    choices: tuple[ChoiceCount, ...]
    voided: bool = False

    @property
    def wrong_choices(self) -> list[ChoiceCount]:
        """The wrong choices that were made, most chosen first."""
        made = (c for c in self.choices if c.is_choice and not c.correct and c.count)
        return sorted(made, key=lambda c: (-c.count, c.choice_id))


@dataclass(frozen=True)
class QuizAnalysis:
    quiz: Quiz
    attempts: int  # counting attempts analysed
    items: tuple[ItemStats, ...]

    @property
    def too_few(self) -> bool:
        return self.attempts < MIN_ATTEMPTS_FOR_DISCRIMINATION

    def most_chosen_wrong(self, limit: int = TOP_WRONG) -> list[WrongChoice]:
        found = [WrongChoice(item.number, item.question, c) for item in self.items for c in item.wrong_choices]
        found.sort(key=lambda w: (-w.choice.count, w.question_number, w.choice.choice_id))
        return found[:limit]


def choice_counts(
    question: Question, responses: Sequence[ItemResponse], explanations: Mapping[str, str]
) -> list[ChoiceCount]:
    """Per option how many chose it. Matching counts the wrongly matched pairs, ordering the items
    put in a wrong place (that is what an attempt stores for those kinds)."""
    n = len(responses)
    tally: Counter[str] = Counter(cid for r in responses for cid in set(r.chosen))

    def share(count: int) -> float:
        return count / n if n else 0.0

    def count(
        cid: str, text: str, correct: bool, tag: str | None, feedback: str, is_choice: bool = True
    ) -> ChoiceCount:
        explanation = explanations.get(tag) if tag else None
        return ChoiceCount(cid, text, correct, tally[cid], share(tally[cid]), tag, explanation, feedback, is_choice)

    if question.kind in ("single", "multiple", "truefalse"):
        return [count(o.id, o.text, o.correct, o.misconception, o.feedback) for o in question.options]
    if question.kind == "matching":
        return [count(p.id, p.left, False, p.misconception, p.feedback) for p in question.pairs]
    # Ordering: each misplaced item, then the order as a whole (any item misplaced) as the wrong choice.
    feedback = question.feedback or ""
    rows = [count(i.id, i.text, False, question.misconception, feedback, is_choice=False) for i in question.items]
    tally[ORDER_ID] = sum(1 for r in responses if r.chosen)
    rows.append(count(ORDER_ID, "Verkeerde volgorde", False, question.misconception, feedback))
    return rows


def analyse_quiz(
    quiz: Quiz,
    responses: Iterable[ItemResponse],
    explanations: Mapping[str, str],
    voided: frozenset[str] = frozenset(),
) -> QuizAnalysis:
    """Facility, discrimination and choice counts per question of ``quiz``, from the item rows of
    the counting attempts. Questions added to the quiz after an attempt are missing from it and
    are analysed over the attempts that have them."""
    by_question: dict[str, list[ItemResponse]] = {}
    by_attempt: dict[int, dict[str, Decimal]] = {}
    for response in responses:
        by_question.setdefault(response.question_id, []).append(response)
        by_attempt.setdefault(response.attempt_id, {})[response.question_id] = response.score
    items = []
    for number, question in enumerate(quiz.questions, start=1):
        rows = by_question.get(question.id, [])
        too_few = len(rows) < MIN_ATTEMPTS_FOR_DISCRIMINATION
        items.append(
            ItemStats(
                number=number,
                question=question,
                attempts=len(rows),
                facility=facility([r.score for r in rows], [r.max_score for r in rows]),
                discrimination=None if too_few else discrimination(by_attempt, question.id),
                too_few=too_few,
                choices=tuple(choice_counts(question, rows, explanations)),
                voided=question.id in voided,
            )
        )
    return QuizAnalysis(quiz=quiz, attempts=len(by_attempt), items=tuple(items))


# -- misconceptions across quizzes ----------------------------------------------------------------


@dataclass(frozen=True)
class MisconceptionShare:
    tag: str
    explanation: str
    students: int  # students whose counting attempt chose an option with this tag
    exposed: int  # students with a counting attempt on a quiz that can show this tag
    quizzes: tuple[str, ...]  # slugs of the quizzes where the class chose it

    @property
    def share(self) -> float:
        return self.students / self.exposed if self.exposed else 0.0

    @property
    def likely_share(self) -> float:
        """The share the class holds at least, with 95 % confidence (Wilson's lower bound): 1 of 1
        says little, 12 of 18 says a lot, so this ranks them instead of the bare share."""
        return wilson_lower_bound(self.students, self.exposed)

    @property
    def too_few(self) -> bool:
        """Fewer students than a teacher should build a lesson on."""
        return self.exposed < MIN_STUDENTS_TO_ACT_ON


MIN_STUDENTS_TO_ACT_ON = 5


def wilson_lower_bound(hits: int, total: int, z: float = 1.96) -> float:
    if total <= 0:
        return 0.0
    p = hits / total
    centre = p + z * z / (2 * total)
    spread = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    return max(0.0, (centre - spread) / (1 + z * z / total))


def tags_by_quiz(quizzes: Iterable[Quiz]) -> dict[str, frozenset[str]]:
    """Which misconception tags each quiz can reveal, from its wrong options, pairs and orderings."""
    found = {}
    for quiz in quizzes:
        tags: set[str] = set()
        for q in quiz.questions:
            tags.update(o.misconception for o in q.options if o.misconception and not o.correct)
            tags.update(p.misconception for p in q.pairs if p.misconception)
            if q.misconception:
                tags.add(q.misconception)
        found[quiz.slug] = frozenset(tags)
    return found


def misconception_shares(
    chosen: Mapping[int, Mapping[str, Iterable[str]]],
    possible: Mapping[str, frozenset[str]],
    explanations: Mapping[str, str],
) -> list[MisconceptionShare]:
    """``chosen``: per student, per quiz slug the tags of their counting attempt (an empty list
    when they took the quiz and chose no wrong tagged option). The share of a tag is taken over
    the students who took at least one quiz that can reveal it. Ranked by the share the class
    surely holds (see ``likely_share``), so a large share of few students does not top the list."""
    holders: dict[str, set[int]] = {}
    seen_in: dict[str, set[str]] = {}
    exposed: dict[str, set[int]] = {}
    for student, per_quiz in chosen.items():
        for slug, tags in per_quiz.items():
            for tag in possible.get(slug, frozenset()):
                exposed.setdefault(tag, set()).add(student)
            for tag in tags:
                holders.setdefault(tag, set()).add(student)
                seen_in.setdefault(tag, set()).add(slug)
                exposed.setdefault(tag, set()).add(student)
    result = [
        MisconceptionShare(
            tag=tag,
            explanation=explanations.get(tag, ""),
            students=len(students),
            exposed=len(exposed.get(tag, ())),
            quizzes=tuple(sorted(seen_in.get(tag, ()))),
        )
        for tag, students in holders.items()
    ]
    result.sort(key=lambda m: (-m.likely_share, -m.students, m.tag))
    return result
