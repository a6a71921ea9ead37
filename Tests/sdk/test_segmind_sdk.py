"""The official Segmind SDK (1.3.0) against the provider simulator.

Proves the simulator speaks Segmind the way the SDK expects: v2 submit/poll/result,
FAILED as HTTP 422 raising InferenceFailed, v1 run_sync returning MP4 bytes with
x-remaining-credits, and the request history (generations.history / generations.get).
SIM_URL is the simulator's origin, e.g. http://127.0.0.1:9090; SIM_HISTORY_LAG the
simulator's --history-lag in seconds.
"""

import json
import os
import urllib.request
import uuid

import httpx
import pytest
from segmind import InferenceFailed, SegmindClient, SegmindError
from segmind.generations import REQUEST_HISTORY_URL

SIM_URL = os.environ["SIM_URL"].rstrip("/")
HISTORY_LAG = float(os.environ.get("SIM_HISTORY_LAG", "5"))
PAYLOAD = {"prompt": "a paper boat on a pond", "duration": 4, "resolution": "720p", "generate_audio": False}


def admin(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(SIM_URL + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        raw = response.read()
        return json.loads(raw) if raw else None


@pytest.fixture(autouse=True)
def clean_simulator():
    admin("DELETE", "/_sim/faults")
    yield
    admin("DELETE", "/_sim/faults")


@pytest.fixture
def client():
    return SegmindClient(api_key="sdk-test-key", base_url=SIM_URL + "/v1")


def test_submit_async_wait_returns_completed_body(client):
    job = client.submit_async("veo-3.1-lite", **PAYLOAD)
    assert job.request_id
    result = job.wait(timeout=30, interval=0.2)
    assert result["status"] == "COMPLETED"
    assert result["output"].startswith(SIM_URL + "/files/")
    assert result["metrics"]["cost"] == 0.25
    assert "remaining_credits" in result["metrics"]
    with urllib.request.urlopen(result["output"]) as video:
        assert video.headers["Content-Type"] == "video/mp4"
        assert video.read()[4:8] == b"ftyp"


def test_run_is_v2_and_returns_completed_body(client):
    result = client.run("veo-3.1-fast", **PAYLOAD)
    assert result["status"] == "COMPLETED"
    assert result["output"]


def test_failed_request_raises_inference_failed(client):
    admin("POST", "/_sim/faults", {"rules": [], "fail_rate": 1.0})
    job = client.submit_async("veo-3", **PAYLOAD)
    with pytest.raises(InferenceFailed) as failure:
        job.wait(timeout=30, interval=0.2)
    assert failure.value.detail
    assert failure.value.status_body["status"] == "FAILED"
    # the SDK tolerates the 422 on the result endpoint too
    assert job.result()["status"] == "FAILED"


def test_run_sync_returns_mp4_bytes_with_remaining_credits(client):
    response = client.run_sync("veo-3.1-lite", **PAYLOAD)
    assert response.headers["content-type"] == "video/mp4"
    assert response.content[4:8] == b"ftyp"
    assert float(response.headers["x-remaining-credits"]) >= 0
    assert response.headers["x-cost"] == "0.25"


def test_bad_parameters_raise_segmind_error_with_detail(client):
    with pytest.raises(SegmindError) as error:
        client.run_sync("veo-3.1-fast", prompt="x", duration=5)
    assert error.value.status == 400
    assert "use 4, 6 or 8" in error.value.detail


def test_missing_key_is_401(monkeypatch):
    monkeypatch.delenv("SEGMIND_API_KEY", raising=False)
    anonymous = SegmindClient(api_key=None, base_url=SIM_URL + "/v1")
    with pytest.raises(SegmindError) as error:
        anonymous.submit_async("veo-3.1-lite", **PAYLOAD)
    assert error.value.status == 401


def test_unknown_request_id_is_404(client):
    job = client.submit_async("veo-3.1-lite", **PAYLOAD)
    job.status_url = job.status_url.replace(job.request_id, "does-not-exist")
    with pytest.raises(SegmindError) as error:
        job.status()
    assert error.value.status == 404


# --- the request history: generations.history(...) and generations.get(id) ---------------
# Both call a fixed host (the SDK's REQUEST_HISTORY_URL). Like a hosts-file entry,
# `route_history_to_simulator` sends that host's requests to the simulator; the SDK's code,
# paths and query parameters are used exactly as shipped. Each test uses a fresh API key:
# the simulator keeps one history per key.


def route_history_to_simulator(client):
    history = httpx.URL(REQUEST_HISTORY_URL)
    sim = httpx.URL(SIM_URL)

    def redirect(request):
        if request.url.host == history.host:
            request.url = request.url.copy_with(scheme=sim.scheme, host=sim.host, port=sim.port)
            request.headers["Host"] = sim.netloc.decode()

    client._client.event_hooks = {"request": [redirect], "response": []}
    return client


@pytest.fixture
def key():
    return "sdk-books-" + uuid.uuid4().hex


@pytest.fixture
def books_client(key):
    return route_history_to_simulator(SegmindClient(api_key=key, base_url=SIM_URL + "/v1"))


def past_the_lag():
    admin("POST", "/_sim/clock", {"advance_seconds": HISTORY_LAG + 0.5})


def outside(key, model="veo-3.1-lite", body=None, **fields):
    """A request made with the same key but not through Reelbase, already landed."""
    request = {"api_key": key, "model": model, "request_body": body or dict(PAYLOAD),
               "seconds_ago": HISTORY_LAG + 1, **fields}
    return admin("POST", "/_sim/history", request)


def rows_by_id(page):
    return {row["request_id"]: row for row in page["data"]}


def test_history_lists_every_request_as_sent_with_its_cost_and_outcome(books_client):
    done = books_client.submit_async("veo-3.1-lite", **PAYLOAD)
    result = done.wait(timeout=30, interval=0.2)
    admin("POST", "/_sim/faults", {"rules": [], "fail_rate": 1.0})
    failing_body = dict(PAYLOAD, prompt="a paper boat that sinks")
    failing = books_client.submit_async("veo-3.1-fast", **failing_body)
    with pytest.raises(InferenceFailed):
        failing.wait(timeout=30, interval=0.2)
    admin("DELETE", "/_sim/faults")
    sync_body = dict(PAYLOAD, prompt="a paper boat, synchronously")
    sync = books_client.run_sync("veo-3.1-lite", **sync_body)
    past_the_lag()

    rows = rows_by_id(books_client.generations.history(per_page=100))
    assert set(rows) == {done.request_id, failing.request_id, sync.headers["x-request-id"]}

    completed = rows[done.request_id]
    assert completed["model_name"] == "veo-3.1-lite"
    assert completed["model_status"] == "COMPLETED"
    assert completed["credits_deduction"] == result["metrics"]["cost"] == 0.25
    assert completed["request_body"] == PAYLOAD
    assert completed["generation_url"] == result["output"]
    assert completed["latency_ms"] >= 0
    assert completed["created_at"] and completed["updated_at"]

    failed = rows[failing.request_id]
    assert failed["model_status"] == "FAILED"
    assert failed["credits_deduction"] == 0
    assert failed["error"]
    assert failed["generation_url"] is None
    assert failed["request_body"] == failing_body

    v1 = rows[sync.headers["x-request-id"]]
    assert v1["model_status"] == "COMPLETED"
    assert v1["credits_deduction"] == float(sync.headers["x-cost"])
    assert v1["request_body"] == sync_body


def test_get_returns_one_request_and_only_your_own(books_client):
    job = books_client.submit_async("veo-3.1-lite", **PAYLOAD)
    job.wait(timeout=30, interval=0.2)
    past_the_lag()
    row = books_client.generations.get(job.request_id)
    assert row["request_id"] == job.request_id
    assert row["model_status"] == "COMPLETED"
    assert row["request_body"] == PAYLOAD
    assert row == rows_by_id(books_client.generations.history())[job.request_id]

    stranger = route_history_to_simulator(SegmindClient(api_key="someone-else-" + uuid.uuid4().hex, base_url=SIM_URL + "/v1"))
    with pytest.raises(SegmindError) as error:
        stranger.generations.get(job.request_id)
    assert error.value.status == 404
    with pytest.raises(SegmindError) as error:
        books_client.generations.get("no-such-request")
    assert error.value.status == 404


def test_a_new_request_appears_only_after_the_history_lag(books_client):
    if HISTORY_LAG <= 0:
        pytest.skip("the simulator runs without a history lag")
    job = books_client.submit_async("veo-3.1-lite", **PAYLOAD)
    assert job.request_id not in rows_by_id(books_client.generations.history())
    with pytest.raises(SegmindError) as error:
        books_client.generations.get(job.request_id)
    assert error.value.status == 404
    past_the_lag()
    assert job.request_id in rows_by_id(books_client.generations.history())
    assert books_client.generations.get(job.request_id)["request_id"] == job.request_id


def test_pages_hold_1_to_100_rows_and_the_window_at_most_31_days(books_client, key):
    made = [outside(key, body=dict(PAYLOAD, prompt=f"boat {n}"))["request_id"] for n in range(3)]
    first = books_client.generations.history(page=1, per_page=2)
    second = books_client.generations.history(page=2, per_page=2)
    assert len(first["data"]) == 2 and len(second["data"]) == 1
    assert first["total"] == 3
    assert set(rows_by_id(first)) | set(rows_by_id(second)) == set(made)

    for per_page in (0, 101):
        with pytest.raises(SegmindError) as error:
            books_client.generations.history(per_page=per_page)
        assert error.value.status == 400
        assert "per_page" in error.value.detail
    with pytest.raises(SegmindError) as error:
        books_client.generations.history(from_date="2026-01-01", to_date="2026-03-01")
    assert error.value.status == 400
    assert "31 days" in error.value.detail
    old = books_client.generations.history(from_date="2020-01-01", to_date="2020-01-31")
    assert old["data"] == []


def test_filters_and_sort_as_the_sdk_sends_them(books_client, key):
    lite = outside(key, "veo-3.1-lite")
    fast = outside(key, "veo-3.1-fast", credits_deduction=0.6)
    failed = outside(key, "veo-3", status="FAILED")
    assert failed["credits_deduction"] == 0

    assert set(rows_by_id(books_client.generations.history(model_name="fast"))) == {fast["request_id"]}
    assert set(rows_by_id(books_client.generations.history(status="FAILED"))) == {failed["request_id"]}
    by_cost = books_client.generations.history(sort_by="credits_deduction", sort_order="asc")["data"]
    assert [row["request_id"] for row in by_cost] == [failed["request_id"], lite["request_id"], fast["request_id"]]
    by_name = books_client.generations.history(sort_by="model_name", sort_order="desc")["data"]
    assert [row["model_name"] for row in by_name] == ["veo-3.1-lite", "veo-3.1-fast", "veo-3"]
    own = books_client.generations.history(user_id=lite["user_id"])
    assert len(own["data"]) == 3
    with pytest.raises(SegmindError) as error:
        books_client.generations.history(user_id=str(uuid.uuid4()))
    assert error.value.status == 403


def test_a_request_made_outside_reelbase_is_billed_and_listed_once_per_output(books_client, key):
    before = admin("GET", "/_sim/stats")["balance"]
    made = outside(key, "veo-3.1-lite", outputs=2)
    assert admin("GET", "/_sim/stats")["balance"] == pytest.approx(before - 0.25)
    rows = [row for row in books_client.generations.history()["data"] if row["request_id"] == made["request_id"]]
    assert len(rows) == 2
    assert all(row["credits_deduction"] == 0.25 for row in rows)
    assert rows[0]["generation_url"] != rows[1]["generation_url"]
