"""The Programl graph of a hand-written module, node by node and edge by edge; counts on the suite."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from cgym_ray.datasets import get_dataset
from cgym_ray.errors import CompilerError, CompilerOutOfMemory, UnknownSpaceError
from cgym_ray.llvm.backend import get_backend
from cgym_ray.llvm.programl import (
    GraphCache,
    ProgramGraph,
    from_native,
    from_networkx,
    to_networkx,
    to_node_link_json,
)
from cgym_ray.llvm.programl_hetero import to_hetero_data
from cgym_ray.llvm.session import CompilerSession
from tests.conftest import random_pass_walk

FIXTURE = Path(__file__).with_name("programl_fixture.ll").read_bytes()

# (kind, text, full_text) of every node, in node order.
EXPECTED_NODES = [
    ("instruction", "[external]", "[external]"),
    ("instruction", "add", "%s = add i32 %a, %b"),
    ("instruction", "ret", "ret i32 %s"),
    ("instruction", "icmp", "%c = icmp sgt i32 %n, 0"),
    ("instruction", "br", "br i1 %c, label %then, label %done"),
    ("instruction", "load", "%v = load i32, ptr @g, align 4"),
    ("instruction", "call", "%r = call i32 @add(i32 %v, i32 1)"),
    ("instruction", "call", "%e = call i32 @ext(i32 %r)"),
    ("instruction", "br", "br label %done"),
    ("instruction", "phi", "%p = phi i32 [ 0, %entry ], [ %e, %then ]"),
    ("instruction", "ret", "ret i32 %p"),
    ("variable", "i32", "i32 %s"),
    ("variable", "i32", "i32 %a"),
    ("variable", "i32", "i32 %b"),
    ("variable", "i1", "i1 %c"),
    ("variable", "i32", "i32 %n"),
    ("constant", "i32", "i32 0"),
    ("variable", "i32", "i32 %v"),
    ("variable", "ptr", "ptr @g"),
    ("variable", "i32", "i32 %r"),
    ("constant", "i32", "i32 1"),
    ("variable", "i32", "i32 %e"),
    ("variable", "i32", "i32 %p"),
]

# (source, target, kind, position) of every edge.
EXPECTED_EDGES = {
    # the root calls each defined function; the call to the declaration @ext goes through it
    (0, 1, "call", 0),
    (0, 3, "call", 0),
    (7, 0, "call", 0),
    (0, 7, "call", 0),
    # @add is called by %r, and returns to it
    (6, 1, "call", 0),
    (2, 6, "call", 0),
    # control: within blocks, and from each terminator to its successors by position
    (1, 2, "control", 0),
    (3, 4, "control", 0),
    (4, 5, "control", 0),
    (4, 9, "control", 1),
    (5, 6, "control", 0),
    (6, 7, "control", 0),
    (7, 8, "control", 0),
    (8, 9, "control", 0),
    (9, 10, "control", 0),
    # data: results into their variables
    (1, 11, "data", 0),
    (3, 14, "data", 0),
    (5, 17, "data", 0),
    (6, 19, "data", 0),
    (7, 21, "data", 0),
    (9, 22, "data", 0),
    # data: operands into their users, by operand index (callees and blocks are not data)
    (12, 1, "data", 0),
    (13, 1, "data", 1),
    (11, 2, "data", 0),
    (15, 3, "data", 0),
    (16, 3, "data", 1),
    (14, 4, "data", 0),
    (18, 5, "data", 0),
    (17, 6, "data", 0),
    (20, 6, "data", 1),
    (19, 7, "data", 0),
    (16, 9, "data", 0),
    (21, 9, "data", 1),
    (22, 10, "data", 0),
}


@pytest.fixture(scope="module")
def fixture_graph():
    module = get_backend("libllvm").load(FIXTURE, "programl_fixture")
    return module.programl()


def test_fixture_graph_node_by_node(fixture_graph):
    graph = to_networkx(fixture_graph)
    nodes = [(d["kind"], d["text"], d["full_text"]) for _, d in sorted(graph.nodes(data=True))]
    assert nodes == EXPECTED_NODES
    assert graph.nodes[1]["type"] == "i32" and graph.nodes[2]["type"] == "void"
    assert graph.nodes[18]["type"] == "ptr"
    assert [graph.nodes[i]["function"] for i in (1, 3, 10)] == [1, 2, 2]  # @ext is function 0
    assert [graph.nodes[i]["block"] for i in (3, 5, 9)] == [0, 1, 2]


def test_fixture_graph_edge_by_edge(fixture_graph):
    graph = to_networkx(fixture_graph)
    edges = [(u, v, d["kind"], d["position"]) for u, v, d in graph.edges(data=True)]
    assert len(edges) == len(EXPECTED_EDGES)  # no edge twice
    assert set(edges) == EXPECTED_EDGES


def test_node_link_json_and_arrays_round_trip(fixture_graph):
    graph = to_networkx(fixture_graph)
    again = nx.node_link_graph(json.loads(to_node_link_json(fixture_graph)), edges="links")
    assert isinstance(again, nx.MultiDiGraph)
    assert dict(again.nodes(data=True)) == dict(graph.nodes(data=True))
    assert sorted(again.edges(data=True), key=str) == sorted(graph.edges(data=True), key=str)
    back = from_networkx(graph)
    assert back.node_text() == fixture_graph.node_text()
    assert _edges(back) == _edges(fixture_graph)  # networkx orders edges by source


def _edges(graph):
    columns = (graph.edge_source, graph.edge_target, graph.edge_kind, graph.edge_position)
    return set(zip(*(c.tolist() for c in columns), strict=True))


@pytest.mark.slow  # importing PyTorch Geometric takes seconds of CPU
def test_hetero_data_has_one_edge_store_per_relation(fixture_graph):
    data = to_hetero_data(fixture_graph)
    assert (data["instruction"].num_nodes, data["variable"].num_nodes) == (11, 10)
    assert data["constant"].num_nodes == 2
    relations = Counter((s, e, t) for s, t, e, _ in _kinds(fixture_graph))
    assert {
        key: store.edge_index.shape[1]
        for key, store in zip(data.edge_types, data.edge_stores, strict=True)
    } == dict(relations)
    # (%a -> add) at position 0: variable 1 (%a, the second variable) into instruction 1
    store = data["variable", "data", "instruction"]
    pairs = set(zip(store.edge_index[0].tolist(), store.edge_index[1].tolist(), strict=True))
    assert (1, 1) in pairs and (2, 1) in pairs
    assert data["instruction"].opcode.tolist()[1] == fixture_graph.node_opcode[1]


def _kinds(graph):
    kinds = ("instruction", "variable", "constant")
    for s, t, e in zip(graph.edge_source, graph.edge_target, graph.edge_kind, strict=True):
        yield (
            kinds[graph.node_kind[s]],
            kinds[graph.node_kind[t]],
            ("control", "data", "call")[e],
            0,
        )


def test_programl_observation_through_the_env(crc32_bitcode):
    import gymnasium as gym

    import cgym_ray  # noqa: F401  (registers the envs)

    env = gym.make(
        "llvm-v0", benchmark="benchmark://cgym-suite-v0/crc32", observation_space="Programl"
    )
    try:
        graph, _ = env.reset()
        assert env.observation_space.contains(graph)
        instructions = sum(1 for _, d in graph.nodes(data=True) if d["kind"] == "instruction")
        assert instructions == env.unwrapped.observation["IrInstructionCount"][0] + 1
        text = env.unwrapped.observation["ProgramlJson"]
        assert len(json.loads(text)["nodes"]) == graph.number_of_nodes()
        arrays = env.unwrapped.observation["ProgramlArrays"]
        assert (arrays.num_nodes, arrays.num_edges) == (
            graph.number_of_nodes(),
            graph.number_of_edges(),
        )
    finally:
        env.close()


def test_programl_arrays_are_the_graph_without_statements(fixture_graph):
    module = get_backend("libllvm").load(FIXTURE, "programl_fixture")
    arrays = module.programl(with_text=False)
    assert _edges(arrays) == _edges(fixture_graph)
    assert arrays.node_text() == fixture_graph.node_text()
    assert set(arrays.node_full_text) == {"", "[external]"}


def _node_rows(graph: ProgramGraph) -> list[tuple]:
    types = [*graph.types, ""]  # -1 (the root) picks ""
    return list(
        zip(
            graph.node_kind.tolist(),
            graph.node_opcode.tolist(),
            graph.node_type_kind.tolist(),
            [types[t] for t in graph.node_type.tolist()],
            graph.node_function.tolist(),
            graph.node_block.tolist(),
            graph.node_full_text,
            strict=True,
        )
    )


def _edge_rows(graph: ProgramGraph) -> list[tuple]:
    columns = (graph.edge_source, graph.edge_target, graph.edge_kind, graph.edge_position)
    return list(zip(*(c.tolist() for c in columns), strict=True))


def _kept_graph_agrees_along_random_actions(name: str, steps: int, seed: int) -> list[int]:
    """At each step of a random walk, the graph kept per function is the graph built from
    scratch (`cgym_programl`), node by node and edge by edge, in the same order. Returns how
    many functions each step built."""
    backend = get_backend("libllvm")
    module = backend.load(get_dataset("cgym-suite-v0").benchmark(name).bitcode(), name)
    cache = GraphCache(backend.native)
    built = []
    for step in random_pass_walk(backend, module, steps, seed):
        kept = cache.graph(module.ref)
        fresh = from_native(backend.native, module.ref, with_text=False)
        where = f"{name} after {step} actions (seed {seed})"
        assert kept.types == fresh.types, where
        assert _node_rows(kept) == _node_rows(fresh), where
        assert _edge_rows(kept) == _edge_rows(fresh), where
        assert kept == fresh, where
        assert not kept.node_kind.flags.writeable, where  # it may be handed out again
        built.append(cache.functions_built)
    cache.close()
    module.dispose()
    return built


def test_graph_kept_per_function_is_the_graph_built_from_scratch():
    built = _kept_graph_agrees_along_random_actions("crc32", steps=12, seed=0)
    functions = built[0]  # the first step builds every defined function
    # Both ways were taken: steps that built nothing, and steps that built some functions only.
    assert 0 in built and any(0 < n < functions for n in built), built


@pytest.mark.slow  # 45 programs, each graph built twice a step
@pytest.mark.parametrize("name", get_dataset("cgym-suite-v0").benchmark_names())
def test_graph_kept_per_function_is_the_graph_from_scratch_on_every_suite_program(name):
    _kept_graph_agrees_along_random_actions(name, steps=20, seed=1)


def test_an_unknown_observation_lists_the_known_ones():
    from cgym_ray.envs.observations import get_observation_spec

    with pytest.raises(UnknownSpaceError, match="Programl.*ProgramlJson"):
        get_observation_spec("ProGraML")


def test_llvmlite_backend_says_it_has_no_graph():
    module = get_backend("llvmlite").load(FIXTURE, "programl_fixture")
    with pytest.raises(CompilerError, match="backend='libllvm'"):
        module.programl()


def test_a_graph_past_the_memory_limit_fails_with_the_memory_cause(suite_bitcode, monkeypatch):
    # linalg_kit (12,000 instructions) loads within the limit; its graph does not fit.
    monkeypatch.setenv("CGYM_WORKER_MEMORY_MB", "2")
    session = CompilerSession(suite_bitcode["linalg_kit"], "linalg_kit")
    with pytest.raises(CompilerOutOfMemory) as caught:
        session.apply("instsimplify", observations=("programl",))
    assert caught.value.cause == "memory" and not session.alive


def _counts_agree(name: str, bitcode: bytes) -> None:
    module = get_backend("libllvm").load(bitcode, name)
    graph = module.programl()
    instructions = module.instruction_count()
    kinds = np.bincount(graph.node_kind, minlength=3)
    assert kinds[0] == instructions + 1, name  # + the root
    # one control edge into every instruction but function entries, at least
    control = int((graph.edge_kind == 0).sum())
    assert control >= instructions - module.inst_count()[2] - 1, name
    # every non-void instruction has one data edge to its variable
    results = (graph.node_kind[graph.edge_target] == 1) & (graph.edge_kind == 1)
    non_void = int(((graph.node_kind == 0) & (graph.node_type_kind > 0)).sum())  # not the root
    assert int(results.sum()) == non_void, name
    assert graph.node_full_text[1 : instructions + 1] == _statements(module.ir_text()), name


def _statements(ir: str) -> list[str]:
    """Each instruction's lines of the printed module: one line, or a switch with its cases."""
    body, cases, lines = False, False, []
    for line in ir.splitlines():
        if line.startswith("define "):
            body = True
        elif line.startswith("}"):
            body = False
        elif cases:
            lines[-1] += "\n" + line
            cases = not line.startswith("  ]")
        elif body and line.startswith("  ") and not line.startswith("   "):
            lines.append(line[2:])
            cases = line.endswith("[")
    return lines


def test_counts_on_a_few_programs(suite_bitcode):
    for name in ("crc32", "dijkstra"):
        _counts_agree(name, suite_bitcode[name])


@pytest.mark.slow
def test_counts_against_the_instruction_walk_on_every_suite_program(suite_bitcode):
    for name, bitcode in suite_bitcode.items():
        _counts_agree(name, bitcode)
