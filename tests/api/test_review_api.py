"""Recorded screenings, alerts and decisions over HTTP, acting as the user a key belongs to."""

from __future__ import annotations

from pathlib import Path

from tests.backend import store_at
from tests.live_server import LiveServer, copy_home
from watchkeeper.store.audit import AuditLog
from watchkeeper.store.review import ReviewStore
from watchkeeper.store.service import ServiceStore
from watchkeeper.store.users import UserStore


def test_record_screening_and_decide_as_the_keys_user(loaded_home: Path, tmp_path: Path) -> None:
    home = copy_home(loaded_home, tmp_path / "home")
    users = UserStore(store_at(home))
    keys = ServiceStore(store_at(home))
    try:
        users.create("carol", "analyst", "a long enough password")
        _, carols = keys.create_key("read", "carol's client", owner="carol")
        _, nobodys = keys.create_key("read", "anonymous client")
    finally:
        users.close()
        keys.close()
    live = LiveServer(home)
    live.start()
    try:
        with live.client(carols) as client:
            missing_id = client.post("/screen", json={"name": "Kim Jong Un", "record": True})
            recorded = client.post(
                "/screen",
                json={"name": "Kim Jong Un", "dob": "1984-01-08", "customer_id": "K-1", "record": True},
            ).json()
            alerts = client.get("/alerts").json()
            alert = next(a for a in alerts if a["entity_id"] == "ofac-sdn:20157")
            no_reason = client.post(
                f"/alerts/{alert['id']}/decision", json={"outcome": "true_match", "reason": ""}
            )
            decided = client.post(
                f"/alerts/{alert['id']}/decision",
                json={"outcome": "true_match", "reason": "DOB and name agree"},
            )
            missing = client.post("/alerts/99999/decision", json={"outcome": "closed", "reason": "x"})
        with live.client(nobodys) as client:
            ownerless = client.post(
                f"/alerts/{alert['id']}/decision", json={"outcome": "closed", "reason": "x"}
            )
    finally:
        live.stop()
    assert missing_id.status_code == 400
    assert missing_id.json()["detail"].startswith("customer_id: required")
    assert recorded["run"].startswith("api-")
    assert alert["id"] in recorded["alerts_raised"]
    assert alert["customer_id"] == "K-1"
    assert no_reason.status_code == 422
    assert decided.status_code == 200
    assert decided.json()["state"] == "true_match"
    assert missing.status_code == 404
    assert ownerless.status_code == 403
    assert "acts for no user" in ownerless.json()["detail"]
    review = ReviewStore(store_at(home))
    try:
        entries = AuditLog(review.db).entries()
        (run,) = review.runs()
    finally:
        review.close()
    decision = next(e for e in entries if e.action == "alert.decide")
    assert decision.actor == "carol"
    assert (run.kind, run.actor, run.rows) == ("api", "carol", 1)


def test_changing_a_stored_customer_needs_write_scope_and_is_kept_in_its_history(
    loaded_home: Path, tmp_path: Path
) -> None:
    home = copy_home(loaded_home, tmp_path / "home")
    keys = ServiceStore(store_at(home))
    try:
        _, reader = keys.create_key("read", "onboarding")
        _, writer = keys.create_key("write", "customer master data")
    finally:
        keys.close()
    live = LiveServer(home)
    live.start()
    first = {"name": "Kim Jong Un", "dob": "1984-01-08", "customer_id": "K-9", "record": True}
    forged = {"name": "Someone Harmless", "customer_id": "K-9", "record": True}
    try:
        with live.client(reader) as client:
            created = client.post("/screen", json=first)
            same_again = client.post("/screen", json=first)  # re-screening unchanged data is a read
            refused = client.post("/screen", json=forged)
        with live.client(writer) as client:
            changed = client.post("/screen", json={**forged, "name": "Kim Jong Un Junior"})
    finally:
        live.stop()
    assert (created.status_code, same_again.status_code) == (200, 200)
    assert refused.status_code == 403
    assert "needs a key with scope 'write'" in refused.json()["detail"]
    assert changed.status_code == 200
    review = ReviewStore(store_at(home))
    try:
        assert review.customer("K-9").name == "Kim Jong Un Junior"
        (history,) = review.customer_history("K-9")
        assert history["before"]["name"] == "Kim Jong Un"  # type: ignore[index]
        assert history["after"]["name"] == "Kim Jong Un Junior"  # type: ignore[index]
        assert str(history["actor"]).startswith("key:")
        audited = [e for e in AuditLog(review.db).entries() if e.action == "customer.change"]
        assert [e.subject for e in audited] == ["customer:K-9"]
    finally:
        review.close()
