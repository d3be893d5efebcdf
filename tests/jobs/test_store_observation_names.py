"""Which observations `store: {observations: [...]}` accepts: vectors, index sequences, graphs."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from cgym_ray.jobs.schema import StoreSection


@pytest.mark.parametrize(
    "name", ["Ir2vec", "TextSizeBytes", "Buildtime", "InstCountNorm", "Inst2vecEmbeddingIndices"]
)
def test_vectors_and_index_sequences_are_recordable(name):
    assert StoreSection(observations=[name]).observation == name


@pytest.mark.parametrize("name", ["LexedIr", "Inst2vecPreprocessedText", "CpuInfo", "Ir"])
def test_text_and_dict_observations_are_refused_with_the_recordable_ones_listed(name):
    with pytest.raises(ValidationError, match=f"cannot record observation '{name}'.*Ir2vec"):
        StoreSection(observations=[name])
