"""Read a job file: YAML with line numbers, `key.sub=value` overrides, one clear error.

Every problem (bad YAML, a wrong field, a bad type, an unknown agent or
benchmark) becomes a `JobConfigError` naming the file, the line and the field,
with a hint of what is allowed; the CLI prints it and exits with status 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from cgym_ray.errors import CompilerError
from cgym_ray.jobs.kinds import JOB_KINDS, model_for

Path_ = tuple[str | int, ...]
# The job files that ship with the package (`cgym_ray/configs` is the
# repository's `configs/`, and a copy of it in a wheel).
BUILTIN_CONFIGS = Path(__file__).resolve().parents[1] / "configs"


class JobConfigError(CompilerError):
    """A job file or override is invalid. `str()` is the whole message for the user."""

    exit_code = 2


def _lines(
    node: yaml.Node, path: Path_ = (), out: dict[Path_, int] | None = None
) -> dict[Path_, int]:
    """The 1-based line of every key and item in a composed YAML tree."""
    out = {} if out is None else out
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, key.value)
            out[child] = key.start_mark.line + 1
            _lines(value, child, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            out[(*path, index)] = item.start_mark.line + 1
            _lines(item, (*path, index), out)
    return out


def parse_override(text: str) -> tuple[list[str], Any]:
    """`ray.num_cpus=4` -> (["ray", "num_cpus"], 4); the value is read as YAML."""
    if "=" not in text:
        raise JobConfigError(f"override {text!r}: expected key.sub=value, e.g. budget.seconds=30")
    key, _, raw = text.partition("=")
    if not key or any(not part for part in key.split(".")):
        raise JobConfigError(f"override {text!r}: empty key part")
    try:
        value = yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError as error:
        raise JobConfigError(f"override {text!r}: the value is not valid YAML ({error})") from None
    return key.split("."), value


def apply_override(data: dict[str, Any], keys: list[str], value: Any) -> None:
    node: Any = data
    for key in keys[:-1]:
        if isinstance(node, list):
            node = node[int(key)]
            continue
        if key not in node or not isinstance(node[key], dict | list):
            node[key] = {}
        node = node[key]
    last = keys[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def builtin_jobs() -> list[str]:
    """The names of the job files that ship with the package (`quickstart`, `ppo-smoke`, ...)."""
    return sorted(path.stem for path in BUILTIN_CONFIGS.glob("*.yaml"))


def job_file(name_or_path: str | Path) -> Path:
    """A job file given by path, or a built-in one by name: `quickstart` is `configs/quickstart.yaml`."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    builtin = BUILTIN_CONFIGS / f"{path}.yaml"
    if path.suffix == "" and len(path.parts) == 1 and builtin.is_file():
        return builtin
    raise JobConfigError(
        f"{path}: no such job file (built-in jobs, by name: {', '.join(builtin_jobs())})"
    )


def load_job(path: str | Path, overrides: list[str] = ()) -> Any:
    """Load, override and validate a job file, given by path or a built-in one by name."""
    path = job_file(path)
    text = path.read_text()
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(error, "problem", None) or str(error)
        raise JobConfigError(f"{where}: not valid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise JobConfigError(f"{path}:1: a job file is a mapping (kind: ..., benchmarks: ..., ...)")
    lines = _lines(node) if node is not None else {}
    overridden: set[tuple[str, ...]] = set()
    for text_override in overrides:
        keys, value = parse_override(text_override)
        try:
            apply_override(data, keys, value)
        except (ValueError, IndexError, TypeError):
            raise JobConfigError(
                f"override {text_override!r}: {'.'.join(keys)} is not a place in the config"
            ) from None
        overridden.add(tuple(keys))
    single_agent = "agent" in data
    # Relative benchmark files are relative to the job file, wherever it is run from.
    files = (
        (data.get("benchmarks") or {}).get("files")
        if isinstance(data.get("benchmarks"), dict)
        else None
    )
    if isinstance(files, list):
        data["benchmarks"]["files"] = [
            str((path.parent / f).resolve())
            if isinstance(f, str) and not Path(f).is_absolute()
            else f
            for f in files
        ]
    kind = data.get("kind")
    if kind not in JOB_KINDS:
        where = f"{path}:{lines.get(('kind',), 1)}"
        got = "is missing" if kind is None else f"{kind!r} is not a kind of job"
        raise JobConfigError(f"{where}: kind: {got} (allowed: {', '.join(JOB_KINDS)})")
    model = model_for(kind)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise JobConfigError(
            _describe(error, model, path, lines, overridden, single_agent)
        ) from None
    except CompilerError as error:  # raised by a validator looking up datasets or benchmarks
        raise JobConfigError(f"{path}: {error}") from None


def job_from_options(data: dict[str, Any], source: str) -> Any:
    """Validate a job built from command-line options; errors name `source` and the field.

    >>> job_from_options({"kind": "search", ...}, "cgym-ray search")  # doctest: +SKIP
    """
    model = model_for(data["kind"])
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise JobConfigError(_describe(error, model, Path(source), {}, set(), False)) from None
    except CompilerError as error:
        raise JobConfigError(f"{source}: {error}") from None


def _describe(
    error: ValidationError, model: Any, path: Path, lines: dict, overridden: set, single_agent: bool
) -> str:
    messages = []
    for problem in error.errors():
        location: list[str | int] = list(problem["loc"])
        if single_agent and location[:2] == ["agents", 0]:
            location = ["agent", *location[2:]]
        field = ".".join(str(p) for p in location) or "(top level)"
        line = None
        for cut in range(len(location), -1, -1):
            if tuple(location[:cut]) in lines:
                line = lines[tuple(location[:cut])]
                break
        where = f"{path}:{line}" if line else str(path)
        if any(tuple(str(p) for p in location[: len(k)]) == k for k in overridden):
            where += " (set by a command-line override)"
        message = problem["msg"].removeprefix("Value error, ")
        hint = _hint(problem, location, model)
        messages.append(f"{where}: {field}: {message}{hint}")
    return "\n".join(messages)


def _hint(problem: dict, location: list, model: Any) -> str:
    """What is allowed where the problem is: the fields of that section, the literal choices."""
    kind = problem["type"]
    if kind == "extra_forbidden":
        for part in location[:-1]:
            if isinstance(part, int):
                continue
            annotation = model.model_fields.get(part)
            model = getattr(annotation, "annotation", None) if annotation else None
            model = (
                getattr(model, "__args__", (model,))[0]
                if model is not None and hasattr(model, "__args__")
                else model
            )
            if model is None or not hasattr(model, "model_fields"):
                return ""
        return f" (allowed here: {', '.join(model.model_fields)})"
    if kind == "literal_error":
        return f" (allowed: {problem['ctx']['expected']})"
    if kind == "missing":
        return " (this field is required)"
    return ""
