"""The official Segmind SDK (1.3.0) against the provider simulator.

Proves the simulator speaks Segmind the way the SDK expects: v2 submit/poll/result,
FAILED as HTTP 422 raising InferenceFailed, and v1 run_sync returning MP4 bytes with
x-remaining-credits. SIM_URL is the simulator's origin, e.g. http://127.0.0.1:9090.
"""

import json
import os
import urllib.request

import pytest
from segmind import InferenceFailed, SegmindClient, SegmindError

SIM_URL = os.environ["SIM_URL"].rstrip("/")
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
