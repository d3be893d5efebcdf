"""`cgym-ray llvm ...`: the compiler layer from the shell."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from cgym_ray.errors import CompilerError
from cgym_ray.llvm.backend import BACKEND_NAMES, default_backend_name, get_backend


def _add(commands, name: str, help_text: str, example: str, handler) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        name,
        help=help_text,
        description=help_text,
        epilog=f"example:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=handler)
    return parser


def _backend_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--backend",
        choices=BACKEND_NAMES,
        default=None,
        help="compiler backend (default: libllvm when a shared libLLVM loads, else llvmlite)",
    )


def _read(path: str) -> bytes:
    file = Path(path)
    if not file.is_file():
        raise CompilerError(f"{path}: no such file")
    return file.read_bytes()


def info(args: argparse.Namespace) -> int:
    backend = get_backend(args.backend or default_backend_name())
    described = backend.describe()
    if args.json:
        print(json.dumps(described))
        return 0
    print(f"backend:      {described['backend']}")
    print(f"LLVM version: {described['llvm_version']}")
    print(f"library:      {described['library']}")
    print(f"actions:      {described['num_actions']} (catalogue {backend.actions.version})")
    return 0


def actions(args: argparse.Namespace) -> int:
    catalogue = get_backend(args.backend or default_backend_name()).actions
    if args.json:
        print(json.dumps(catalogue.names))
        return 0
    for index, action in enumerate(catalogue):
        marker = "" if action.is_pass else f" ({action.kind})"
        print(f"{index:4d}  {action.name:32s} {action.pipeline}{marker}")
    return 0


def count(args: argparse.Namespace) -> int:
    from cgym_ray.llvm.actions import Action
    from cgym_ray.llvm.session import CompilerSession

    with CompilerSession(
        _read(args.file), args.file, backend=args.backend or default_backend_name()
    ) as session:
        if args.pipeline:
            session.apply(Action(name="pipeline", pipeline=args.pipeline))
        print(session.instruction_count)
    return 0


def baselines(args: argparse.Namespace) -> int:
    from cgym_ray.llvm.baselines import reference_counts

    backend = args.backend or default_backend_name()
    values: dict[str, object] = dict(reference_counts(_read(args.file), args.file, backend))
    values["llvm_version"] = get_backend(backend).llvm_version
    values["backend"] = backend
    if args.json:
        print(json.dumps(values))
    else:
        for key, value in values.items():
            print(
                f"{key:13s} {value if value is not None else 'n/a (not computable on this backend)'}"
            )
    return 0


def install_ir2vec(args: argparse.Namespace) -> int:
    from cgym_ray.llvm.ir2vec import LLVM_VOCABULARY, install_vocabulary

    path = install_vocabulary(args.source, progress=not args.quiet)
    print(f"installed {path}")
    print(f"licence: {LLVM_VOCABULARY.licence}")
    return 0


def build_inst2vec_vocabulary(args: argparse.Namespace) -> int:
    """Maintainers: regenerate the inst2vec vocabulary shipped in the package."""
    from cgym_ray.datasets import get_dataset
    from cgym_ray.llvm.tokens import VOCABULARY_FILE, build_vocabulary, vocabulary_texts

    uris = [
        get_dataset(name).uri(benchmark)
        for name in args.datasets
        for benchmark in get_dataset(name).benchmark_names()
    ]
    backend = get_backend("libllvm")
    vocabulary = build_vocabulary(
        vocabulary_texts(uris, args.levels),
        version=args.version,
        sources=[f"{name} at {', '.join(args.levels)}" for name in args.datasets],
        llvm_version=backend.llvm_version,
        min_count=args.min_count,
    )
    output = Path(args.output or VOCABULARY_FILE)
    output.write_text(vocabulary.to_json() + "\n")
    print(f"{output}: {len(vocabulary.statements)} statements from {len(uris)} benchmarks")
    return 0


def register(commands) -> None:
    parser = commands.add_parser("llvm", help="the compiler: backend, actions, counts, baselines")
    sub = parser.add_subparsers(dest="llvm_command", metavar="COMMAND", required=True)

    p = _add(
        sub,
        "info",
        "backend, LLVM version, library path and action count",
        "cgym-ray llvm info",
        info,
    )
    _backend_option(p)
    p.add_argument("--json", action="store_true", help="print JSON")

    p = _add(
        sub,
        "install-ir2vec",
        "install LLVM's IR2Vec vocabulary (the Ir2vec observations need it), checked by sha256",
        "cgym-ray llvm install-ir2vec --from ~/seedEmbeddingVocab75D.json",
        install_ir2vec,
    )
    p.add_argument(
        "--from",
        dest="source",
        default=None,
        metavar="PATH_OR_URL",
        help="a copy of the file (offline machines) or another URL (default: the pinned URL)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress line")

    p = _add(
        sub,
        "build-inst2vec-vocabulary",
        "maintainers: rebuild the package's inst2vec statement vocabulary from datasets",
        "cgym-ray llvm build-inst2vec-vocabulary --version v2 --datasets cgym-suite-v0",
        build_inst2vec_vocabulary,
    )
    p.add_argument("--version", required=True, help="the new vocabulary's version, e.g. v2")
    p.add_argument("--datasets", nargs="+", default=["cgym-suite-v0"], help="installed datasets")
    p.add_argument(
        "--levels", nargs="+", default=["O0", "O3", "Oz"], help="O0 (as loaded) and actions"
    )
    p.add_argument("--min-count", type=int, default=1, help="keep statements seen this often")
    p.add_argument("--output", default=None, help="default: the file in the package")

    p = _add(
        sub,
        "actions",
        "the action catalogue in index order",
        "cgym-ray llvm actions --json",
        actions,
    )
    _backend_option(p)
    p.add_argument("--json", action="store_true", help="print the names as a JSON list")

    p = _add(
        sub,
        "count",
        "instruction count of a module (after a pipeline, if given)",
        "cgym-ray llvm count prog.bc --pipeline 'function(sroa)'",
        count,
    )
    p.add_argument("file", help="bitcode (.bc) or IR text (.ll)")
    p.add_argument("--pipeline", help="new-pass-manager pipeline text to run first")
    _backend_option(p)

    p = _add(
        sub,
        "baselines",
        "O0, O3 and Oz instruction counts of a module",
        "cgym-ray llvm baselines prog.bc --json",
        baselines,
    )
    p.add_argument("file", help="bitcode (.bc) or IR text (.ll)")
    p.add_argument("--json", action="store_true", help="print JSON")
    _backend_option(p)
