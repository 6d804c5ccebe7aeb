#!/usr/bin/env python3
"""A tiny OpenTelemetry collector for trying promptctl's traces: Python's standard library only.

    collector.py serve PORT_FILE SPANS_FILE   accept OTLP/HTTP JSON (OTEL_EXPORTER_OTLP_PROTOCOL=
                                              http/json) on 127.0.0.1 (a free port,
                                              written to PORT_FILE); each span becomes a line of
                                              SPANS_FILE
    collector.py show SPANS_FILE              print the spans as trees, children under parents

A real deployment points OTEL_EXPORTER_OTLP_ENDPOINT at its own collector (the OpenTelemetry
Collector, Jaeger, Grafana Tempo, Honeycomb, ...): promptctl speaks the same protocol to them.
"""
import http.server
import json
import sys

SHOWN = ("gen_ai.provider.name", "gen_ai.request.model", "gen_ai.usage.input_tokens",
         "gen_ai.usage.output_tokens", "gen_ai.prompt.name", "promptctl.environment",
         "gen_ai.evaluation.score.label", "promptctl.run.uid", "error.type")


def plain(value):
    for kind in ("stringValue", "boolValue", "doubleValue"):
        if kind in value:
            return value[kind]
    if "intValue" in value:
        return int(value["intValue"])
    return [plain(v) for v in value.get("arrayValue", {}).get("values", [])]


def serve(port_file, spans_file):
    class Collector(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path != "/v1/traces":
                self.send_error(404)
                return
            if self.headers.get("Content-Type") != "application/json":
                self.send_error(415, "this collector reads OTLP/HTTP JSON (http/json) only")
                return
            request = json.loads(body)
            with open(spans_file, "a", encoding="utf-8") as out:
                for resource_spans in request["resourceSpans"]:
                    for scope_spans in resource_spans["scopeSpans"]:
                        for span in scope_spans["spans"]:
                            out.write(json.dumps(span) + "\n")
            answer = b'{"partialSuccess": {}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    with open(port_file, "w", encoding="utf-8") as out:
        out.write(str(server.server_address[1]))
    server.serve_forever()


def show(spans_file):
    spans = [json.loads(line) for line in open(spans_file, encoding="utf-8")]
    ids = {span["spanId"] for span in spans}
    children = {}
    for span in spans:
        parent = span.get("parentSpanId", "")
        children.setdefault(parent if parent in ids else None, []).append(span)

    def print_tree(span, depth):
        attributes = {a["key"]: plain(a["value"]) for a in span["attributes"]}
        ms = (int(span["endTimeUnixNano"]) - int(span["startTimeUnixNano"])) / 1e6
        status = " ERROR" if span.get("status", {}).get("code") == 2 else ""
        details = ", ".join(f"{key}={attributes[key]}" for key in SHOWN if key in attributes)
        print(f"{'  ' * depth}{span['name']} ({ms:.1f} ms){status}  {details}")
        for child in sorted(children.get(span["spanId"], []), key=lambda s: s["startTimeUnixNano"]):
            print_tree(child, depth + 1)

    for root in sorted(children.get(None, []), key=lambda s: s["startTimeUnixNano"]):
        print(f"trace {root['traceId']}" + (f" (under {root['parentSpanId']})"
                                             if root.get("parentSpanId") else ""))
        print_tree(root, 1)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "serve":
        serve(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "show":
        show(sys.argv[2])
    else:
        sys.exit(__doc__)
