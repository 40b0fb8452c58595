"""The anchor's own environment: a virtualenv with lifetimes 0.11.3 under bench/.venv-lifetimes (ignored).

lifetimes is never a dependency of the product: the benchmarks run it in this interpreter, on the same
data, in the same run.
"""

from __future__ import annotations

import subprocess
import venv
from pathlib import Path

LIFETIMES_VENV = Path(__file__).resolve().parent / ".venv-lifetimes"


def lifetimes_python() -> Path:
    """The interpreter of a virtualenv holding lifetimes 0.11.3 (made on first use)."""
    python = LIFETIMES_VENV / "bin" / "python"
    if not python.exists():
        print(f"making {LIFETIMES_VENV} with lifetimes 0.11.3 ...", flush=True)
        venv.create(LIFETIMES_VENV, with_pip=True)
        # lifetimes imports pkg_resources, which setuptools 82 no longer ships.
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "lifetimes==0.11.3", "setuptools<82"], check=True
        )
    return python
