"""A bitcode archive declared in a file (a leaderboard task's `remote_datasets`), not in the catalogue.

    remote_datasets:
      - name: my-bitcode-v0
        url: https://example.org/my-bitcode.tar.bz2      # or file:///path
        sha256: <64 hex digits>

It becomes a `bitcode-archive` catalogue entry of this process, installed on
first use like any other. Ray workers started later learn it through their
environment (`ray_runtime_env`).
"""

from __future__ import annotations

import json
import os

from pydantic import BaseModel, ConfigDict, Field

from cgym_ray.datasets.catalogue import CatalogueEntry, add_entry, find_entry
from cgym_ray.datasets.install import InstalledDataset, install_bitcode_archive

ENVIRONMENT_VARIABLE = "CGYM_REMOTE_DATASETS"


class RemoteDatasetSection(BaseModel):
    """A dataset fetched on first use: an archive of `.bc` files at `url` with this `sha256`."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.+-]{0,62}-v[0-9]+$")
    url: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    llvm_version: str = ""
    description: str = ""
    strip_prefix: str = ""
    names: list[str] = Field(default_factory=list)  # the programs the archive holds

    def entry(self) -> CatalogueEntry:
        return CatalogueEntry(
            name=self.name,
            kind="bitcode-archive",
            install=install_bitcode_archive,
            description=self.description or f"bitcode from {self.url}",
            url=self.url,
            sha256=self.sha256,
            benchmark_count=len(self.names) or None,
            llvm_version=self.llvm_version,
            names=tuple(self.names),
            options={"strip_prefix": self.strip_prefix or None},  # None: the top folder
        )


def register_remote_dataset(spec: RemoteDatasetSection) -> InstalledDataset:
    """Make the dataset known here and, through the environment, in Ray workers started later.

    A catalogued dataset of the same name must have the same archive (sha256).
    """
    from cgym_ray.datasets import register_dataset

    known = find_entry(spec.name)
    if known is not None and known.sha256 and known.sha256 != spec.sha256:
        from cgym_ray.datasets.archives import DatasetError

        raise DatasetError(
            f"{spec.name}: declared with sha256 {spec.sha256}, but the catalogue's {spec.name} "
            f"has {known.sha256}; give the new archive a new name (a new version)"
        )
    entry = known if known is not None else spec.entry()
    add_entry(entry)
    dataset = InstalledDataset(entry.name, entry)
    register_dataset(dataset)
    declared = json.loads(os.environ.get(ENVIRONMENT_VARIABLE) or "{}")
    declared[spec.name] = spec.model_dump(mode="json")
    os.environ[ENVIRONMENT_VARIABLE] = json.dumps(declared, sort_keys=True)
    return dataset


def register_from_environment() -> None:
    """Ray's `worker_process_setup_hook`: register the datasets the driver registered."""
    for entry in json.loads(os.environ.get(ENVIRONMENT_VARIABLE) or "{}").values():
        register_remote_dataset(RemoteDatasetSection.model_validate(entry))


def ray_runtime_env() -> dict[str, object]:
    """The runtime_env that gives Ray workers this process's declared datasets."""
    if not os.environ.get(ENVIRONMENT_VARIABLE):
        return {}
    return {
        "env_vars": {ENVIRONMENT_VARIABLE: os.environ[ENVIRONMENT_VARIABLE]},
        "worker_process_setup_hook": f"{__name__}.register_from_environment",
    }
