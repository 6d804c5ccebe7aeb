#!/usr/bin/env python3
"""Checks OTLP/HTTP trace payloads with the protobuf runtime and the GenAI registry.

usage: check_otlp.py PROTO_DIR REGISTRY_MD PAYLOAD...
       check_otlp.py --same PROTO_DIR JSON_PAYLOAD PROTOBUF_PAYLOAD
       check_otlp.py --to-json PROTO_DIR PROTOBUF_PAYLOAD

Each payload is parsed as an opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest
(compiled from PROTO_DIR with protoc), strictly: a payload named *.pb in the binary encoding
(http/protobuf), any other in the JSON encoding (http/json), where an unknown field, a wrong type
or a bad enum is an error. OTLP's JSON encoding writes trace and span ids as hex where protobuf's
JSON mapping has base64, so the ids are turned into base64 first (and must be hex of the right
length). Every gen_ai.* attribute must be a name REGISTRY_MD lists, with a value of the type it
gives. Prints one line per problem and exits 1 when there is any.

--same: the two payloads must be the same request, byte for byte once the JSON one is parsed and
written in the binary encoding. --to-json: prints a binary payload in OTLP's JSON encoding.
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


def ids_to_hex(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ID_LENGTHS and isinstance(value, str):
                node[key] = base64.b64decode(value).hex()
            else:
                ids_to_hex(value)
    elif isinstance(node, list):
        for item in node:
            ids_to_hex(item)


def as_otlp_json(message):
    from google.protobuf import json_format

    payload = json_format.MessageToDict(
        message, including_default_value_fields=True, use_integers_for_enums=True
    )
    ids_to_hex(payload)
    return payload


def read_payload(path, request_type, problems):
    """The payload as a message and as OTLP JSON, or (None, None) when it does not parse."""
    from google.protobuf import json_format
    from google.protobuf.message import DecodeError

    data = pathlib.Path(path).read_bytes()
    message = request_type()
    if path.endswith(".pb"):
        try:
            message.ParseFromString(data)
        except DecodeError as error:
            problems.append(f"{path}: {error}")
            return None, None
        return message, as_otlp_json(message)
    payload = json.loads(data)
    shown = json.loads(data)
    ids_to_base64(payload, problems, path)
    try:
        json_format.ParseDict(payload, message)
    except json_format.ParseError as error:
        problems.append(f"{path}: {error}")
        return None, None
    return message, shown


def main():
    mode = sys.argv[1] if sys.argv[1].startswith("--") else None
    args = sys.argv[2:] if mode else sys.argv[1:]
    problems = []
    with tempfile.TemporaryDirectory() as compiled:
        request_type = compile_protos(pathlib.Path(args[0]), pathlib.Path(compiled))
        if mode == "--to-json":
            _, payload = read_payload(args[1], request_type, problems)
            if payload is not None:
                print(json.dumps(payload))
        elif mode == "--same":
            written, _ = read_payload(args[1], request_type, problems)
            binary = pathlib.Path(args[2]).read_bytes()
            if written is not None and written.SerializeToString() != binary:
                parsed, _ = read_payload(args[2], request_type, problems)
                problems.append(f"{args[1]} and {args[2]} differ")
                if parsed is not None:
                    problems.append(f"JSON: {written}\nbinary: {parsed}")
        else:
            types = registry_types(pathlib.Path(args[1]).read_text())
            if not types:
                problems.append(f"{args[1]}: no gen_ai attribute found")
            for path in args[2:]:
                _, payload = read_payload(path, request_type, problems)
                if payload is not None:
                    check_attributes(payload, types, problems, path)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
