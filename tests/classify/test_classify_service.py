"""The verdict service on a real database, with real captures of a loopback web.

Pages are probed and recorded by the prober (WARC and all); the classifier reads them back
from the capture's summary and WARC, scores the images with the real open_nsfw model (counted,
not mocked) and keeps verdicts, image scores and site verdicts.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from verdictkit import BANNER, FAVICON, PHOTO, CountingNsfw, World, lexicon_classifier

from accounts.accountkit import make_org, make_user
from jingwang.accounts.actors import actor_for_user
from jingwang.accounts.errors import AccessDenied
from jingwang.classify import service
from jingwang.classify.classifier import Classifier
from jingwang.classify.errors import HashNotFound, VerdictNotFound
from jingwang.classify.images.decode import decode_image
from jingwang.classify.images.pdq import PdqHashError, pdq_hash
from jingwang.classify.models import ImageRow, KnownHash, VerdictRow
from jingwang.classify.verdicts import classify_capture
from jingwang.errors import InvalidInput
from jingwang.probe.errors import CaptureNotFound
from jingwang.probe.models import Capture
from jingwang.store.outbox import OutboxEvent
from probe.servicekit import People, make_people

pytestmark = [pytest.mark.db, pytest.mark.slow]


@pytest.fixture(scope="module")
def nsfw() -> CountingNsfw:
    return CountingNsfw()


@pytest.fixture
def classifier(nsfw: CountingNsfw) -> Classifier:
    nsfw.scored = 0
    return lexicon_classifier(nsfw)


@pytest.fixture
def session(world: World) -> Iterator[Session]:
    with world.db.session() as session:
        yield session


@pytest.fixture
def people(session: Session) -> People:
    return make_people(session)


def _judge(world: World, classifier: Classifier, capture_id: int, **kw: bool) -> VerdictRow:
    with world.db.session() as session:
        row = classify_capture(session, world.blobs, classifier, capture_id, **kw)
        session.expunge(row)
        return row


def _events(world: World) -> list[dict[str, object]]:
    with world.db.session() as session:
        rows = session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.name == "classify.verdict_reached")
            .order_by(OutboxEvent.id)
        )
        return [row.payload for row in rows]


def test_a_porn_capture_is_porn_with_phrases_identifiers_and_its_images(
    world: World, classifier: Classifier, nsfw: CountingNsfw
) -> None:
    capture_id = world.capture("porn.hot.test", "/porn")
    row = _judge(world, classifier, capture_id)
    assert (row.subject, row.capture_id, row.label, row.current) == (
        "capture",
        capture_id,
        "porn",
        True,
    )
    assert (row.domain, row.host) == ("hot.test", "porn.hot.test")
    assert row.versions == classifier.versions
    assert row.versions_key == classifier.versions_key
    assert row.thresholds == {"porn": 0.8, "suspect": 0.3}
    codes = [reason["code"] for reason in row.reasons]
    assert codes[0].startswith("lexicon.")
    assert {"lexicon.porn", "lexicon.sex_services", "identifiers.qq", "identifiers.phone"} <= set(
        codes
    )
    qq = next(r for r in row.reasons if r["code"] == "identifiers.qq")
    assert qq["evidence"]["values"] == ["12345678"]
    # The spans stored with the verdict point into service.page_text of the capture.
    text = service.page_text(world.row(capture_id).summary)
    assert text.startswith("免费成人视频\n\n")
    assert row.text is not None
    for hit in row.text["hits"]:
        for (start, end), matched in zip(hit["spans"], hit["matched"], strict=True):
            assert text[start:end] == matched
    start, end = qq["evidence"]["spans"][0]
    assert "12345678" in text[start:end]
    # Both images were read from the WARC and scored; the favicon was not.
    assert [image["url"].rsplit("/", 1)[1] for image in row.images] == ["banner.png", "photo.jpg"]
    assert all(image["nsfw"] is not None and image["pdq"] for image in row.images)
    assert all(image["nsfw"] < 0.5 for image in row.images)  # benign pictures
    assert nsfw.scored == 2
    event = _events(world)[0]
    assert (event["subject"], event["capture_id"], event["label"]) == (
        "capture",
        capture_id,
        "porn",
    )


def test_capture_images_come_from_the_warc_without_the_favicon(world: World) -> None:
    capture_id = world.capture("www.hot.test", "/porn")
    with world.db.session() as session:
        capture = session.get(Capture, capture_id)
        assert capture is not None
        images = service.capture_images(world.blobs, session, capture)
        assert [item.data for item in images] == [BANNER, PHOTO]
        assert FAVICON not in [item.data for item in images]
        assert [item.media_type for item in images] == ["image/png", "image/jpeg"]
        assert service.capture_images(world.blobs, session, capture, limit=1)[0].data == BANNER


def test_clean_pages_and_hard_negatives_are_clean(world: World, classifier: Classifier) -> None:
    clean = _judge(world, classifier, world.capture("m.weather.test", "/clean"))
    assert clean.label == "clean"
    health = _judge(world, classifier, world.capture("m.clinic.test", "/health"))
    assert health.label == "clean"
    good = next(r for r in health.reasons if r["code"] == "lexicon.good")
    assert good["contribution"] < 0
    assert "性健康" in good["zh"]


def test_an_image_is_scored_once_and_its_hash_kept(
    world: World, classifier: Classifier, nsfw: CountingNsfw
) -> None:
    first = world.capture("porn.hot.test", "/porn")
    second = world.capture("mirror.hot2.test", "/mirror")  # the same banner, another site
    _judge(world, classifier, first)
    assert nsfw.scored == 2
    mirror = _judge(world, classifier, second)
    assert nsfw.scored == 2  # the banner's score came from classify_images
    assert mirror.images[0]["nsfw"] is not None
    assert mirror.images[0]["url"].endswith("banner.png")
    with world.db.session() as session:
        rows = list(session.scalars(select(ImageRow).order_by(ImageRow.id)))
    assert len(rows) == 2
    assert all(row.model_version == classifier.versions["image_model"] for row in rows)
    assert all(row.pdq and row.pdq_quality is not None for row in rows)
    assert all(row.pdq_variants and row.pdq_variants.split(",")[0] == row.pdq for row in rows)
    assert rows[0].first_capture_id == first


def test_verdicts_keep_their_history_and_one_is_current(
    world: World, classifier: Classifier, session: Session, people: People
) -> None:
    capture_id = world.capture("porn.hot.test", "/porn", org_id=people.carrier.org_id)
    first = _judge(world, classifier, capture_id)
    again = _judge(world, classifier, capture_id)
    assert again.id == first.id  # made by the same classifier: nothing new
    forced = _judge(world, classifier, capture_id, force=True)
    assert forced.id != first.id
    assert forced.previous_label == "porn"
    history = service.verdict_history(session, people.carrier, capture_id)
    assert [row.id for row in history] == [forced.id, first.id]
    assert [row.current for row in history] == [True, False]
    current = service.current_verdict(session, people.carrier, capture_id)
    assert current is not None
    assert current.id == forced.id
    assert service.get_verdict(session, people.carrier, first.id).current is False
    capture_events = [e for e in _events(world) if e["subject"] == "capture"]
    assert [e["object_id"] for e in capture_events] == [str(first.id), str(forced.id)]
    assert capture_events[1]["previous_label"] == "porn"


def test_a_site_is_judged_by_its_worst_page_and_refreshed(
    world: World, classifier: Classifier, session: Session, people: People
) -> None:
    org = people.carrier.org_id
    clean_id = world.capture("www.hot.test", "/clean", org_id=org)
    _judge(world, classifier, clean_id)
    site = service.site_verdict(session, people.carrier, "hot.test")
    assert site is not None
    assert (site.subject, site.domain, site.label, site.captures) == (
        "site",
        "hot.test",
        "clean",
        [clean_id],
    )
    porn_id = world.capture("porn.hot.test", "/porn", org_id=org)
    porn = _judge(world, classifier, porn_id)
    site = service.site_verdict(session, people.carrier, "http://m.hot.test/any")
    assert site is not None
    assert (site.label, site.score, site.previous_label) == ("porn", porn.score, "clean")
    assert site.captures == [porn_id, clean_id]
    assert site.reasons[0]["code"] == "site.page"
    assert site.reasons[0]["evidence"]["capture_id"] == porn_id
    pages = next(r for r in site.reasons if r["code"] == "site.pages")
    assert pages["evidence"]["counts"] == {"clean": 1, "porn": 1}
    rows = session.scalars(select(VerdictRow).where(VerdictRow.subject == "site"))
    assert sorted(row.current for row in rows) == [False, True]
    # Judging again with the same classifier writes nothing, the site verdict included.
    _judge(world, classifier, porn_id)
    assert (
        session.scalar(select(func.count(VerdictRow.id)).where(VerdictRow.subject == "site")) == 2
    )


def test_reading_needs_classify_read_and_the_captures_reach(
    world: World, classifier: Classifier, session: Session, people: People
) -> None:
    capture_id = world.capture("porn.hot.test", "/porn", org_id=people.carrier.org_id)
    row = _judge(world, classifier, capture_id)
    with pytest.raises(AccessDenied):
        service.current_verdict(session, people.provider, capture_id)
    with pytest.raises(AccessDenied):
        service.list_verdicts(session, people.provider)
    with pytest.raises(CaptureNotFound):
        service.current_verdict(session, people.other_carrier, capture_id)
    with pytest.raises(VerdictNotFound):
        service.get_verdict(session, people.other_carrier, row.id)
    assert service.list_verdicts(session, people.other_carrier) == ([], 0)
    assert service.site_verdict(session, people.other_carrier, "hot.test") is None
    for reader in (people.carrier, people.centre):
        rows, total = service.list_verdicts(session, reader)
        assert [r.id for r in rows] == [row.id]
        assert total == 1
    assert service.get_verdict(session, people.centre, row.id).id == row.id
    site = service.site_verdict(session, people.centre, "hot.test")
    assert site is not None
    assert service.get_verdict(session, people.carrier, site.id).subject == "site"
    sites, total = service.list_verdicts(session, people.carrier, subject="site")
    assert total == 1
    assert sites[0].domain == "hot.test"


def test_judging_now_needs_classify_run(
    world: World, classifier: Classifier, session: Session, people: People
) -> None:
    capture_id = world.capture("porn.hot.test", "/porn", org_id=people.carrier.org_id)
    with pytest.raises(AccessDenied):
        service.judge_capture(session, world.blobs, classifier, people.police, capture_id)
    with pytest.raises(CaptureNotFound):
        service.judge_capture(session, world.blobs, classifier, people.other_carrier, capture_id)
    row = service.judge_capture(session, world.blobs, classifier, people.carrier, capture_id)
    assert row.label == "porn"
    again = service.judge_capture(session, world.blobs, classifier, people.carrier, capture_id)
    assert again.id != row.id  # judging now is forced by default
    event = _events(world)[0]
    assert event["actor"]["id"] == "carrier-reviewer"


def test_verdict_lists_filter_by_label_score_and_domain(
    world: World, classifier: Classifier, session: Session, people: People
) -> None:
    porn = _judge(world, classifier, world.capture("porn.hot.test", "/porn"))
    clean = _judge(world, classifier, world.capture("m.weather.test", "/clean"))
    centre = people.centre
    assert [r.id for r in service.list_verdicts(session, centre)[0]] == [porn.id, clean.id]
    assert [r.id for r in service.list_verdicts(session, centre, label="clean")[0]] == [clean.id]
    assert [r.id for r in service.list_verdicts(session, centre, min_score=0.5)[0]] == [porn.id]
    assert [r.id for r in service.list_verdicts(session, centre, domain="weather.test")[0]] == [
        clean.id
    ]
    rows, total = service.list_verdicts(session, centre, limit=1, offset=1)
    assert ([r.id for r in rows], total) == ([clean.id], 2)
    with pytest.raises(InvalidInput):
        service.list_verdicts(session, centre, label="nasty")


def test_a_refused_capture_is_unknown(world: World, classifier: Classifier) -> None:
    capture_id = world.capture("10.0.0.1", "/")
    row = _judge(world, classifier, capture_id)
    assert (row.label, row.score) == ("unknown", 0.0)
    assert row.reasons[0]["code"] == "outcome.refused"
    assert row.images == []


def test_a_known_image_makes_a_page_porn(
    world: World, classifier: Classifier, session: Session, people: People
) -> None:
    analyst = actor_for_user(
        session,
        make_user(
            session, make_org(session, "Centre", "reporting_centre"), "hash-analyst", ["analyst"]
        ),
    )
    photo_hash, quality = pdq_hash(decode_image(PHOTO, "image/jpeg", max_pixels=10**7).image)
    assert quality >= 50
    with pytest.raises(AccessDenied):
        service.import_known_hashes(session, people.centre, photo_hash, source="hotline")
    with pytest.raises(PdqHashError) as bad:
        service.import_known_hashes(session, analyst, f"{photo_hash}\nnot-a-hash\n", source="x")
    assert bad.value.code == "classify.hash_invalid"
    assert "line 2" in bad.value.message
    report = service.import_known_hashes(
        session, analyst, f"# list\n{photo_hash},porn\n", source="hotline"
    )
    assert (report.added, report.known) == (1, 0)
    again = service.import_known_hashes(session, analyst, photo_hash, source="hotline")
    assert (again.added, again.known) == (0, 1)
    rows, total = service.list_known_hashes(session, analyst)
    assert total == 1
    assert rows[0].pdq == photo_hash
    assert rows[0].added_by == "hash-analyst"
    knowing = classifier.with_known(service.known_index(session))
    capture_id = world.capture("m.weather.test", "/clean")
    row = _judge(world, knowing, capture_id)
    assert row.label == "porn"
    known = next(r for r in row.reasons if r["code"] == "image.known")
    assert known["evidence"]["known"]["hash_id"] == rows[0].id
    assert known["evidence"]["url"].endswith("photo.jpg")
    service.delete_known_hash(session, analyst, rows[0].id)
    assert session.scalar(select(func.count(KnownHash.id))) == 0
    with pytest.raises(HashNotFound):
        service.delete_known_hash(session, analyst, rows[0].id)
