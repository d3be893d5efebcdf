"""Fan-out on Ray: environments in actors, a pool that replaces dead ones, search at scale.

from cgym_ray.distributed import EnvConfig, EnvPool, SearchTask, init_ray
init_ray(num_cpus=2)                          # embedded local Ray, or address="auto"
pool = EnvPool(EnvConfig("llvm-ic-v0"), store_path="store", run_id=run_id)
results = pool.run([SearchTask("t1", "benchmark://cgym-suite-v0/crc32", "greedy", seed=0,
                               budget_seconds=10)])
"""

from __future__ import annotations

from cgym_ray.distributed.pool import EnvPool, PoolOptions
from cgym_ray.distributed.tasks import EnvConfig, SearchTask, TaskResult
from cgym_ray.ray_init import init_ray

__all__ = ["EnvConfig", "EnvPool", "PoolOptions", "SearchTask", "TaskResult", "init_ray"]
