"""The official Segmind SDK (1.3.0), unchanged, pointed at Reelbase's gateway.

Every call is a Reelbase generation: queued, run by the worker against the provider simulator,
archived, budgeted against the key, and listed in the API and the audit log with its key.
REELBASE_URL is the running `reelbase serve`, REELBASE_KEY its team's owner key, SIM_URL the
simulator that Reelbase's default Segmind account points at.
"""

import json
import os
import subprocess
import tempfile
import urllib.error
import urllib.request
import uuid

import pytest
from segmind import InferenceFailed, SegmindClient, SegmindError

BASE = os.environ["REELBASE_URL"].rstrip("/")
OWNER = os.environ["REELBASE_KEY"]
SIM_URL = os.environ["SIM_URL"].rstrip("/")
PAYLOAD = {"duration": 4, "resolution": "720p", "generate_audio": False}


def call(url, method="GET", body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=30) as response:
        raw = response.read()
        return json.loads(raw) if raw else None


def api(method, path, body=None):
    return call(BASE + "/api/v1" + path, method, body, {"Authorization": "Bearer " + OWNER})


def sim(method, path, body=None):
    return call(SIM_URL + path, method, body)


def scoped_key(**scope):
    created = api("POST", "/api-keys", {"name": "sdk-" + uuid.uuid4().hex[:6], "role": "editor", **scope})
    return created["api_key"]["id"].lower(), created["key"]


def client(key):
    return SegmindClient(api_key=key, base_url=BASE + "/v1", timeout=120)


def prompt():
    return "sdk gateway " + uuid.uuid4().hex


def generations_of(key_id):
    rows = api("GET", "/generations?limit=200")["data"]
    return [row for row in rows if (row.get("api_key_id") or "").lower() == key_id]


def audited_creations_of(key_id):
    rows = api("GET", "/audit?action=generation.created&limit=200")["data"]
    return [row for row in rows if row["actor_type"] == "api_key" and (row["actor_id"] or "").lower() == key_id]


@pytest.fixture(autouse=True)
def clean_simulator():
    sim("DELETE", "/_sim/faults")
    yield
    sim("DELETE", "/_sim/faults")


def test_run_sync_returns_mp4_bytes_that_ffprobe_reads():
    key_id, key = scoped_key(budget_usd=5, budget_period="month")
    response = client(key).run_sync("veo-3.1-lite", prompt=prompt(), **PAYLOAD)
    assert response.headers["content-type"] == "video/mp4"
    with tempfile.NamedTemporaryFile(suffix=".mp4") as video:
        video.write(response.content)
        video.flush()
        probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "json", video.name],
                               capture_output=True, text=True, check=True)
    assert "video" in [s["codec_type"] for s in json.loads(probe.stdout)["streams"]]
    # The tightest budget left is the key's: $5 minus this call's $0.25.
    assert float(response.headers["x-remaining-credits"]) == pytest.approx(4.75)
    assert float(response.headers["x-cost"]) == pytest.approx(0.25)
    request_id = response.headers["x-request-id"]
    generation = api("GET", "/generations/" + request_id)
    assert generation["status"] == "succeeded" and generation["source"] == "gateway" and generation["api_key_id"].lower() == key_id
    assert [g["id"].lower() for g in generations_of(key_id)] == [request_id]
    assert [row["target_id"].lower() for row in audited_creations_of(key_id)] == [request_id]
    spend = api("GET", "/spend?group_by=api_key")
    assert any(row["key"].lower() == key_id and row["spent_usd"] == pytest.approx(0.25) for row in spend["rows"])


def test_submit_async_wait_returns_completed_body_with_a_video_the_key_can_read():
    key_id, key = scoped_key()
    job = client(key).submit_async("veo-3.1-lite", prompt=prompt(), **PAYLOAD)
    assert job.status_url.startswith(BASE + "/v2/requests/") and job.response_url.startswith(BASE + "/v2/requests/")
    result = job.wait(timeout=120, interval=0.5)
    assert result["status"] == "COMPLETED"
    assert result["metrics"]["cost"] == pytest.approx(0.25)
    assert result["output"].startswith(BASE + "/")
    request = urllib.request.Request(result["output"], headers={"x-api-key": key})
    with urllib.request.urlopen(request) as video:
        assert video.headers["Content-Type"] == "video/mp4"
        assert video.read()[4:8] == b"ftyp"
    assert [g["id"].lower() for g in generations_of(key_id)] == [job.request_id]
    assert len(audited_creations_of(key_id)) == 1


def test_run_returns_completed_body():
    key_id, key = scoped_key()
    result = client(key).run("veo-3.1-fast", prompt=prompt(), **PAYLOAD)
    assert result["status"] == "COMPLETED"
    assert result["output"]
    assert len(generations_of(key_id)) == 1 and len(audited_creations_of(key_id)) == 1


def test_failed_generation_raises_inference_failed_with_the_providers_message():
    key_id, key = scoped_key()
    sim("POST", "/_sim/faults", {"rules": [], "fail_rate": 1.0})
    job = client(key).submit_async("veo-3", prompt=prompt(), **PAYLOAD)
    with pytest.raises(InferenceFailed) as failure:
        job.wait(timeout=120, interval=0.5)
    assert "content safety filter" in failure.value.detail
    assert failure.value.status_body["status"] == "FAILED"
    assert job.result()["status"] == "FAILED"  # the 422 body, tolerated by the SDK
    assert [g["status"] for g in generations_of(key_id)] == ["failed"]
    assert len(audited_creations_of(key_id)) == 1


def test_a_wrong_key_is_refused_with_401():
    with pytest.raises(SegmindError) as refused:
        client("rb_wrongwrong_" + "x" * 40).run_sync("veo-3.1-lite", prompt=prompt(), **PAYLOAD)
    assert refused.value.status == 401
    with pytest.raises(SegmindError) as refused:
        client("not-a-reelbase-key").submit_async("veo-3.1-lite", prompt=prompt(), **PAYLOAD)
    assert refused.value.status == 401


def test_a_key_over_its_own_budget_gets_406_and_the_provider_gets_no_post():
    key_id, key = scoped_key(budget_usd="0.10", budget_period="day")
    text = prompt()
    with pytest.raises(SegmindError) as refused:
        client(key).run_sync("veo-3.1-lite", prompt=text, **PAYLOAD)
    assert refused.value.status == 406
    assert "budget" in refused.value.detail
    with pytest.raises(SegmindError) as refused:
        client(key).submit_async("veo-3.1-lite", prompt=text, **PAYLOAD)
    assert refused.value.status == 406
    assert text not in sim("GET", "/_sim/stats")["by_prompt"]
    assert generations_of(key_id) == []


def test_a_model_outside_the_keys_list_is_refused():
    key_id, key = scoped_key(allowed_models=["veo-3.1-lite"])
    text = prompt()
    with pytest.raises(SegmindError) as refused:
        client(key).run_sync("veo-3.1", prompt=text, **PAYLOAD)
    assert refused.value.status == 403
    assert "veo-3.1" in refused.value.detail
    assert text not in sim("GET", "/_sim/stats")["by_prompt"]
    assert generations_of(key_id) == []
