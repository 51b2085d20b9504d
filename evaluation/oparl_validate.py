"""Check OParl objects against the official OParl 1.1 JSON Schemas (draft-7), offline.

The schemas are not ours (CC BY-SA 4.0, github.com/OParl/spec, branch json-schema-draft-7), so
they are read from the shared data folder beside the repository and never copied into it:
``../shared/data/oparl-spec/schema-1.1-draft7/`` (``RATSAKTEN_SHARED`` points elsewhere).
Their relative ``$ref``s ("File.json") would make jsonschema fetch https://schema.oparl.org/;
registering every file locally under that URL keeps validation offline.
"""
from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

from pipeline.errors import EnvironmentProblem

SCHEMA_BASE = "https://schema.oparl.org/1.1/"
SCHEMA_SUBDIR = Path("data") / "oparl-spec" / "schema-1.1-draft7"
TYPES = ("AgendaItem", "Body", "Consultation", "File", "LegislativeTerm", "Location", "Meeting", "Membership",
         "Organization", "Paper", "Person", "System")


class SchemasMissing(EnvironmentProblem):
    """The shared OParl schema folder is not there (a checkout without ../shared/data)."""


@dataclass(frozen=True)
class Problem:
    where: str      # file (relative to the export) and JSON path inside it
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def shared_dir() -> Path:
    env = os.environ.get("RATSAKTEN_SHARED")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared"


def schema_dir() -> Path:
    return shared_dir() / SCHEMA_SUBDIR


def _is_url(value) -> bool:
    if not isinstance(value, str):
        return True
    parsed = urlparse(value)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc) and " " not in value


def _format_checker():
    """Draft-7 formats plus the schemas' own "url"; refuses to run if date-time would go unchecked."""
    from jsonschema import Draft7Validator

    checker = copy.copy(Draft7Validator.FORMAT_CHECKER)
    checker.checkers = dict(checker.checkers)
    if "date-time" not in checker.checkers:
        raise EnvironmentProblem("rfc3339-validator is not installed, so jsonschema would not check date-time "
                                 "values: pip install rfc3339-validator")
    checker.checks("url")(_is_url)
    return checker


@lru_cache(maxsize=4)
def _validators(folder: str) -> dict:
    from jsonschema import Draft7Validator
    from referencing import Registry, Resource

    path = Path(folder)
    missing = [t for t in TYPES if not (path / f"{t}.json").is_file()]
    if missing:
        raise SchemasMissing(
            f"OParl 1.1 draft-7 schemas not found in {path} (missing {', '.join(missing)}); they are read from "
            f"the shared data folder beside the repository, or from $RATSAKTEN_SHARED/{SCHEMA_SUBDIR}")
    schemas = {t: json.loads((path / f"{t}.json").read_text(encoding="utf-8")) for t in TYPES}
    resources = []
    for name, schema in schemas.items():
        resource = Resource.from_contents(schema)
        resources.append((f"{SCHEMA_BASE}{name}.json", resource))  # how the schemas $ref each other
        if schema.get("$id") and schema["$id"] != f"{SCHEMA_BASE}{name}.json":
            resources.append((schema["$id"], resource))             # their own $id, without .json
    registry = Registry().with_resources(resources)
    checker = _format_checker()
    return {name: Draft7Validator(schema, registry=registry, format_checker=checker)
            for name, schema in schemas.items()}


def validators(folder: Path | None = None) -> dict:
    """OParl type name -> Draft7Validator (raises SchemasMissing if the schemas are not there)."""
    return _validators(str(folder or schema_dir()))


def validate_object(obj, folder: Path | None = None, where: str = "") -> list[Problem]:
    """Schema errors of one OParl object; its `type` picks the schema."""
    if not isinstance(obj, dict):
        return [Problem(where or "$", "not a JSON object")]
    kind = obj.get("type")
    name = kind[len(SCHEMA_BASE):] if isinstance(kind, str) and kind.startswith(SCHEMA_BASE) else None
    vals = validators(folder)
    if name not in vals:
        return [Problem(where or "$", f"unknown OParl type {kind!r}")]
    out = []
    for err in sorted(vals[name].iter_errors(obj), key=lambda e: list(e.absolute_path)):
        out.append(Problem(f"{where} {err.json_path}".strip(), err.message))
    return out


def _check_list(doc: dict, where: str) -> list[Problem]:
    problems = []
    if not isinstance(doc.get("data"), list):
        problems.append(Problem(where, "list without a `data` array"))
    pag = doc.get("pagination")
    if not isinstance(pag, dict) or not all(isinstance(pag.get(k), int) for k in
                                            ("totalElements", "elementsPerPage", "currentPage", "totalPages")):
        problems.append(Problem(where, "list without complete integer `pagination`"))
    links = doc.get("links")
    if not isinstance(links, dict) or not all(isinstance(links.get(k), str) and _is_url(links[k])
                                              for k in ("first", "last")):
        problems.append(Problem(where, "list without `links.first` / `links.last` URLs"))
    return problems


def iter_export(oparl_dir: Path) -> Iterator[tuple[str, dict]]:
    for path in sorted(Path(oparl_dir).rglob("*.json")):
        yield path.relative_to(oparl_dir).as_posix(), json.loads(path.read_text(encoding="utf-8"))


@dataclass
class Report:
    files: int
    objects: int          # objects validated, counting those inside list pages
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def validate_export(oparl_dir: Path, folder: Path | None = None) -> Report:
    """Validate every object file and every object inside every list page of an export."""
    files = objects = 0
    problems: list[Problem] = []
    for rel, doc in iter_export(oparl_dir):
        files += 1
        if isinstance(doc, dict) and "data" in doc and "type" not in doc:
            problems += _check_list(doc, rel)
            for i, item in enumerate(doc.get("data") or []):
                objects += 1
                problems += validate_object(item, folder, where=f"{rel} data[{i}]")
        else:
            objects += 1
            problems += validate_object(doc, folder, where=rel)
    return Report(files, objects, problems)
