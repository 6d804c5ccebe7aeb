#!/usr/bin/env python3
"""A client of `promptctl serve` with nothing but Python's standard library: copy it into an
application. It renders a deployed prompt and keeps the prompt's description cached by its ETag.

  client.py URL list
  client.py URL show NAME
  client.py URL render NAME '{"variable": "value", ...}'
  client.py URL run NAME '{"variable": "value", ...}'       (a server started with --allow-run)
  client.py URL feedback RUN SCORE

The token, when the server wants one, comes from PROMPTCTL_TOKEN.
"""
import json
import os
import sys
import urllib.error
import urllib.request


class PromptServer:
    def __init__(self, base_url, token=None):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._shown = {}  # name -> (etag, document)

    def _request(self, method, path, body=None, headers=None):
        request = urllib.request.Request(self.base_url + path, method=method,
                                         data=None if body is None else json.dumps(body).encode())
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", "Bearer " + self.token)
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, dict(answer.headers), json.load(answer)
        except urllib.error.HTTPError as error:
            if error.code == 304:
                return 304, dict(error.headers), None
            document = json.load(error)  # every error is {"error": {"kind", "message", ...}}
            raise RuntimeError(f"{error.code} {document['error']['kind']}: "
                               f"{document['error']['message']}" +
                               "".join(f"\n  {p['message']}" for p in document["error"]["problems"]))

    def list(self, **filters):
        query = "&".join(f"{key}={urllib.request.quote(str(value))}" for key, value in filters.items())
        return self._request("GET", "/v1/prompts" + ("?" + query if query else ""))[2]

    def show(self, name):
        cached = self._shown.get(name)
        headers = {"If-None-Match": cached[0]} if cached else {}
        status, answer_headers, document = self._request("GET", "/v1/prompts/" + name,
                                                         headers=headers)
        if status == 304:
            return cached[1]
        self._shown[name] = (answer_headers.get("ETag"), document)
        return document

    def render(self, name, variables):
        """The messages to send to the model, and the lineage to log with the call."""
        _, headers, document = self._request("POST", f"/v1/prompts/{name}/render",
                                             {"variables": variables})
        return document

    def run(self, name, variables):
        """The model's answer, recorded in the server's ledger: run_uid names it later."""
        _, _, document = self._request("POST", f"/v1/prompts/{name}/run", {"variables": variables})
        return document

    def feedback(self, run, score):
        _, _, document = self._request("POST", f"/v1/runs/{run}/feedback", {"score": score})
        return document


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    server = PromptServer(argv[1], os.environ.get("PROMPTCTL_TOKEN"))
    try:
        if argv[2] == "list":
            for prompt in server.list()["prompts"]:
                print(f"{prompt['name']:30} {prompt['description'] or ''}")
        elif argv[2] == "show":
            document = server.show(argv[3])
            print(f"{document['name']} at {document['commit'][:7]}, content {document['content_hash'][:12]}")
        elif argv[2] == "render":
            document = server.render(argv[3], json.loads(argv[4]) if len(argv) > 4 else {})
            print(f"# {document['name']} at {document['commit'][:7]}, model {document['model']['name']}")
            for message in document["messages"]:
                print(f"[{message['role']}] {message['content'].rstrip()}")
        elif argv[2] == "run":
            document = server.run(argv[3], json.loads(argv[4]) if len(argv) > 4 else {})
            print(f"# run {document['run_uid']} of {document['prompt']} at {document['commit'][:7]}")
            print(document["output"])
        elif argv[2] == "feedback":
            document = server.feedback(argv[3], float(argv[4]))
            print(f"feedback {document['score']} recorded on run {document['run_id']}")
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
