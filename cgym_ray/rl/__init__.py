"""RLlib trainers: `kind: train` jobs that train, checkpoint, resume, evaluate and record.

    cgym-ray run configs/ppo-smoke.yaml                  # train, checkpoint, evaluate
    cgym-ray run configs/ppo.yaml resume=runs/ppo/checkpoints/iter_000010

Modules, top to bottom:
- `config`: the `TrainJob` YAML model.
- `envs`: the environment RLlib env runners build from a plain config dict
  (registered by name, never pickled), and the policy's observation.
- `algorithms`: a `TrainJob` -> an RLlib `AlgorithmConfig` (PPO, APPO).
- `recording`: training episodes from inside env runners into the store.
- `policy`: a trained policy loaded from a checkpoint, as action probabilities.
- `agents`: `policy_agent`, the policy as a search agent (alone or guiding a search).
- `evaluation`, `plots`, `runner`: the job itself.

RLlib is imported lazily: importing this package does not load Ray.
"""
