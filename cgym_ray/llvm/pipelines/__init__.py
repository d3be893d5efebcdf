"""Pass pipelines as trees of new-pass-manager text (issue 18).

- `tree`: parse and print pipeline text exactly; an `Element` is a pass or an
  adaptor (`cgscc`, `function`, `devirt<N>`, `loop`, `loop-mssa`) with its
  nested pipeline.
- `registry`: the versioned pass table (which level each pass may stand at,
  which parameters it takes) and `check`, which refuses a misplaced pass or a
  bad parameter, with its position, before LLVM sees it.
- `standard`: LLVM 23's `default<O2>` (our Oz, with size attributes) and
  `default<O3>` written out as text, shipped as package data.
- `derive`: re-derives the table's levels from libLLVM itself.
- `marks`: `function-marks<main:-minsize;f:noinline>`, our one element that
  is not an LLVM pass: it sets or takes off marks on named functions (`*`:
  every function).
- `flat`: a flat action sequence written as one pipeline that compiles to
  the module playing it gives.

    >>> from cgym_ray.llvm.pipelines import load_table
    >>> str(load_table().check("function(sroa<modify-cfg>,loop-mssa(licm))"))
    'function(sroa<modify-cfg>,loop-mssa(licm))'
"""

from cgym_ray.llvm.pipelines.registry import PassTable, load_table
from cgym_ray.llvm.pipelines.standard import oz_pipeline, standard_pipeline
from cgym_ray.llvm.pipelines.tree import Element, Pipeline, PipelineSyntaxError

__all__ = [
    "Element",
    "PassTable",
    "Pipeline",
    "PipelineSyntaxError",
    "load_table",
    "oz_pipeline",
    "standard_pipeline",
]
