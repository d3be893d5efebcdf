"""Learned files the pipeline code reads (edit lists, marks rules): JSON with a version field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cgym_ray.errors import CompilerError


def read_learned(path: str | Path, what: str, field: str, version: object) -> dict[str, Any]:
    """The JSON object at `path`; `CompilerError` naming `what` if it cannot be read or `field` is not `version`."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError) as error:
        raise CompilerError(f"cannot read the {what} {path}: {error}") from error
    if not isinstance(data, dict) or data.get(field) != version:
        found = data.get(field) if isinstance(data, dict) else None
        raise CompilerError(
            f"the {what} {path} have {field} {found!r}, not {version!r}: learn them again"
        )
    return data
