"""Recording the ICP numbers a page shows: one row per number, or one saying there is none."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.core.domains import DomainError
from jingwang.core.url import URLError
from jingwang.registry.models import Domain
from jingwang.registry.observations import page_domain, record_page_numbers

SEEN = dt.datetime(2010, 5, 1, 8, 30, tzinfo=dt.UTC)


def test_numbers_are_stored_canonical_and_invalid_ones_as_printed(session: Session) -> None:
    text = "粤ＩＣＰ备０９０１２３４５号－１ | 粤ICP备09012345号-1 | 京ICP备XXXXXXXX号"
    rows = record_page_numbers(
        session, "https://WAP.Example.com.cn/a?b=1", text, capture_ref="cap-9", observed_at=SEEN
    )
    assert [(r.number, r.text) for r in rows] == [
        ("粤ICP备09012345号-1", None),
        (None, "京ICP备XXXXXXXX号"),
    ]
    assert {r.url for r in rows} == {"https://wap.example.com.cn/a?b=1"}
    assert {(r.source, r.capture_ref, r.observed_at) for r in rows} == {("probe", "cap-9", SEEN)}
    domain = session.scalars(select(Domain).where(Domain.id == rows[0].domain_id)).one()
    assert (domain.name, domain.first_seen) == ("example.com.cn", SEEN.date())


def test_a_page_without_a_number_is_recorded_too(session: Session) -> None:
    (row,) = record_page_numbers(session, "shop.test/footer", "© 2010 shop", source="manual")
    assert (row.number, row.text, row.source, row.url) == (
        None,
        None,
        "manual",
        "http://shop.test/footer",
    )


def test_pages_under_no_domain_are_refused() -> None:
    assert page_domain("m.shop.test") == ("http://m.shop.test/", "shop.test")
    with pytest.raises(URLError):
        page_domain("http://10.1.2.3/")
    with pytest.raises(DomainError):
        page_domain("http://com.cn/")
