"""Recording, withdrawing, listing decisions; who may; the events they leave."""

from __future__ import annotations

import pytest
from decisionkit import People
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.accounts import Actor
from jingwang.accounts.errors import AccessDenied
from jingwang.core.domains import DomainError
from jingwang.decisions.errors import (
    AlreadyWithdrawn,
    ContradictsDecision,
    DecisionNotFound,
    InvalidDecision,
)
from jingwang.decisions.models import Decision
from jingwang.decisions.service import (
    can_decide,
    confirmed_illegal,
    decision_target,
    list_decisions,
    record_decision,
    withdraw_decision,
)
from jingwang.store.outbox import OutboxEvent


def _events(session: Session) -> list[tuple[str, dict[str, object]]]:
    query = select(OutboxEvent).where(OutboxEvent.name.like("decisions.%"))
    return [(row.name, row.payload) for row in session.scalars(query.order_by(OutboxEvent.id))]


def test_a_url_or_host_is_reduced_to_its_registrable_domain() -> None:
    assert decision_target("http://WAP.Porn.test:8080/a/../b?x=1#top").domain == "porn.test"
    assert (
        decision_target("http://WAP.Porn.test:8080/a/../b?x=1").url == "http://wap.porn.test/b?x=1"
    )
    assert decision_target(" m.例子.中国 ").domain == "xn--fsqu00a.xn--fiqs8s"
    assert decision_target("m.porn.test").url is None
    for bad in ("com.cn", "http://10.0.0.1/", "1.2.3.4"):
        with pytest.raises(DomainError):
            decision_target(bad)
    with pytest.raises(InvalidDecision):
        decision_target("  ")


def test_record_confirms_once_per_domain_and_verdict(session: Session, people: People) -> None:
    first = record_decision(session, people.reviewer, "http://m.porn.test/x", "porn", "nudes")
    assert (first.domain, first.url, first.state) == (
        "porn.test",
        "http://m.porn.test/x",
        "confirmed",
    )
    assert first.decided_by == "centre-reviewer"
    again = record_decision(session, people.reviewer, "wap.porn.test", "PORN", "seen again")
    assert again.id == first.id
    other = record_decision(session, people.reviewer, "porn.test", "unfiled", "no filing")
    assert other.id != first.id
    recorded = _events(session)
    assert [name for name, _ in recorded] == ["decisions.recorded", "decisions.recorded"]
    assert recorded[0][1]["object_id"] == str(first.id)
    assert recorded[0][1]["verdict"] == "porn"
    assert recorded[0][1]["actor"]["id"] == "centre-reviewer"


def test_legal_and_illegal_verdicts_cannot_both_stand(session: Session, people: People) -> None:
    porn = record_decision(session, people.reviewer, "porn.test", "porn", "nudes")
    with pytest.raises(ContradictsDecision, match="withdraw it"):
        record_decision(session, people.reviewer, "porn.test", "legal", "fine")
    withdraw_decision(session, people.reviewer, porn.id, "was a mistake")
    legal = record_decision(session, people.reviewer, "porn.test", "legal", "fine")
    with pytest.raises(ContradictsDecision):
        record_decision(session, people.reviewer, "porn.test", "fraud", "a scam")
    assert legal.verdict == "legal"


def test_bad_verdicts_and_reasons_are_refused(session: Session, people: People) -> None:
    with pytest.raises(InvalidDecision, match="not a verdict"):
        record_decision(session, people.reviewer, "porn.test", "naughty", "why")
    with pytest.raises(InvalidDecision, match="reason is empty"):
        record_decision(session, people.reviewer, "porn.test", "porn", "   ")
    with pytest.raises(InvalidDecision, match="longer than"):
        record_decision(session, people.reviewer, "porn.test", "porn", "x" * 2001)


def test_withdraw_keeps_the_row_and_logs_why(session: Session, people: People) -> None:
    decision = record_decision(session, people.reviewer, "porn.test", "porn", "nudes")
    withdrawn = withdraw_decision(session, people.reviewer, decision.id, "the page was legal")
    assert (withdrawn.state, withdrawn.withdrawn_by, withdrawn.reason) == (
        "withdrawn",
        "centre-reviewer",
        "nudes",
    )
    assert withdrawn.withdrawn_at is not None
    assert session.get(Decision, decision.id) is not None
    name, payload = _events(session)[-1]
    assert (name, payload["reason"]) == ("decisions.withdrawn", "the page was legal")
    with pytest.raises(AlreadyWithdrawn):
        withdraw_decision(session, people.reviewer, decision.id, "again")
    with pytest.raises(DecisionNotFound):
        withdraw_decision(session, people.reviewer, 999_999, "nothing")
    with pytest.raises(InvalidDecision):
        withdraw_decision(session, people.reviewer, decision.id, "")


def test_only_global_reviewers_or_regulators_decide(session: Session, people: People) -> None:
    assert can_decide(people.reviewer)
    assert can_decide(Actor.system("tests"))
    for actor in (people.viewer, people.carrier, people.provider, Actor.public()):
        assert not can_decide(actor)
        with pytest.raises(AccessDenied):
            record_decision(session, actor, "porn.test", "porn", "nudes")
    decision = record_decision(session, people.reviewer, "porn.test", "porn", "nudes")
    with pytest.raises(AccessDenied):
        withdraw_decision(session, people.carrier, decision.id, "not porn")


def test_list_filters_and_needs_cases_read(session: Session, people: People) -> None:
    a = record_decision(session, people.reviewer, "porn.test", "porn", "nudes")
    b = record_decision(session, people.reviewer, "casino.test", "gambling", "bets")
    withdraw_decision(session, people.reviewer, b.id, "closed")
    assert [d.id for d in list_decisions(session, people.viewer)] == [b.id, a.id]
    assert [d.id for d in list_decisions(session, people.carrier, domain="m.porn.test")] == [a.id]
    assert [d.id for d in list_decisions(session, people.viewer, state="withdrawn")] == [b.id]
    with pytest.raises(InvalidDecision):
        list_decisions(session, people.viewer, state="maybe")
    with pytest.raises(AccessDenied):
        list_decisions(session, people.provider)


def test_confirmed_illegal_gives_the_standing_illegal_decision(
    session: Session, people: People
) -> None:
    porn = record_decision(session, people.reviewer, "porn.test", "porn", "nudes")
    record_decision(session, people.reviewer, "porn.test", "unfiled", "no filing")
    record_decision(session, people.reviewer, "fine.test", "legal", "fine")
    gone = record_decision(session, people.reviewer, "gone.test", "fraud", "scam")
    withdraw_decision(session, people.reviewer, gone.id, "fixed")
    found = confirmed_illegal(session, ["porn.test", "fine.test", "gone.test", "none.test"])
    assert {domain: d.id for domain, d in found.items()} == {"porn.test": porn.id}
    assert confirmed_illegal(session, []) == {}
