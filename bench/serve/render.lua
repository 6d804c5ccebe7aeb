-- wrk: POST a render request of the benchmark's prompt.
wrk.method = "POST"
wrk.body = '{"variables": {"name": "Ada", "items": ["tea", "cake", "jam"], "tone": "warm"}}'
wrk.headers["Content-Type"] = "application/json"
