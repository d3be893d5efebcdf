"""`cgym-ray datasets ...`: the benchmark datasets."""

from __future__ import annotations

import argparse
import json

from cgym_ray.datasets import get_dataset, list_datasets


def list_command(args: argparse.Namespace) -> int:
    described = []
    for dataset in list_datasets():
        entry = dataset.describe()
        entry["benchmarks"] = entry.pop("size")
        described.append(entry)
    if args.json:
        print(json.dumps(described))
        return 0
    for entry in described:
        count = entry["benchmarks"] if entry["benchmarks"] is not None else "unbounded"
        print(f"{entry['name']:16s} {entry['scheme']:10s} {count!s:>10s}  {entry['description']}")
    return 0


def show(args: argparse.Namespace) -> int:
    dataset = get_dataset(args.name)
    described = dataset.describe()
    if dataset.size is not None:
        described["benchmarks"] = [dataset.uri(name) for name in dataset.benchmark_names()]
    if args.json:
        print(json.dumps(described))
        return 0
    for key, value in described.items():
        if key == "benchmarks":
            continue
        print(f"{key:12s} {value}")
    if dataset.size is not None:
        manifest = getattr(dataset, "entries", {})
        print()
        print(f"{'benchmark':20s} {'split':11s} {'category':15s} lines")
        for name in dataset.benchmark_names():
            entry = manifest.get(name, {})
            print(f"{name:20s} {entry.get('split', ''):11s} {entry.get('category', ''):15s} {entry.get('lines_of_c', '')}")
    else:
        print(f"\nbenchmarks are named by seed: {dataset.scheme}://{dataset.name}/<seed>")
    return 0


def register(commands) -> None:
    parser = commands.add_parser("datasets", help="benchmark datasets: the suite, generators, files")
    sub = parser.add_subparsers(dest="datasets_command", metavar="COMMAND", required=True)
    p = sub.add_parser(
        "list", help="datasets and their benchmark counts",
        epilog="example:\n  cgym-ray datasets list --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=list_command)
    p = sub.add_parser(
        "show", help="describe one dataset",
        epilog="example:\n  cgym-ray datasets show cgym-suite-v0",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    p.add_argument("name", help="dataset name, e.g. cgym-suite-v0, csmith-v0")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=show)
