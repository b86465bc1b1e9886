"""A factory's qualifying questions and the answers its booth records with each inquiry.

Questions are text, one choice or many choices. An answer is stored as one ``InquiryAnswer``
row per value (the text, the chosen option, or each chosen option), so "which leads sell on
Douyin" is an index look-up. Every function takes the acting factory and reads or writes that
factory's questions only: another factory's question id is refused like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from expo.errors import ExpoError
from expo.models import Inquiry, InquiryAnswer, LeadQuestion, QuestionKind
from expo.models.types import utcnow
from expo.permissions import Permission, permit
from expo.services.factories import require_factory
from expo.text.clean import clean_text
from expo.unit_of_work import UnitOfWork

MAX_QUESTIONS = 20  # a booth answers them in a few keys: more would not be answered
MAX_OPTIONS = 9  # options are picked with the digit keys 1-9
MAX_QUESTION_TEXT = 200
MAX_OPTION_TEXT = 60
MAX_ANSWER_TEXT = 500


class QuestionError(ExpoError):
    """A question or an answer cannot be saved as given."""


@dataclass(frozen=True)
class QuestionInfo:
    id: int
    text: str
    kind: QuestionKind
    options: tuple[str, ...]
    position: int
    removed: bool = False

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "text": self.text,
            "kind": self.kind.value,
            "options": list(self.options),
            "removed": self.removed,
        }


def _info(question: LeadQuestion) -> QuestionInfo:
    return QuestionInfo(
        question.id,
        question.text,
        question.kind,
        tuple(question.options or ()),
        question.position,
        question.removed_at is not None,
    )


def list_questions(
    session: Session, factory_id: int, *, include_removed: bool = False
) -> list[QuestionInfo]:
    """The factory's questions in the order the booth asks them."""
    require_factory(session, factory_id)
    query = select(LeadQuestion).where(LeadQuestion.factory_id == factory_id)
    if not include_removed:
        query = query.where(LeadQuestion.removed_at.is_(None))
    return [
        _info(q) for q in session.scalars(query.order_by(LeadQuestion.position, LeadQuestion.id))
    ]


def add_question(
    session: UnitOfWork,
    factory_id: int,
    text: str,
    kind: QuestionKind | str,
    options: Sequence[str] = (),
) -> QuestionInfo:
    """Add a question at the end of the factory's list."""
    permit(session, Permission.RECORD_INQUIRY, factory_id)
    session.record("lead.question_added", factory=factory_id, text=text, kind=str(kind))
    require_factory(session, factory_id)
    try:
        kind = QuestionKind(kind)
    except ValueError:
        raise QuestionError(
            f"Unknown question kind {kind!r}; use text, one (single choice) or many."
        ) from None
    cleaned = clean_text(text)
    if cleaned is None:
        raise QuestionError("The question needs a text, for example '月采购量 Monthly volume'.")
    if len(cleaned) > MAX_QUESTION_TEXT:
        raise QuestionError(f"Keep the question under {MAX_QUESTION_TEXT} characters.")
    choices = [c for c in (clean_text(o) for o in options) if c is not None]
    if kind == QuestionKind.TEXT and choices:
        raise QuestionError("A text question has no options; use --kind one or many for choices.")
    if kind != QuestionKind.TEXT:
        if len(choices) < 2:
            raise QuestionError("A choice question needs at least two options (--option O ...).")
        if len(choices) > MAX_OPTIONS:
            raise QuestionError(
                f"At most {MAX_OPTIONS} options (the booth picks them with the keys 1-9)."
            )
        if len({c.casefold() for c in choices}) != len(choices):
            raise QuestionError("Two options are the same; give each option once.")
        long = next((c for c in choices if len(c) > MAX_OPTION_TEXT), None)
        if long is not None:
            raise QuestionError(f"Option {long!r} is longer than {MAX_OPTION_TEXT} characters.")
    active = list_questions(session, factory_id)
    if len(active) >= MAX_QUESTIONS:
        raise QuestionError(
            f"The factory already asks {MAX_QUESTIONS} questions; remove one before adding."
        )
    if any(q.text.casefold() == cleaned.casefold() for q in active):
        raise QuestionError(f"The factory already asks {cleaned!r}.")
    last = session.scalar(
        select(func.max(LeadQuestion.position)).where(LeadQuestion.factory_id == factory_id)
    )
    question = LeadQuestion(
        factory_id=factory_id,
        text=cleaned,
        kind=kind,
        options=choices,
        position=(last or 0) + 1,
    )
    session.add(question)
    session.flush()
    return _info(question)


def _own_question(session: Session, factory_id: int, question_id: int) -> LeadQuestion:
    question = session.get(LeadQuestion, question_id)
    if question is None or question.factory_id != factory_id:
        raise QuestionError(
            f"Factory {factory_id} has no question {question_id}. "
            f"`python -m expo inquiries questions --factory {factory_id} list` shows them."
        )
    return question


def remove_question(session: UnitOfWork, factory_id: int, question_id: int) -> QuestionInfo:
    """Take a question off the booth form. Answers already given stay with their inquiries
    (and in exports), so the question is marked removed rather than deleted."""
    permit(session, Permission.RECORD_INQUIRY, factory_id)
    session.record("lead.question_removed", factory=factory_id, question=question_id)
    require_factory(session, factory_id)
    question = _own_question(session, factory_id, question_id)
    if question.removed_at is None:
        question.removed_at = utcnow()
        session.flush()
    return _info(question)


def resolve_answers(
    session: Session, factory_id: int, answers: Iterable[tuple[int, str]]
) -> list[tuple[int, str]]:
    """Check ``(question id, value)`` pairs against the factory's questions; the values to store.

    A choice may be given as the option's text (any case) or its number (1 = first option).
    A one-choice question takes one value, a text question one text; empty values are dropped.
    """
    pairs = [(qid, clean_text(value)) for qid, value in answers]
    given = [(qid, value) for qid, value in pairs if value is not None]
    if not given:
        return []
    questions = {
        q.id: q
        for q in session.scalars(
            select(LeadQuestion).where(
                LeadQuestion.factory_id == factory_id,
                LeadQuestion.id.in_({qid for qid, _ in given}),
            )
        )
    }
    resolved: dict[int, list[str]] = {}
    for qid, value in given:
        question = questions.get(qid)
        if question is None or question.removed_at is not None:
            raise QuestionError(
                f"Question {qid} is not one of this factory's questions; "
                f"`python -m expo inquiries questions --factory {factory_id} list` shows them."
            )
        values = resolved.setdefault(qid, [])
        if question.kind == QuestionKind.TEXT:
            if len(value) > MAX_ANSWER_TEXT:
                raise QuestionError(
                    f"The answer to {question.text!r} is longer than {MAX_ANSWER_TEXT} characters."
                )
            if values:
                raise QuestionError(f"{question.text!r} takes one text answer.")
            values.append(value)
            continue
        option = _option(question, value)
        if option in values:
            continue
        if question.kind == QuestionKind.ONE and values:
            raise QuestionError(f"{question.text!r} takes one option; give only one.")
        values.append(option)
    return [(qid, value) for qid, values in resolved.items() for value in values]


def _option(question: LeadQuestion, value: str) -> str:
    options = list(question.options or ())
    for option in options:
        if option.casefold() == value.casefold():
            return option
    if value.isdigit() and 1 <= int(value) <= len(options):
        return options[int(value) - 1]
    numbered = ", ".join(f"{n} {o}" for n, o in enumerate(options, 1))
    raise QuestionError(f"{value!r} is not an option of {question.text!r}; choose: {numbered}.")


def answers_by_lead(
    session: Session, factory_id: int, lead_ids: Iterable[int] | None = None
) -> dict[int, dict[int, tuple[str, ...]]]:
    """Each lead's answers, question by question, as the newest inquiry that answered gave them."""
    # Newest inquiry first; the first inquiry seen for a (lead, question) is the one that counts.
    # Its id is compared, not its time: no datetime is built per answer row.
    query = (
        select(
            InquiryAnswer.lead_id,
            InquiryAnswer.question_id,
            InquiryAnswer.value,
            InquiryAnswer.inquiry_id,
        )
        .join(Inquiry, Inquiry.id == InquiryAnswer.inquiry_id)
        .where(InquiryAnswer.factory_id == factory_id)
        .order_by(Inquiry.at.desc(), Inquiry.id.desc(), InquiryAnswer.id)
    )
    if lead_ids is not None:
        query = query.where(InquiryAnswer.lead_id.in_(list(lead_ids)))
    found: dict[int, dict[int, list[str]]] = {}
    newest: dict[tuple[int, int], int] = {}
    for lead_id, question_id, value, inquiry_id in session.execute(query).tuples():
        if newest.setdefault((lead_id, question_id), inquiry_id) != inquiry_id:
            continue  # an older inquiry's answer to a question answered again since
        found.setdefault(lead_id, {}).setdefault(question_id, []).append(value)
    return {
        lead: {q: tuple(values) for q, values in by_question.items()}
        for lead, by_question in found.items()
    }


def answers_of_inquiries(
    session: Session, factory_id: int, inquiry_ids: Iterable[int]
) -> dict[int, dict[int, tuple[str, ...]]]:
    """The answers recorded with each inquiry, question by question."""
    ids = list(inquiry_ids)
    found: dict[int, dict[int, list[str]]] = {}
    if not ids:
        return {}
    rows = session.execute(
        select(InquiryAnswer.inquiry_id, InquiryAnswer.question_id, InquiryAnswer.value)
        .where(InquiryAnswer.factory_id == factory_id, InquiryAnswer.inquiry_id.in_(ids))
        .order_by(InquiryAnswer.id)
    )
    for inquiry_id, question_id, value in rows:
        found.setdefault(inquiry_id, {}).setdefault(question_id, []).append(value)
    return {i: {q: tuple(v) for q, v in by_q.items()} for i, by_q in found.items()}


@dataclass(frozen=True)
class AnswerCount:
    question: QuestionInfo
    counts: tuple[tuple[str, int], ...]  # (option, leads that chose it); text: ("answered", n)


def answer_counts(session: Session, factory_id: int) -> list[AnswerCount]:
    """How many of the factory's leads gave each answer (each lead counted once per option)."""
    questions = list_questions(session, factory_id)
    rows = session.execute(
        select(
            InquiryAnswer.question_id,
            InquiryAnswer.value,
            func.count(func.distinct(InquiryAnswer.lead_id)),
        )
        .where(InquiryAnswer.factory_id == factory_id)
        .group_by(InquiryAnswer.question_id, InquiryAnswer.value)
    )
    by_question: dict[int, dict[str, int]] = {}
    for question_id, value, count in rows:
        by_question.setdefault(question_id, {})[value] = count
    text_answered = dict(
        session.execute(
            select(InquiryAnswer.question_id, func.count(func.distinct(InquiryAnswer.lead_id)))
            .where(InquiryAnswer.factory_id == factory_id)
            .group_by(InquiryAnswer.question_id)
        )
        .tuples()
        .all()
    )
    result = []
    for question in questions:
        values = by_question.get(question.id, {})
        if question.kind == QuestionKind.TEXT:
            counts: tuple[tuple[str, int], ...] = (("answered", text_answered.get(question.id, 0)),)
        else:
            counts = tuple((option, values.get(option, 0)) for option in question.options)
        result.append(AnswerCount(question, counts))
    return result
