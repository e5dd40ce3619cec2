from sqlalchemy import text


def test_db_fixture_runs_in_one_transaction(db):
    with db.session() as s:
        assert s.execute(text("SELECT 1")).scalar() == 1
