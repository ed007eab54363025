#!/usr/bin/env python3
"""Checks golive's JSON reports against docs/report.schema.json.

usage: schema_check.py SCHEMA REPORT...  (exit 0: all valid; 1: the first
errors of each invalid report on stderr; 3: python3-jsonschema is missing)
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    sys.stderr.write("schema_check: python3-jsonschema is missing (make deps installs it)\n")
    sys.exit(3)

schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft202012Validator(schema)
# each kind of report on its own, so that an error names the field
KINDS = (("migrations", "run"), ("designs", "compare"), ("points", "sweep"), ("fit", "capacity"))
by_kind = {}
for key, kind in KINDS:
    one = dict(schema)
    del one["oneOf"]
    one["$ref"] = "#/$defs/" + kind
    by_kind[key] = jsonschema.Draft202012Validator(one)
bad = 0
for path in sys.argv[2:]:
    with open(path) as f:
        report = json.load(f)
    v = next((by_kind[k] for k, _ in KINDS if isinstance(report, dict) and k in report), validator)
    errors = sorted(v.iter_errors(report), key=lambda e: list(e.absolute_path))
    if not errors and not validator.is_valid(report):
        errors = list(validator.iter_errors(report))
    for e in errors[:3]:
        where = "/".join(str(p) for p in e.absolute_path)
        sys.stderr.write("%s: $/%s: %s\n" % (path, where, e.message[:400]))
    bad += bool(errors)
sys.exit(1 if bad else 0)
