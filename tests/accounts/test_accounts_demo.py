"""The demo organisations and users: the parties of the plan, one login per role."""

from __future__ import annotations

from collections import Counter

from accountkit import cheap_config
from sqlalchemy import select

from jingwang.accounts import DEMO_PASSWORD, seed_demo_accounts
from jingwang.accounts.login import LoginAttempt, log_in
from jingwang.accounts.models import Organisation, User
from jingwang.store.base import utcnow


def test_demo_accounts_cover_the_plan_and_log_in(db):
    with db.session() as session:
        logins = seed_demo_accounts(session)
        again = seed_demo_accounts(session)  # idempotent
        kinds = Counter(session.scalars(select(Organisation.kind)))
        users = session.scalars(select(User)).all()
    assert [login.username for login in again] == [login.username for login in logins]
    assert len(users) == len(logins)
    assert kinds["regulator"] == 3
    assert kinds["carrier"] == 7
    assert kinds["access_provider"] == 2
    assert kinds["reseller"] == 4
    assert kinds["search_engine"] == 2
    assert kinds["police"] == 1
    assert kinds["reporting_centre"] == 1
    assert kinds["registry"] == 1
    assert kinds["sp"] == 2
    centre_roles = {login.roles[0] for login in logins if login.org_kind == "reporting_centre"}
    assert centre_roles == {"admin", "analyst", "reviewer", "liaison", "viewer", "auditor"}
    assert all(login.password == DEMO_PASSWORD for login in logins)
    result = log_in(db, LoginAttempt("rc-admin", DEMO_PASSWORD), cheap_config(), utcnow())
    assert result.session.stage == "full"
