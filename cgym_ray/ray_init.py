"""Start embedded Ray, or join a cluster, the same way everywhere.

Below every layer (like `errors`), so that any layer that fans work out on Ray
starts it the same way: jobs and the leaderboard (through `distributed`),
and dataset builds (`datasets.recipes`), which sit below the env actors.
"""

from __future__ import annotations

import os

from cgym_ray.faults import FAULT_INJECTION_VARIABLE


def init_ray(address: str | None = None, num_cpus: int | None = None, **kwargs) -> None:
    """Start embedded Ray (address None) or join a cluster (`"auto"`, `"ray://..."`).

    Workers get the package through the shared install or `runtime_env`; the
    fault-injection switch of the tests is passed on to them.
    """
    import ray

    if ray.is_initialized():
        return
    runtime_env = dict(kwargs.pop("runtime_env", None) or {})
    env_vars = dict(runtime_env.get("env_vars", {}))
    for name in (FAULT_INJECTION_VARIABLE, "CGYM_CACHE_DIR", "CGYM_DATASETS_DIR", "CGYM_LIBLLVM"):
        if name in os.environ:
            env_vars.setdefault(name, os.environ[name])
    if env_vars:
        runtime_env["env_vars"] = env_vars
    options = {"include_dashboard": False, "log_to_driver": True, **kwargs}
    if address is None:
        _loopback_only()
        ray.init(num_cpus=num_cpus, runtime_env=runtime_env or None, **options)
    else:
        ray.init(address=address, runtime_env=runtime_env or None, **options)


def _loopback_only() -> None:
    """Keep embedded (one-node) Ray on 127.0.0.1.

    On Linux Ray registers a node under the address of its default route, even
    for a one-node instance; an embedded run needs no address but loopback.
    Ray reads this switch in the driver (patched here) and in the processes it
    starts (the environment).
    """
    from ray._private import ray_constants

    os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    ray_constants.ENABLE_RAY_CLUSTER = os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] not in (
        "0",
        "false",
        "False",
    )
