"""Creates one of each object the id routes act on (plus spares for the deletes) and prints
`export CONTRACT_...=id` lines for run.sh to eval."""
import json, struct, sys, urllib.request, zlib

url, key = sys.argv[1], sys.argv[2]


def call(method, path, body=None, content_type="application/json"):
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + "/api/v1" + path, data=data, method=method,
                                 headers={"Authorization": f"Bearer {key}", "Content-Type": content_type})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")


def png(shade):
    """A valid 2×2 RGB PNG; `shade` makes distinct bytes (one asset per distinct content)."""
    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + bytes([shade, 0, 0]) * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


campaign = call("POST", "/campaigns", {"name": "Contract launch", "budget_usd": 1000, "tags": ["contract"]})
prompt = call("POST", "/prompts", {"name": "Kite", "text": "a red kite over a {{sea}} sea", "campaign_id": campaign["id"]})
call("POST", f"/prompts/{prompt['id']}/versions", {"text": "a blue kite over a {{sea}} sea"})
call("PUT", f"/prompts/{prompt['id']}/labels/production", {"version": 1})
asset = call("POST", "/assets?role=first_frame", png(10), content_type="image/png")
spare_asset = call("POST", "/assets", png(20), content_type="image/png")
seed = call("POST", "/seeds", {"value": 42, "note": "calm sea", "campaign_id": campaign["id"]})
spare_seed = call("POST", "/seeds", {"value": 7})
generation = call("POST", "/generations", {"model": "veo-3.1-fast", "prompt": "a red kite over a grey sea", "duration": 4,
                                           "seed": 42, "campaign_id": campaign["id"], "first_frame_asset_id": asset["id"]})
account = call("POST", "/provider-accounts", {"provider": "segmind", "name": "contract", "api_key": "contract-key-123456",
                                              "base_url": "http://127.0.0.1:9"})
spare_account = call("POST", "/provider-accounts", {"provider": "aimlapi", "name": "spare", "api_key": "spare-key-123456"})
spare_key = call("POST", "/api-keys", {"name": "spare", "role": "viewer"})

ids = {"CAMPAIGN": campaign["id"], "PROMPT": prompt["id"], "PROMPT_VERSION": prompt["latest"]["id"], "ASSET": asset["id"],
       "SPARE_ASSET": spare_asset["id"], "SEED": seed["id"], "SPARE_SEED": spare_seed["id"], "GENERATION": generation["id"],
       "ACCOUNT": account["id"], "SPARE_ACCOUNT": spare_account["id"], "SPARE_KEY": spare_key["api_key"]["id"]}
for name, value in ids.items():
    print(f"export CONTRACT_{name}={value}")
