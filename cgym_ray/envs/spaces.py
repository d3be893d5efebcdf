"""The action space of the LLVM environments: a Discrete with names and commandlines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from gymnasium import spaces

from cgym_ray.llvm.actions import ActionCatalogue


class CommandlineSpace(spaces.Discrete):
    """`Discrete(n)` over an action catalogue.

    `names[i]` is action i's name and `pipelines[i]` the pass pipeline text it
    runs; `to_commandline` / `from_commandline` turn a list of indices into the
    text stored in states, CSVs and the trajectory store, and back.

        >>> space.to_commandline([3, 7])        # doctest: +SKIP
        'sroa instcombine'
    """

    def __init__(self, catalogue: ActionCatalogue, seed: int | np.random.Generator | None = None):
        super().__init__(len(catalogue), seed=seed)
        self.catalogue = catalogue
        self.names = catalogue.names
        self.pipelines = [action.pipeline for action in catalogue]
        self.version = catalogue.version
        self.replays = catalogue.replays

    @property
    def flags(self) -> list[str]:
        """The action names, as CompilerGym's `action_space.flags`.

        Without CompilerGym's leading `-`: our commandlines name actions bare
        (`"sroa gvn"`); `from_commandline` reads the `-sroa` form too.
        """
        return list(self.names)

    def index(self, name: str) -> int:
        """The index of the action called `name`; `UnknownActionError` if none is."""
        return self.catalogue.index_of(name)

    def to_commandline(self, actions: Sequence[int]) -> str:
        return self.catalogue.to_commandline([int(a) for a in actions])

    def from_commandline(self, commandline: str) -> list[int]:
        return self.catalogue.from_commandline(commandline)

    def __repr__(self) -> str:
        return f"CommandlineSpace({self.n}, {self.version})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CommandlineSpace) and other.names == self.names

    def __hash__(self) -> int:
        return hash((self.version, self.n))


class ProgramGraphSpace(spaces.Space):
    """The space of program graphs: `networkx.MultiDiGraph`s (`Programl`), or
    `ProgramGraph` arrays with `arrays=True` (`ProgramlArrays`).

    A graph has no fixed shape, so the space only checks membership; it
    cannot be sampled (see `cgym_ray.llvm.programl` for what a graph holds).
    """

    def __init__(self, arrays: bool = False) -> None:
        super().__init__(shape=None, dtype=None)
        self.arrays = arrays

    def contains(self, x: Any) -> bool:
        if self.arrays:
            from cgym_ray.llvm.programl import ProgramGraph

            return isinstance(x, ProgramGraph)
        import networkx as nx

        return isinstance(x, nx.MultiDiGraph)

    def sample(self, mask: Any = None, probability: Any = None) -> Any:
        raise NotImplementedError("a program graph cannot be sampled")

    @property
    def is_np_flattenable(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"ProgramGraphSpace(arrays={self.arrays})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ProgramGraphSpace) and other.arrays == self.arrays

    def __hash__(self) -> int:
        return hash((type(self), self.arrays))
