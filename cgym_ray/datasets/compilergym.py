"""CompilerGym's published LLVM datasets, with the URLs and sha256 sums its own source gives.

Facts copied from facebookresearch/CompilerGym at commit 00cd50fd
(`compiler_gym/envs/llvm/datasets/*.py`, Linux variants; benchmark counts from
`docs/source/llvm/index.rst`). Eight are archives of LLVM 10 bitcode; five are
archives of sources (AnghaBench and JotaiBench C functions, CHStone's C
programs, POJ-104's C++ solutions, CLgen's OpenCL kernels) that CompilerGym
compiled one by one on first use, and so does cgym-ray, with the suite's flags
(`-O1 -Xclang -disable-llvm-passes`) plus each dataset's own.

CompilerGym publishes `jotaibench-v0`; there is no `jotaibench-v1`.

Verified here (2026-12): every URL and hash below was compared by a test with
that source (tests/datasets/test_compilergym_catalogue.py reads the fetched
mirror when present); the hosts are unreachable from this machine, so no
archive was downloaded. The install mechanism is tested with archives built
by the tests and served over HTTP on 127.0.0.1, and LLVM 23 reading old
bitcode is tested with a module written by Debian's LLVM 14.
"""

from __future__ import annotations

from pathlib import Path

from cgym_ray.datasets.archives import DatasetError, extract
from cgym_ray.datasets.benchmark import Benchmark, BenchmarkError
from cgym_ray.datasets.catalogue import CatalogueEntry
from cgym_ray.datasets.install import (
    InstallContext,
    InstalledDataset,
    install_bitcode_archive,
)
from cgym_ray.datasets.toolchain import COMPILE_TIMEOUT_S, compile_to_bitcode
from cgym_ray.scratch import atomic_write_bytes

FB = "https://dl.fbaipublicfiles.com/compiler_gym/"
VERIFIED = (
    "URL and sha256 copied from CompilerGym 00cd50fd; archive not downloaded (host unreachable)"
)
HEADER_SUFFIXES = (".h", ".hh", ".hpp", ".inc", ".def")

CHSTONE_SOURCES = {
    "adpcm": "adpcm/adpcm.c",
    "aes": "aes/aes.c",
    "blowfish": "blowfish/bf.c",
    "dfadd": "dfadd/dfadd.c",
    "dfdiv": "dfdiv/dfdiv.c",
    "dfmul": "dfmul/dfmul.c",
    "dfsin": "dfsin/dfsin.c",
    "gsm": "gsm/gsm.c",
    "jpeg": "jpeg/main.c",
    "mips": "mips/mips.c",
    "motion": "motion/mpeg2.c",
    "sha": "sha/sha_driver.c",
}

CBENCH_V1_NAMES = (
    "adpcm",
    "bitcount",
    "blowfish",
    "bzip2",
    "crc32",
    "dijkstra",
    "ghostscript",
    "gsm",
    "ispell",
    "jpeg-c",
    "jpeg-d",
    "lame",
    "patricia",
    "qsort",
    "rijndael",
    "sha",
    "stringsearch",
    "stringsearch2",
    "susan",
    "tiff2bw",
    "tiff2rgba",
    "tiffdither",
    "tiffmedian",
)

POJ104_PRELUDE = "#include <bits/stdc++.h>\nusing namespace std;\n#define LEN 128\n#define MAX_LENGTH 1024\n#define MAX 1024\n"


def install_source_archive(context: InstallContext) -> None:
    """Unpack the sources (and any helper files); each benchmark is compiled on first use."""
    options = context.entry.options
    suffix = str(options["suffix"])
    archive = context.fetch()
    # Headers too: CHStone's programs include their own.
    extract(
        archive,
        context.sources_dir,
        context.name,
        (suffix, *HEADER_SUFFIXES),
        str(options.get("strip_prefix", "")),
    )
    for url, sha256, destination in options.get("helpers", ()):  # type: ignore[union-attr]
        helper = context.fetch(url, sha256)
        if destination.endswith("/"):
            extract(helper, context.staging / destination, context.name, (".h", ".cl", ".inc"))
        else:
            (context.staging / destination).write_bytes(helper.read_bytes())
    sources = options.get("sources")
    if isinstance(sources, dict):
        found = {
            name: path for name, path in sources.items() if (context.sources_dir / path).is_file()
        }
        missing = sorted(set(sources) - set(found))
        if missing:
            raise DatasetError(
                f"{context.name}: the archive lacks the sources of {', '.join(missing)}"
            )
    else:
        found = {
            str(path.relative_to(context.sources_dir))[: -len(suffix)]: str(
                path.relative_to(context.sources_dir)
            )
            for path in context.sources_dir.rglob(f"*{suffix}")
        }
    if not found:
        raise DatasetError(f"{context.name}: the archive {archive.name} holds no {suffix} files")
    for name, path in found.items():
        context.add_metadata(name, {"source": path})


def compiled_on_first_use(dataset: InstalledDataset, name: str) -> Benchmark:
    """A benchmark of a source archive: its bitcode is compiled once, then cached beside it."""
    facts = dataset.metadata(name)
    source = dataset.directory / "sources" / str(facts["source"])
    bitcode = dataset.directory / "bitcode" / f"{name}.bc"
    options = dataset.entry.options if dataset.entry else {}

    def load() -> bytes:
        if not bitcode.is_file():
            atomic_write_bytes(bitcode, _compile(source, dataset, options))
        return bitcode.read_bytes()

    return Benchmark(
        uri=dataset.uri(name),
        load_bitcode=load,
        source=source,
        metadata={"dataset": dataset.name, **facts},
    )


def _compile(source: Path, dataset: InstalledDataset, options: dict) -> bytes:
    flags = [flag.replace("{dir}", str(dataset.directory)) for flag in options.get("flags", ())]
    prelude = str(options.get("prelude", ""))
    text, where = None, str(source)
    if prelude:  # POJ-104: the solutions lack includes and sometimes main's return type
        text, where = prelude.encode() + source.read_bytes().replace(b"void main", b"int main"), "-"
    unit = compile_to_bitcode(
        where,
        ["-w", "-ferror-limit=1", *flags],
        cwd=source.parent,
        stdin=text,
    )
    if unit.timed_out:
        raise BenchmarkError(f"{source}: compiling timed out after {COMPILE_TIMEOUT_S:g} s")
    if not unit.ok:
        raise BenchmarkError(
            f"{source} of {dataset.name} does not compile:\n{unit.message[-2000:]}"
        )
    return unit.bitcode  # type: ignore[return-value]


def _entry(
    kind: str,
    name: str,
    url: str,
    sha256: str,
    count: int,
    description: str,
    licence: str,
    source_url: str,
    **fields,
) -> CatalogueEntry:
    return CatalogueEntry(
        name=name,
        kind=kind,
        description=description,
        licence=licence,
        source_url=source_url,
        url=url,
        sha256=sha256,
        benchmark_count=count,
        verified=VERIFIED,
        **fields,
    )


def _bitcode(
    name: str, archive: str, *args, strip_prefix: str | None = None, **extra
) -> CatalogueEntry:
    """One of CompilerGym's LLVM 10 bitcode archives on its download host."""
    return _entry(
        "bitcode-archive",
        name,
        FB + archive,
        *args,
        install=install_bitcode_archive,
        llvm_version="10.0.0",
        options={"strip_prefix": name if strip_prefix is None else strip_prefix},
        **extra,
    )


def _sources(name: str, url: str, *args, **options) -> CatalogueEntry:
    """A source archive that CompilerGym compiled one file at a time; so do we, on first use."""
    return _entry(
        "source-archive",
        name,
        url,
        *args,
        install=install_source_archive,
        options=options,
        names=tuple(options["sources"]) if isinstance(options.get("sources"), dict) else (),
        make_benchmark=compiled_on_first_use,
    )


ENTRIES = [
    _sources(
        "anghabench-v1",
        "https://github.com/brenocfg/AnghaBench/archive/d8034ac8562b8c978376008f4b33df01b8887b19.tar.gz",
        "85d068e4ce44f2581e3355ee7a8f3ccb92568e9f5bd338bc3a918566f3aff42f",
        1_041_333,
        "Compile-only C/C++ functions extracted from GitHub",
        "Unknown. See: https://github.com/brenocfg/AnghaBench/issues/1",
        "http://cuda.dcc.ufmg.br/angha/",
        suffix=".c",
        strip_prefix="AnghaBench-d8034ac8562b8c978376008f4b33df01b8887b19",
    ),
    _bitcode(
        "blas-v0",
        "llvm_bitcodes-10.0.0-blas-v0.tar.bz2",
        "e724a8114709f8480adeb9873d48e426e8d9444b00cddce48e342b9f0f2b096d",
        300,
        "Basic linear algebra kernels",
        "BSD 3-Clause",
        "http://www.netlib.org/blas/",
    ),
    _bitcode(
        "cbench-v1",
        "llvm_bitcodes-10.0.0-cBench-v1-linux.tar.bz2",
        "601fff3944c866f6617e653b6eb5c1521382c935f56ca1f36a9f5cf1a49f3de5",
        23,
        "cBench as LLVM 10 bitcode (CompilerGym's; no program inputs, so not run here)",
        "BSD 3-Clause",
        "https://ctuning.org/wiki/index.php/CTools:CBench",
        strip_prefix="cBench-v1",
        names=CBENCH_V1_NAMES,
    ),
    _sources(
        "chstone-v0",
        "https://github.com/ChrisCummins/patmos_HLS/archive/e62d878ceb91e5a18007ca2e0a9602ee44ff7d59.tar.gz",
        "f7acab9d3c3dc7b971e62c8454bc909d84bddb6d0a96378e41beb94231739acb",
        12,
        "Benchmarks for C-based High-Level Synthesis",
        "Mixture of open source and public domain licenses",
        "http://www.ertl.jp/chstone/",
        suffix=".c",
        strip_prefix="patmos_HLS-e62d878ceb91e5a18007ca2e0a9602ee44ff7d59/benchmarks/CHStone",
        sources=CHSTONE_SOURCES,
    ),
    _sources(
        "clgen-v0",
        "https://github.com/ChrisCummins/paper-synthesizing-benchmarks/raw/"
        "e45b6dffe9998f612624f05a6c4878ab4bcc84ec/data/clgen-1000.tar.bz2",
        "0bbd1b737f2537305e4db09b2971a5fa848b7c3a978bff6b570f45d1a488a72c",
        996,
        "Synthetically generated OpenCL kernels",
        "GNU General Public License v3.0",
        "https://github.com/ChrisCummins/clgen",
        suffix=".cl",
        strip_prefix="clgen-1000/kernels",
        helpers=[
            (
                FB + "libclc-v0.tar.bz2",
                "f1c511f2ac12adf98dcc0fbfc4e09d0f755fa403c18f1fb1ffa5547e1fa1a499",
                "libclc/",
            ),
            (
                "https://github.com/ChrisCummins/clgen/raw/463c0adcd8abcf2432b24df0aca594b77a69e9d3/"
                "deeplearning/clgen/data/include/opencl.h",
                "f95b9f4c8b1d09114e491846d0d41425d24930ac167e024f45dab8071d19f3f7",
                "opencl.h",
            ),
        ],
        # CompilerGym compiled for nvptx64-nvidia-nvcl; the libLLVM here has no NVPTX backend,
        # so kernels are compiled for the host, with CompilerGym's headers.
        flags=["-xcl", "-isystem", "{dir}/libclc", "-include", "{dir}/opencl.h"],
    ),
    _bitcode(
        "github-v0",
        "llvm_bitcodes-10.0.0-github-v0.tar.bz2",
        "880269dd7a5c2508ea222a2e54c318c38c8090eb105c0a87c595e9dd31720764",
        49_738,
        "Compile-only C/C++ objects from GitHub",
        "CC BY 4.0",
        "https://arxiv.org/pdf/2012.01470.pdf",
    ),
    _sources(
        "jotaibench-v0",
        "https://github.com/ChrisCummins/jotai-benchmarks/raw/ca26ccd27afecf38919c1e101c64e3cc17e39631/"
        "benchmarks/jotaibench.bz2",
        "b5a51af3d4e2f77a66001635ec64ed321e0ece19873c4a888040859af7556401",
        18_761,
        "Compile-only C/C++ functions extracted from GitHub",
        "GNU General Public License v3.0 (GPLv3)",
        "https://github.com/lac-dcc/jotai-benchmarks",
        suffix=".c",
        strip_prefix="jotaibench/jotaibench-v0",
    ),
    _bitcode(
        "linux-v0",
        "llvm_bitcodes-10.0.0-linux-v0.tar.bz2",
        "a1ae5c376af30ab042c9e54dc432f89ce75f9ebaee953bc19c08aff070f12566",
        13_894,
        "Compile-only object files from C Linux kernel",
        "GPL-2.0",
        "https://www.linux.org/",
    ),
    _bitcode(
        "mibench-v1",
        "llvm_bitcodes-10.0.0-mibench-v1.tar.bz2",
        "795b80d3198bc96e394823a4cb294d256845beffccce52fea0e3446395212bb5",
        40,
        "MiBench C benchmarks",
        "BSD 3-Clause",
        "http://vhosts.eecs.umich.edu/mibench/",
    ),
    _bitcode(
        "npb-v0",
        "llvm_bitcodes-10.0.0-npb-v0.tar.bz2",
        "793ac2e7a4f4ed83709e8a270371e65b724da09eaa0095c52e7f4209f63bb1f2",
        122,
        "NASA Parallel Benchmarks",
        "NASA Open Source Agreement v1.3",
        "https://www.nas.nasa.gov/software/npb.html",
    ),
    _bitcode(
        "opencv-v0",
        "llvm_bitcodes-10.0.0-opencv-v0.tar.bz2",
        "003df853bd58df93572862ca2f934c7b129db2a3573bcae69a2e59431037205c",
        442,
        "Compile-only object files from the C++ OpenCV library",
        "Apache 2.0",
        "https://opencv.org/",
    ),
    _sources(
        "poj104-v1",
        FB + "llvm_bitcodes-10.0.0-poj104-v1.tar.gz",
        "c0b8ef3ee9c9159c882dc9337cb46da0e612a28e24852a83f8a1cd68c838f390",
        49_816,
        "Solutions to programming problems (C++)",
        "BSD 3-Clause",
        "https://sites.google.com/site/treebasedcnn/",
        suffix=".txt",
        strip_prefix="ProgramData",
        prelude=POJ104_PRELUDE,
        flags=["-xc++", "-std=c++11"],
    ),
    _bitcode(
        "tensorflow-v0",
        "llvm_bitcodes-10.0.0-tensorflow-v0.tar.bz2",
        "f77dd1988c772e8359e1303cc9aba0d73d5eb27e0c98415ac3348076ab94efd1",
        1_985,
        "Compile-only object files from the C++ TensorFlow library",
        "Apache 2.0",
        "https://www.tensorflow.org/",
    ),
]
