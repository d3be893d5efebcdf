"""Side-by-side table of validated leaderboard submissions: reward, Oz/final, % below -Oz.

    scripts/bench pipeline_compare NAME=VALIDATION_JSON ... [--out results/pipelines.md]

Each VALIDATION_JSON is what `cgym-ray leaderboard validate DIR --output FILE` wrote
(or DIR/validation.json): the replayed reward of every program, whether its
behaviour was checked, and its O0 and -Oz instruction counts. The figures are
the replayed ones, not what the search claimed. For a reward r =
(O0 - final) / (O0 - Oz), final = O0 - r (O0 - Oz).
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from _provenance import print_and_append


def summarize(path: Path) -> tuple[dict, dict[str, dict]]:
    report = json.loads(path.read_text())
    rows: dict[str, dict] = {}
    for uri, entry in report["benchmarks"].items():
        reward = entry["rewards"][0] if entry["rewards"] else None
        o0, oz = entry["instruction_count_o0"], entry["instruction_count_oz"]
        if reward is None or o0 is None or oz is None:
            rows[uri] = {"ok": False}
            continue
        final = o0 - reward * (o0 - oz)
        rows[uri] = {
            "ok": entry["ok"] and entry["behaviour_checked"],
            "reward": reward,
            "oz": oz,
            "final": final,
            "below": 100.0 * (oz - final) / oz,
            "ratio": oz / final,
        }
    good = [row for row in rows.values() if "reward" in row]
    n = max(len(good), 1)
    summary = {
        "programs": len(rows),
        "valid": report["ok"] and all(row["ok"] for row in rows.values()),
        "reward": math.exp(sum(math.log(max(r["reward"], 1e-9)) for r in good) / n),
        "ratio": math.exp(sum(math.log(r["ratio"]) for r in good) / n),
        "below": sum(r["below"] for r in good) / n,
        "worse": sum(1 for r in good if r["final"] > r["oz"] + 1e-6),
    }
    return summary, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("runs", nargs="+", help="NAME=VALIDATION_JSON")
    parser.add_argument("--out", type=Path, default=None, help="append the tables to this file")
    args = parser.parse_args()
    runs = {}
    for item in args.runs:
        name, _, path = item.partition("=")
        runs[name] = summarize(Path(path))
    lines = [
        "| agent | leaderboard reward (geomean) | geomean Oz/final | mean % below -Oz "
        "| programs worse than -Oz | every best replayed and behaved |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, (summary, _) in runs.items():
        lines.append(
            f"| {name} | {summary['reward']:.4f} | {summary['ratio']:.4f} | "
            f"{summary['below']:.2f} % | {summary['worse']} of {summary['programs']} | "
            f"{'yes' if summary['valid'] else 'NO'} |"
        )
    programs = sorted({uri for _, rows in runs.values() for uri in rows})
    lines += [
        "",
        "Per program, % fewer IR instructions than -Oz (replayed):",
        "",
        "| program | -Oz | " + " | ".join(runs) + " |",
        "|---|---:|" + "---:|" * len(runs),
    ]
    for uri in programs:
        oz = next((rows[uri]["oz"] for _, rows in runs.values() if "oz" in rows.get(uri, {})), "")
        cells = [
            f"{rows[uri]['below']:.2f}" if "below" in rows.get(uri, {}) else "–"
            for _, rows in runs.values()
        ]
        lines.append(f"| {uri.rsplit('/', 1)[-1]} | {oz} | " + " | ".join(cells) + " |")
    text = "\n".join(lines) + "\n"
    print_and_append(text, args.out)


if __name__ == "__main__":
    main()
