"""cgym-ray: LLVM phase-ordering environments for Gymnasium, at scale on Ray.

Importing the package registers the environments with Gymnasium
(`gym.make("llvm-autophase-ic-v0")`).
"""

__version__ = "0.1.0"

from cgym_ray.envs import register_envs  # noqa: E402

register_envs()
