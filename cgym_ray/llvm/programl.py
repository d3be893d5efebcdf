"""A ProGraML-style program graph: flat arrays from the native extractor, and its other forms.

ProGraML (Cummins et al., ICML 2021) represents a module as one directed
multigraph with three kinds of nodes and three kinds of edges:

- nodes: `instruction` (node 0 is the `[external]` root, then one node per
  instruction in module order), `variable` (instruction results, arguments,
  global variables) and `constant` (each distinct constant once);
- edges: `control` (an instruction to the next one of its block, position 0;
  a terminator to the first instruction of its i-th successor, position i),
  `data` (an instruction to the variable holding its result, position 0; a
  variable or constant to the instruction using it, position = operand
  index) and `call` (a call site to the callee's entry, each return back to
  the call site; calls to declarations or through pointers go to and from
  the root, which also calls every defined function).

Node texts, as ProGraML: `text` is the opcode of an instruction and the type
of a variable or constant; `full_text` is the instruction's statement as the
module prints it, `<type> <name>` of a variable, or the printed constant.

`native/features.c` builds the graph in one walk of the module and hands it
back as arrays (`ProgramGraph`); without statements, `GraphCache` keeps it per
function between steps and builds again only the functions a step changed
(the same graph, node for node). The worker pickles the arrays, and the caller
turns them into the form it asked for: `to_networkx` (the `Programl`
observation), `to_node_link_json` (`ProgramlJson`), `programl_hetero.to_hetero_data`
(PyTorch Geometric, with the `cgym-ray[graph]` extra) or Arrow lists (the
trajectory store).

    >>> graph = session.measure("programl")["programl"]  # doctest: +SKIP
    >>> g = to_networkx(graph); g.nodes[1]["text"], g.nodes[1]["full_text"]  # doctest: +SKIP
    ('alloca', '%2 = alloca i32, align 4')
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import networkx as nx

NODE_KINDS: tuple[str, ...] = ("instruction", "variable", "constant")
EDGE_KINDS: tuple[str, ...] = ("control", "data", "call")
ROOT_TEXT = "[external]"


_ARRAYS = (
    "node_kind node_opcode node_type_kind node_type node_function node_block "
    "edge_source edge_target edge_kind edge_position"
).split()


@dataclass(frozen=True, eq=False)
class ProgramGraph:
    """A program graph as flat arrays, one entry a node or an edge.

    `node_opcode` is the LLVM C API opcode of an instruction (-1 for other
    nodes and the root), `node_type_kind` the LLVMTypeKind of a value's type
    (-1 for the root): both are the same numbers on every module, so they
    serve as model features. `node_type` indexes `types`, the module's type
    names; `opcode_names[i]` is the name of opcode i.
    """

    node_kind: np.ndarray  # int8, an index into NODE_KINDS
    node_opcode: np.ndarray  # int16
    node_type_kind: np.ndarray  # int16
    node_type: np.ndarray  # int32
    node_function: np.ndarray  # int32, -1 outside a function
    node_block: np.ndarray  # int32, -1 outside a block
    node_full_text: list[str]
    types: list[str]
    edge_source: np.ndarray  # int32
    edge_target: np.ndarray  # int32
    edge_kind: np.ndarray  # int8, an index into EDGE_KINDS
    edge_position: np.ndarray  # int32
    opcode_names: tuple[str, ...]

    @property
    def num_nodes(self) -> int:
        return len(self.node_kind)

    @property
    def num_edges(self) -> int:
        return len(self.edge_source)

    def node_text(self) -> list[str]:
        """ProGraML's `text`: the opcode of an instruction, the type of a variable or constant."""
        opcodes = np.asarray([*self.opcode_names, ROOT_TEXT], dtype=object)
        types = np.asarray([*self.types, ""], dtype=object)
        text = np.where(
            self.node_kind == 0, opcodes[self.node_opcode], types[self.node_type]
        )  # -1 picks the last entry: the root's text
        return text.tolist()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ProgramGraph):
            return NotImplemented
        return (
            all(np.array_equal(getattr(self, a), getattr(other, a)) for a in _ARRAYS)
            and self.node_full_text == other.node_full_text
            and self.types == other.types
        )


def _texts(buffer: bytes, count: int) -> list[str]:
    texts = buffer.decode("utf-8", errors="backslashreplace").split("\0")[:count]
    return texts


def from_native(native: Any, module_ref: int, with_text: bool = True) -> ProgramGraph:
    """Build the graph of a libLLVM module with the native extractor (`cgym_programl`).

    `with_text=False` leaves every `full_text` empty: the statements come from
    printing the module, which costs several times the rest of the graph.
    `GraphCache` builds the same graph without text from parts kept between steps.
    """
    import ctypes

    from cgym_ray.llvm.native import CgymGraph

    raw = CgymGraph()
    if native.cgym_programl(module_ref, int(with_text), ctypes.byref(raw)) != 0:
        raise MemoryError("out of memory building the Programl graph")
    try:
        return _from_raw(native, raw)
    finally:
        native.cgym_programl_free(ctypes.byref(raw))


def _from_raw(native: Any, raw: Any) -> ProgramGraph:
    """The arrays of a native `CgymGraph`, copied at their dtypes (`cgym_programl_copy`)."""
    import ctypes

    nodes, edges = raw.num_nodes, raw.num_edges
    columns = {
        "node_kind": np.empty(nodes, np.int8),
        "node_opcode": np.empty(nodes, np.int16),
        "node_type_kind": np.empty(nodes, np.int16),
        "node_type": np.empty(nodes, np.int32),
        "node_function": np.empty(nodes, np.int32),
        "node_block": np.empty(nodes, np.int32),
        "edge_source": np.empty(edges, np.int32),
        "edge_target": np.empty(edges, np.int32),
        "edge_kind": np.empty(edges, np.int8),
        "edge_position": np.empty(edges, np.int32),
    }
    native.cgym_programl_copy(ctypes.byref(raw), *(a.ctypes.data for a in columns.values()))
    if raw.text:
        texts = _texts(ctypes.string_at(raw.text, raw.text_bytes), nodes)
    else:  # the cache keeps no text: the root's, as cgym_programl gives it
        texts = [ROOT_TEXT, *[""] * (nodes - 1)] if nodes else []
    return ProgramGraph(
        **columns,
        node_full_text=texts,
        types=_texts(ctypes.string_at(raw.type_text, raw.type_bytes), raw.num_types),
        opcode_names=opcode_names(native),
    )


class GraphCache:
    """The graph without text of one module, kept per function between steps (one per module).

    features.c `cgym_programl_cached`: a step walks the module for each
    function's key and builds again only the functions whose key is new;
    the graph is `from_native(native, module, with_text=False)`, node for node.
    """

    def __init__(self, native: Any) -> None:
        self._native = native
        self._handle = native.cgym_programl_cache_new()
        if not self._handle:
            raise MemoryError("out of memory making the Programl cache")
        self._last: ProgramGraph | None = None

    def graph(self, module_ref: int) -> ProgramGraph:
        """The module's graph; the same object as the last call's while the graph is unchanged
        (its arrays are read-only for that reason)."""
        import ctypes

        from cgym_ray.llvm.native import CgymGraph

        raw = CgymGraph()
        status = self._native.cgym_programl_cached(module_ref, self._handle, ctypes.byref(raw))
        if status < 0:
            self._last = None
            raise MemoryError("out of memory building the Programl graph")
        if status == 1 and self._last is not None:
            return self._last
        graph = _from_raw(self._native, raw)
        for name in _ARRAYS:
            getattr(graph, name).flags.writeable = False
        self._last = graph
        return graph

    @property
    def functions_built(self) -> int:
        """How many functions the last `graph` built (the rest were kept)."""
        return int(self._native.cgym_programl_cache_rebuilt(self._handle))

    def close(self) -> None:
        self._last = None
        if self._handle:
            self._native.cgym_programl_cache_free(self._handle)
            self._handle = None

    def __del__(self) -> None:
        self.close()


_OPCODE_NAMES: tuple[str, ...] | None = None


def opcode_names(native: Any) -> tuple[str, ...]:
    """The names of the C API opcodes 0..127, as the native extractor knows them."""
    global _OPCODE_NAMES
    if _OPCODE_NAMES is None:
        _OPCODE_NAMES = tuple(native.cgym_opcode_name(i).decode() for i in range(128))
    return _OPCODE_NAMES


def to_networkx(graph: ProgramGraph) -> nx.MultiDiGraph:
    """The `Programl` observation: a `networkx.MultiDiGraph`.

    Node attributes: `kind` (instruction, variable, constant), `text`,
    `full_text`, `opcode` (C API opcode, -1 if none), `type` (the LLVM type
    name, '' for the root), `type_kind`, `function` and `block` (-1 outside).
    Edge attributes: `kind` (control, data, call) and `position`.
    """
    import networkx as nx

    result = nx.MultiDiGraph()
    kinds = np.asarray(NODE_KINDS, dtype=object)[graph.node_kind].tolist()
    types = np.asarray([*graph.types, ""], dtype=object)[graph.node_type].tolist()
    columns = zip(
        kinds,
        graph.node_text(),
        graph.node_full_text,
        graph.node_opcode.tolist(),
        types,
        graph.node_type_kind.tolist(),
        graph.node_function.tolist(),
        graph.node_block.tolist(),
        strict=True,
    )
    result.add_nodes_from(
        (
            index,
            {
                "kind": kind,
                "text": text,
                "full_text": full_text,
                "opcode": opcode,
                "type": type_name,
                "type_kind": type_kind,
                "function": function,
                "block": block,
            },
        )
        for index, (kind, text, full_text, opcode, type_name, type_kind, function, block) in (
            enumerate(columns)
        )
    )
    edge_kinds = np.asarray(EDGE_KINDS, dtype=object)[graph.edge_kind].tolist()
    result.add_edges_from(
        (source, target, {"kind": kind, "position": position})
        for source, target, kind, position in zip(
            graph.edge_source.tolist(),
            graph.edge_target.tolist(),
            edge_kinds,
            graph.edge_position.tolist(),
            strict=True,
        )
    )
    return result


def to_node_link_json(graph: ProgramGraph) -> str:
    """The `ProgramlJson` observation: networkx node-link JSON (`"nodes"`, `"links"`)."""
    import networkx as nx

    return json.dumps(nx.node_link_data(to_networkx(graph), edges="links"))


def from_networkx(graph: nx.MultiDiGraph) -> ProgramGraph:
    """The arrays back from a `to_networkx` graph (nodes numbered 0..n-1)."""
    nodes = [graph.nodes[i] for i in range(graph.number_of_nodes())]
    types = sorted({n["type"] for n in nodes if n["type_kind"] >= 0})
    type_index = {name: i for i, name in enumerate(types)}
    opcode_texts = {n["opcode"]: n["text"] for n in nodes if n["kind"] == "instruction"}
    names = tuple(opcode_texts.get(i, "unknown") for i in range(128))
    edges = list(graph.edges(data=True))
    return ProgramGraph(
        node_kind=np.array([NODE_KINDS.index(n["kind"]) for n in nodes], dtype=np.int8),
        node_opcode=np.array([n["opcode"] for n in nodes], dtype=np.int16),
        node_type_kind=np.array([n["type_kind"] for n in nodes], dtype=np.int16),
        node_type=np.array([type_index.get(n["type"], -1) for n in nodes], dtype=np.int32),
        node_function=np.array([n["function"] for n in nodes], dtype=np.int32),
        node_block=np.array([n["block"] for n in nodes], dtype=np.int32),
        node_full_text=[n["full_text"] for n in nodes],
        types=types,
        edge_source=np.array([e[0] for e in edges], dtype=np.int32),
        edge_target=np.array([e[1] for e in edges], dtype=np.int32),
        edge_kind=np.array([EDGE_KINDS.index(e[2]["kind"]) for e in edges], dtype=np.int8),
        edge_position=np.array([e[2]["position"] for e in edges], dtype=np.int32),
        opcode_names=names,
    )
