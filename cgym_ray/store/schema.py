"""The Arrow schemas of the three tables, and records -> Arrow tables.

The column names and types here are the store's public contract: plain
pyarrow, DuckDB or pandas readers see exactly these columns. A change that an
older reader cannot ignore bumps `SCHEMA_VERSION`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import chain
from operator import attrgetter
from typing import Any

import numpy as np
import pyarrow as pa

# 2: graph observations (`observation_graph`, `initial_observation_graph`).
SCHEMA_VERSION = 2
TABLES = ("runs", "steps", "episodes")

OBSERVATION_TYPE = pa.list_(pa.float32())
# A program graph (`cgym_ray.llvm.programl.ProgramGraph`, the `ProgramlArrays` observation):
# one list per node or edge attribute, so a step's graph is a few contiguous arrays.
GRAPH_FIELDS: tuple[tuple[str, pa.DataType], ...] = (
    ("node_kind", pa.int8()),
    ("node_opcode", pa.int16()),
    ("node_type_kind", pa.int16()),
    ("node_function", pa.int32()),
    ("node_block", pa.int32()),
    ("edge_source", pa.int32()),
    ("edge_target", pa.int32()),
    ("edge_kind", pa.int8()),
    ("edge_position", pa.int32()),
)
GRAPH_TYPE = pa.struct([(name, pa.list_(type_)) for name, type_ in GRAPH_FIELDS])
# A record's `observation` (or `initial_observation`) goes to the vector column, or to
# the graph column when it is a graph.
GRAPH_SOURCES = {
    "observation_graph": "observation",
    "initial_observation_graph": "initial_observation",
}
_METADATA = {b"cgym.schema_version": str(SCHEMA_VERSION).encode()}

STEPS_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("episode_id", pa.string()),
        ("step", pa.int32()),
        ("benchmark", pa.string()),
        ("action", pa.int32()),
        ("action_name", pa.string()),
        ("reward", pa.float64()),
        ("cumulative_reward", pa.float64()),
        ("instruction_count", pa.int64()),
        ("walltime_s", pa.float64()),
        ("terminated", pa.bool_()),
        ("truncated", pa.bool_()),
        ("error", pa.string()),
        ("observation", OBSERVATION_TYPE),
        ("backend", pa.string()),
        ("llvm_version", pa.string()),
        ("observation_graph", GRAPH_TYPE),
    ],
    metadata=_METADATA,
)

EPISODES_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("episode_id", pa.string()),
        ("benchmark", pa.string()),
        ("agent", pa.string()),
        ("seed", pa.int64()),
        ("num_steps", pa.int32()),
        ("reward", pa.float64()),
        ("commandline", pa.string()),
        ("instruction_count_final", pa.int64()),
        ("instruction_count_o0", pa.int64()),
        ("instruction_count_oz", pa.int64()),
        ("backend", pa.string()),
        ("llvm_version", pa.string()),
        ("package_version", pa.string()),
        ("started_at", pa.timestamp("us", tz="UTC")),
        ("walltime_s", pa.float64()),
        ("status", pa.string()),
        ("error", pa.string()),
        ("observation_space", pa.string()),
        ("reward_space", pa.string()),
        ("initial_observation", OBSERVATION_TYPE),
        ("agent_params", pa.string()),
        ("checkpoint", pa.string()),
        # The observation space of `initial_observation` and the steps' `observation`, as
        # Minari's space JSON (minari.serialization.deserialize_space rebuilds it).
        ("observation_space_json", pa.string()),
        ("initial_observation_graph", GRAPH_TYPE),
    ],
    metadata=_METADATA,
)

RUNS_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("name", pa.string()),
        ("created_at", pa.timestamp("us", tz="UTC")),
        ("config", pa.string()),
        ("git_revision", pa.string()),
        ("git_dirty", pa.bool_()),
        ("host", pa.string()),
        ("user", pa.string()),
        ("package_version", pa.string()),
        ("python_version", pa.string()),
        ("platform", pa.string()),
        ("argv", pa.string()),
    ],
    metadata=_METADATA,
)

SCHEMAS = {"runs": RUNS_SCHEMA, "steps": STEPS_SCHEMA, "episodes": EPISODES_SCHEMA}

# Sort keys used by compaction: rows of one benchmark and one episode end up together,
# so row-group statistics prune per-benchmark and per-episode reads.
SORT_KEYS = {
    "runs": [("run_id", "ascending")],
    "steps": [("benchmark", "ascending"), ("episode_id", "ascending"), ("step", "ascending")],
    "episodes": [("benchmark", "ascending"), ("episode_id", "ascending")],
}


def list_column(values: Sequence[Sequence[float] | None]) -> pa.Array:
    """A list<float32> column from Python lists, tuples or numpy arrays (None is null).

    Several times faster than `pa.array(values, type=...)` on lists of ints, which
    is what feature extractors return; this runs once per step in the background.
    """
    present = [value for value in values if value is not None]
    if not present:
        return pa.nulls(len(values), OBSERVATION_TYPE)
    lengths = np.fromiter(
        (0 if value is None else len(value) for value in values), dtype=np.int32, count=len(values)
    )
    offsets = np.zeros(len(values) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    total = int(offsets[-1])
    if isinstance(present[0], np.ndarray):
        flat = np.concatenate(present).astype(np.float32, copy=False)
    elif all(type(value[0]) is int for value in present if len(value)):
        # Feature counts (Autophase, InstCount): reading Python ints as int64 is twice as fast.
        counts = np.fromiter(chain.from_iterable(present), dtype=np.int64, count=total)
        flat = counts.astype(np.float32)
    else:
        flat = np.fromiter(chain.from_iterable(present), dtype=np.float32, count=total)
    mask = None
    if len(present) < len(values):
        mask = pa.array([value is None for value in values], pa.bool_())
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(flat), mask=mask)


def records_to_table(
    records: Sequence[Any],
    schema: pa.Schema,
    fill: dict[str, Callable[[list[Any]], list[Any]]] | None = None,
) -> pa.Table:
    """One column per schema field, read from the records' attributes of the same name.

    `fill` maps a column name to a function of its raw values that supplies defaults.
    """
    fill = fill or {}
    columns = []
    for column in schema:
        values = list(map(attrgetter(GRAPH_SOURCES.get(column.name, column.name)), records))
        if column.name in fill:
            values = fill[column.name](values)
        if column.type == GRAPH_TYPE:
            columns.append(graph_column([v if is_graph(v) else None for v in values]))
        elif column.type == OBSERVATION_TYPE:
            columns.append(list_column([None if is_graph(v) else v for v in values]))
        else:
            columns.append(pa.array(values, column.type))
    return pa.Table.from_arrays(columns, schema=schema)


def is_graph(value: Any) -> bool:
    """Whether an observation is a program graph (arrays named as in `GRAPH_FIELDS`)."""
    return hasattr(value, "edge_source")


def graph_column(values: Sequence[Any]) -> pa.Array:
    """A `GRAPH_TYPE` column from program graphs (None is null): each field one list array."""
    present = [value for value in values if value is not None]
    if not present:
        return pa.nulls(len(values), GRAPH_TYPE)
    mask = None
    if len(present) < len(values):
        mask = pa.array([value is None for value in values], pa.bool_())
    children = []
    for name, type_ in GRAPH_FIELDS:
        lengths = np.fromiter(
            (0 if value is None else len(getattr(value, name)) for value in values),
            dtype=np.int32,
            count=len(values),
        )
        offsets = np.zeros(len(values) + 1, dtype=np.int32)
        np.cumsum(lengths, out=offsets[1:])
        flat = np.concatenate([np.asarray(getattr(value, name)) for value in present])
        children.append(pa.ListArray.from_arrays(pa.array(offsets), pa.array(flat, type_)))
    return pa.StructArray.from_arrays(children, fields=list(GRAPH_TYPE), mask=mask)
