"""The columns: observation lists from any sequence type, nulls kept."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from cgym_ray.store.schema import OBSERVATION_TYPE, STEPS_SCHEMA, list_column, records_to_table

from .conftest import CRC32


def test_list_column_takes_lists_tuples_arrays_and_none():
    column = list_column([[1, 2, 3], None, (4, 5)])
    assert column.type == OBSERVATION_TYPE
    assert column.to_pylist() == [[1.0, 2.0, 3.0], None, [4.0, 5.0]]
    arrays = list_column([np.arange(3), None, np.array([7.5])])
    assert arrays.to_pylist() == [[0.0, 1.0, 2.0], None, [7.5]]
    assert list_column([None, None]).null_count == 2


def test_step_records_become_a_table_with_the_documented_schema():
    from cgym_ray.store import StepRecord

    records = [
        StepRecord(
            "e1",
            step,
            CRC32,
            3,
            "instcombine",
            1.0,
            float(step + 1),
            100 - step,
            2e-4,
            observation=[step] * 4,
            run_id="r1",
        )
        for step in range(3)
    ]
    table = records_to_table(records, STEPS_SCHEMA)
    assert table.schema.equals(STEPS_SCHEMA)
    assert table["step"].to_pylist() == [0, 1, 2]
    assert table["observation"][2].as_py() == [2.0] * 4
    assert table["error"].null_count == 3 and table["terminated"].type == pa.bool_()
