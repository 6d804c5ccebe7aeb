#!/usr/bin/env python3
"""Checks OTLP/HTTP JSON trace payloads with the protobuf runtime and the GenAI registry.

usage: check_otlp.py PROTO_DIR REGISTRY_MD PAYLOAD...

Each payload is parsed as an opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest
(compiled from PROTO_DIR with protoc), strictly: an unknown field, a wrong type or a bad enum is
an error. OTLP's JSON encoding writes trace and span ids as hex where protobuf's JSON mapping has
base64, so the ids are turned into base64 first (and must be hex of the right length). Every
gen_ai.* attribute must be a name REGISTRY_MD lists, with a value of the type it gives.
Prints one line per problem and exits 1 when there is any.
"""
import base64
import importlib
import json
import pathlib
import re
import subprocess
import sys
import tempfile

ID_LENGTHS = {"traceId": 32, "spanId": 16, "parentSpanId": 16}
VALUE_KINDS = {
    "string": "stringValue",
    "int": "intValue",
    "double": "doubleValue",
    "boolean": "boolValue",
    "string[]": "arrayValue",
}


def compile_protos(proto_dir, out_dir):
    sources = sorted(str(p.relative_to(proto_dir)) for p in proto_dir.rglob("*.proto"))
    subprocess.run(
        ["protoc", f"--proto_path={proto_dir}", f"--python_out={out_dir}", *sources], check=True
    )
    sys.path.insert(0, str(out_dir))
    module = importlib.import_module("opentelemetry.proto.collector.trace.v1.trace_service_pb2")
    return module.ExportTraceServiceRequest


def registry_types(markdown):
    types = {}
    for line in markdown.splitlines():
        match = re.match(r"\| <a id=\"[^\"]*\" href=\"[^\"]*\">`(gen_ai\.[a-z0-9_.]+)`</a> \|[^|]*\| ([a-z\[\]]+) \|", line)
        if match:
            types[match.group(1)] = match.group(2)
    return types


def ids_to_base64(node, problems, where):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ID_LENGTHS:
                if not isinstance(value, str) or not re.fullmatch(
                    "[0-9a-f]{%d}" % ID_LENGTHS[key], value
                ):
                    problems.append(f"{where}: {key} {value!r} is not {ID_LENGTHS[key]} hex digits")
                    continue
                node[key] = base64.b64encode(bytes.fromhex(value)).decode()
            else:
                ids_to_base64(value, problems, where)
    elif isinstance(node, list):
        for item in node:
            ids_to_base64(item, problems, where)


def check_attributes(payload, types, problems, where):
    for resource_spans in payload.get("resourceSpans", []):
        for scope_spans in resource_spans.get("scopeSpans", []):
            for span in scope_spans.get("spans", []):
                for attribute in span.get("attributes", []):
                    key = attribute["key"]
                    if not key.startswith("gen_ai."):
                        continue
                    if key not in types:
                        problems.append(f"{where}: {span['name']}: {key} is not in the registry")
                        continue
                    kind = VALUE_KINDS.get(types[key])
                    if kind and kind not in attribute["value"]:
                        problems.append(
                            f"{where}: {span['name']}: {key} should be {types[key]}, "
                            f"is {list(attribute['value'])}"
                        )


def main():
    proto_dir, registry, *payloads = sys.argv[1:]
    problems = []
    types = registry_types(pathlib.Path(registry).read_text())
    if not types:
        problems.append(f"{registry}: no gen_ai attribute found")
    from google.protobuf import json_format

    with tempfile.TemporaryDirectory() as compiled:
        request_type = compile_protos(pathlib.Path(proto_dir), pathlib.Path(compiled))
        for path in payloads:
            payload = json.loads(pathlib.Path(path).read_text())
            check_attributes(payload, types, problems, path)
            ids_to_base64(payload, problems, path)
            try:
                json_format.ParseDict(payload, request_type())
            except json_format.ParseError as error:
                problems.append(f"{path}: {error}")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
