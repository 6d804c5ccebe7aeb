#!/usr/bin/python3
"""Checks every --json output the end-to-end tests recorded against its schema in docs/schemas.

usage: check_outputs.py SCHEMA_DIR CAPTURE_DIR PROMPTCTL

Each line of a capture file is {"args": [...], "exit_code": N, "stdout": "..."}. The command
words name the schema: "runs show 1 --json" is checked against runs-show.schema.json when that
file exists, else runs.schema.json. Output of several lines (run --input) is checked line by
line. The check fails when an output is not JSON, breaks its schema, comes from a command
without a schema, or when a schema was never exercised.
"""
import json
import pathlib
import re
import subprocess
import sys
import warnings

import jsonschema

def global_options_with_value(promptctl):
    """The options before the command that take a value, as promptctl's own help lists them:
    "  -C DIR   Run as if..." names an option and its value."""
    help_text = subprocess.run([promptctl, "--help"], capture_output=True, text=True,
                               check=True).stdout
    options = set()
    in_options = False
    for line in help_text.splitlines():
        if not line.startswith(" "):
            in_options = line.startswith("Options:")
            continue
        synopsis = re.split(r"\s{2,}", line.strip())[0].split()
        if in_options and len(synopsis) == 2:
            options.update(synopsis[0].split(","))
    if not options:
        sys.exit(f"{promptctl} --help lists no option that takes a value")
    return options


def command_words(args, options_with_value):
    words = []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in options_with_value and not words:
            skip = True
        elif arg in ("-V", "--version") and not words:
            return ["version"]
        elif not arg.startswith("-"):
            words.append(arg)
            if len(words) == 2:
                break
        elif words:
            break  # options of the command: the action word, if any, came first
    return words


def load_schemas(schema_dir):
    store = {}
    for path in sorted(schema_dir.glob("*.schema.json")):
        schema = json.loads(path.read_text())
        store[path.resolve().as_uri()] = schema
    return store


def validator_for(path, store):
    uri = path.resolve().as_uri()
    schema = store[uri]
    jsonschema.Draft202012Validator.check_schema(schema)
    try:  # jsonschema 4.18 and later resolve references through a registry
        import referencing
        import referencing.jsonschema
    except ImportError:  # Debian 12's 4.10
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            resolver = jsonschema.RefResolver(uri, schema, store=store)
        return jsonschema.Draft202012Validator(schema, resolver=resolver)
    # Each schema's $id is its file name, which is how the others refer to it.
    registry = referencing.Registry().with_resources(
        (document["$id"], referencing.jsonschema.DRAFT202012.create_resource(document))
        for document in store.values())
    return jsonschema.Draft202012Validator(schema, registry=registry)


def documents(stdout):
    try:
        return [json.loads(stdout)]
    except json.JSONDecodeError:
        return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def main():
    schema_dir, capture_dir = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    options_with_value = global_options_with_value(sys.argv[3])
    store = load_schemas(schema_dir)
    schemas = {p.name[: -len(".schema.json")]: p for p in schema_dir.glob("*.schema.json")}
    schemas.pop("vocabulary", None)
    problems = []
    for path in sorted(schema_dir.glob("*.schema.json")):
        if store[path.resolve().as_uri()].get("$id") != path.name:
            problems.append(f"{path.name}: its $id must be its file name")
    validators = {}
    exercised = set()
    checked = 0
    captures = sorted(capture_dir.glob("*.jsonl")) if capture_dir.is_dir() else []
    for capture in captures:
        for record_text in capture.read_text().splitlines():
            record = json.loads(record_text)
            if not record["stdout"].strip():
                continue  # an error on stderr, and nothing on stdout
            words = command_words(record["args"], options_with_value)
            if not words:
                continue
            shown = "promptctl " + " ".join(record["args"])
            name = "-".join(words) if "-".join(words) in schemas else words[0]
            if name not in schemas:
                problems.append(f"{shown}: no schema {words[0]}.schema.json")
                continue
            if name not in validators:
                validators[name] = validator_for(schemas[name], store)
            exercised.add(name)
            try:
                docs = documents(record["stdout"])
            except json.JSONDecodeError as error:
                problems.append(f"{shown}: not JSON: {error}")
                continue
            for doc in docs:
                checked += 1
                for error in validators[name].iter_errors(doc):
                    where = "/".join(str(part) for part in error.absolute_path) or "(top)"
                    problems.append(f"{shown}: {name}.schema.json at {where}: {error.message}")
    for name in sorted(set(schemas) - exercised):
        problems.append(f"{name}.schema.json: no test printed this output")
    if checked == 0:
        problems.append(f"no --json output recorded in {capture_dir}")
    for problem in problems[:200]:
        print(problem)
    print(f"{checked} documents checked against {len(exercised)} schemas; "
          f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
