"""The action catalogue: which passes an agent may apply, by stable name and index.

An action is one step of an episode: a pass given with its explicit pass
manager adaptor (`function(loop-mssa(licm))`), or a standard pipeline offered
as a macro-action (`default<O3>`, Oz). A commandline is the list of action
names, one per step, and replays step by step: docs/design.md explains why a joined
pipeline text would not run the same passes.

Catalogues are versioned. A version's list never changes once released, so a
commandline recorded under `libllvm-v2` replays the same passes forever; a
change of any pass or index makes a new version. A version that only appends
actions keeps every older index and name, so it replays the older version's
commandlines too (`ActionCatalogue.replays`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from cgym_ray.errors import UnknownActionError

# Separates the actions of a commandline: `mem2reg sroa simplifycfg`.
COMMANDLINE_SEPARATOR = " "


@dataclass(frozen=True)
class Action:
    """One step an agent can take.

    `pipeline` is what the backend runs. `attributes` are function attributes
    put on every defined function first (Oz needs minsize and optsize); a name
    with a leading `-` is taken off instead. An action of kind "attributes"
    only sets attributes: its `pipeline` is empty.
    """

    name: str
    pipeline: str
    kind: str = "pass"  # "pass", "macro" or "attributes"
    attributes: tuple[str, ...] = ()
    description: str = ""

    @property
    def is_macro(self) -> bool:
        return self.kind == "macro"

    @property
    def is_pass(self) -> bool:
        """One pass with its adaptor: what a pipeline can hold (not a macro, not attributes)."""
        return self.kind == "pass"


class ActionCatalogue(Sequence[Action]):
    """An ordered, versioned list of actions with lookup by name."""

    def __init__(
        self,
        version: str,
        backend: str,
        actions: Sequence[Action],
        translate_flag: Callable[[str], str] | None = None,
        replays: Sequence[str] = (),
    ) -> None:
        self.version = version
        self.backend = backend
        # Older versions this one only appends to: their commandlines run the same passes here.
        self.replays = (version, *replays)
        # Maps a CompilerGym `opt` flag (`-mem2reg`) to an action name, where one exists.
        self.translate_flag = translate_flag
        self._actions = tuple(actions)
        self._index = {action.name: i for i, action in enumerate(self._actions)}
        if len(self._index) != len(self._actions):
            raise ValueError(f"duplicate action names in catalogue {version}")

    def __len__(self) -> int:
        return len(self._actions)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._actions[index]
        if not isinstance(index, int) or not -len(self) <= index < len(self):
            raise UnknownActionError(
                f"action index {index!r} is out of range for catalogue {self.version} "
                f"(0..{len(self) - 1})"
            )
        return self._actions[index]

    def __iter__(self) -> Iterator[Action]:
        return iter(self._actions)

    @property
    def names(self) -> list[str]:
        return [action.name for action in self._actions]

    def index_of(self, name: str) -> int:
        """The index of the action called `name`."""
        try:
            return self._index[name]
        except KeyError:
            raise UnknownActionError(
                f"unknown action {name!r} in catalogue {self.version}; "
                f"`cgym-ray llvm actions` lists the {len(self)} valid names"
            ) from None

    def lookup(self, name_or_index: str | int) -> Action:
        if isinstance(name_or_index, int):
            return self[name_or_index]
        return self[self.index_of(name_or_index)]

    def to_commandline(self, actions: Sequence[int]) -> str:
        """`[3, 7]` -> `"sroa instcombine"`."""
        return COMMANDLINE_SEPARATOR.join(self[i].name for i in actions)

    def from_commandline(self, commandline: str) -> list[int]:
        """`"sroa instcombine"` -> `[3, 7]`.

        Also reads CompilerGym's form, `opt -sroa -instcombine input.bc -o output.bc`,
        translating its LLVM 10 flags (an error names a flag with no equivalent).
        """
        words = commandline.split()
        compilergym = bool(words) and words[0] == "opt"
        if compilergym:
            words = [w for w in words[1:] if w not in ("input.bc", "-o", "output.bc")]
        indices = []
        for word in words:
            if compilergym and word.startswith("-") and self.translate_flag is not None:
                word = self.translate_flag(word)
            indices.append(self.index_of(word))
        return indices


def oz_action(llvm_major: int) -> Action:
    """Oz as docs/design.md defines it: LLVM 23 removed the level, clang -Oz is O2 + minsize."""
    if llvm_major >= 23:
        return Action(
            name="Oz",
            pipeline="default<O2>",
            kind="macro",
            attributes=("minsize", "optsize"),
            description="minsize+optsize on every defined function, then default<O2> (clang -Oz)",
        )
    return Action(
        name="Oz",
        pipeline="default<Oz>",
        kind="macro",
        attributes=("minsize", "optsize"),
        description="clang -Oz: minsize+optsize, then default<Oz>",
    )


def standard_macro_actions(llvm_major: int) -> list[Action]:
    """default<O1>, default<O2>, default<O3> and Oz, as macro-actions."""
    return [
        Action(
            name=f"O{level}",
            pipeline=f"default<O{level}>",
            kind="macro",
            description=f"LLVM's standard -O{level} pipeline",
        )
        for level in (1, 2, 3)
    ] + [oz_action(llvm_major)]
