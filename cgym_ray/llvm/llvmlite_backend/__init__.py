"""The llvmlite backend: llvmlite's bundled LLVM 22, for machines without a shared libLLVM.

Smaller than the libllvm backend: 45 passes and O1-O3 (`actions.py`), features
computed in Python (`features.py`). Same `Backend`/`Module` interface.
"""

from cgym_ray.llvm.llvmlite_backend.actions import llvmlite_catalogue
from cgym_ray.llvm.llvmlite_backend.backend import LlvmliteBackend, LlvmliteModule

__all__ = ["LlvmliteBackend", "LlvmliteModule", "llvmlite_catalogue"]
