"""`cgym-ray datasets ...`: list, show, install, remove and import datasets."""

from __future__ import annotations

import argparse
import json

from cgym_ray.datasets import InstalledDataset, get_dataset, install, list_datasets, remove


def _count(entry: dict) -> str:
    count = entry.get("benchmarks")
    return (
        f"{count:,}"
        if isinstance(count, int)
        else "unbounded"
        if entry["scheme"] == "generator"
        else "?"
    )


def _status(dataset) -> str:
    if not isinstance(dataset, InstalledDataset):
        return "built-in"
    return "installed" if dataset.installed else "available"


def list_command(args: argparse.Namespace) -> int:
    described = []
    for dataset in list_datasets():
        entry = dataset.describe()
        entry["benchmarks"] = entry.pop("size")
        entry["status"] = _status(dataset)
        described.append(entry)
    if args.json:
        print(json.dumps(described))
        return 0
    print(
        f"{'dataset':18s} {'status':10s} {'benchmarks':>10s} {'size':>9s}  {'licence':22s} description"
    )
    for entry in described:
        size = entry.get("installed_bytes") or entry.get("size_bytes")  # on disk, else the download
        download = f"{size / 1024**2:.1f} MiB" if isinstance(size, int) else ""
        licence = str(entry.get("licence") or "")[:22]
        print(
            f"{entry['name']:18s} {entry['status']:10s} {_count(entry):>10s} {download:>9s}  "
            f"{licence:22s} {entry['description']}"
        )
    return 0


def show(args: argparse.Namespace) -> int:
    name, _, split = args.name.partition(":")
    dataset = get_dataset(name)
    described = dataset.describe()
    listable = dataset.size is not None and not (
        isinstance(dataset, InstalledDataset) and not dataset.installed
    )
    names = dataset.benchmark_names(split or None) if listable else []
    if split:
        described["split"] = split
    if listable:
        described["benchmarks"] = [dataset.uri(name) for name in names]
    if args.json:
        print(json.dumps(described))
        return 0
    for key, value in described.items():
        if key == "benchmarks" or value in (None, ""):
            continue
        print(f"{key:15s} {value}")
    if isinstance(dataset, InstalledDataset) and not dataset.installed:
        print(f"\nnot installed: cgym-ray datasets install {dataset.name}")
    elif listable:
        print()
        print(f"{'benchmark':40s} {'split':11s} {'category':15s} lines")
        manifest = getattr(dataset, "entries", None)
        for name in names:
            entry = manifest.get(name, {}) if manifest is not None else dataset.metadata(name)
            print(
                f"{name:40s} {entry.get('split', ''):11s} {entry.get('category', ''):15s} "
                f"{entry.get('lines_of_c', '')}"
            )
    else:
        print(f"\nbenchmarks are named by seed: {dataset.scheme}://{dataset.name}/<seed>")
    return 0


def install_command(args: argparse.Namespace) -> int:
    dataset = install(args.name, source=args.source, progress=not args.quiet)
    print(f"{dataset.name}: {dataset.size:,} benchmarks in {dataset.directory}")
    return 0


def remove_command(args: argparse.Namespace) -> int:
    remove(args.name)
    print(f"{args.name}: removed")
    return 0


def import_command(args: argparse.Namespace) -> int:
    from cgym_ray.datasets.compile_commands import import_compile_commands
    from cgym_ray.distributed import init_ray

    init_ray(address=args.address, num_cpus=args.num_cpus)
    report = import_compile_commands(args.name, args.compile_commands, progress=not args.quiet)
    print(report.summary())
    return 0 if report.built else 1


def register(commands) -> None:
    parser = commands.add_parser(
        "datasets", help="benchmark datasets: list, install, remove, import"
    )
    sub = parser.add_subparsers(dest="datasets_command", metavar="COMMAND", required=True)

    def add(name: str, help: str, example: str, handler) -> argparse.ArgumentParser:  # noqa: A002
        p = sub.add_parser(
            name,
            help=help,
            epilog=f"example:\n  {example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.set_defaults(handler=handler)
        return p

    p = add(
        "list",
        "every dataset: built in, installed, or available to install",
        "cgym-ray datasets list --json",
        list_command,
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add(
        "show",
        "describe one dataset and its benchmarks",
        "cgym-ray datasets show cgym-suite-v0",
        show,
    )
    p.add_argument(
        "name",
        help="dataset name, with a split to list only its benchmarks: cgym-suite-v0, cgym-suite-v0:test, csmith-v0",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add(
        "install",
        "download (or read --from) and install a catalogued dataset",
        "cgym-ray datasets install npb-v0 --from ~/llvm_bitcodes-10.0.0-npb-v0.tar.bz2",
        install_command,
    )
    p.add_argument("name", help="a dataset of `cgym-ray datasets list`")
    p.add_argument(
        "--from",
        dest="source",
        metavar="PATH",
        help="the dataset's archive, downloaded elsewhere (its sha256 is checked)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p = add("remove", "uninstall a dataset", "cgym-ray datasets remove npb-v0", remove_command)
    p.add_argument("name")
    p = add(
        "import",
        "make a dataset of your own project: one benchmark per translation unit",
        "cgym-ray datasets import myproject-v0 --compile-commands build/compile_commands.json",
        import_command,
    )
    p.add_argument("name", help="the new dataset's name, with a version: myproject-v0")
    p.add_argument(
        "--compile-commands",
        required=True,
        metavar="PATH",
        help="compile_commands.json (CMake, bear)",
    )
    p.add_argument("--num-cpus", type=int, default=None, help="Ray CPUs for the parallel build")
    p.add_argument(
        "--address", default=None, help="Ray address (default: embedded Ray on 127.0.0.1)"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
