"""`cgym-ray submit` with no cluster at the address: one clear line, a non-zero exit."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_submit_to_an_address_where_no_cluster_answers(tmp_path):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cgym_ray",
            "submit",
            str(ROOT / "configs/cluster-smoke-job.yaml"),
            "--address",
            f"http://127.0.0.1:{port}",
            f"store.path={tmp_path / 'store'}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("cgym-ray")]
    assert len(lines) == 1, result.stderr
    assert (
        "Traceback" not in result.stderr
        and f"no Ray cluster answered at http://127.0.0.1:{port}" in lines[0]
    )
