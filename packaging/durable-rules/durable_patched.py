"""A PEP 517 build backend: durable-rules 2.0.28 from its upstream sdist, patched.

durable-rules 2.0.28 (published as source only, no release since 2020) calls
``PyEval_CallObject`` five times in ``src/rulespy/rules.c``; Python 3.13 removed it from the
C API. ``PyObject_CallObject(callable, args)`` is the documented replacement with the same
meaning, so the patch is those five calls renamed, and nothing else.

``build_wheel`` fetches the sdist with ``pip download`` (so pip's own configuration applies:
pip.conf, ``PIP_INDEX_URL``, a proxy; uv's ``UV_INDEX_URL``/``UV_DEFAULT_INDEX`` and
``UV_EXTRA_INDEX_URL`` are passed on to pip when pip has none of its own), requires its
sha256 to be the one published for 2.0.28, applies the patch in a temporary folder and
builds the wheel there with setuptools, as upstream's setup.py describes it.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

NAME, VERSION = "durable-rules", "2.0.28"
SDIST = "durable_rules-2.0.28.tar.gz"
SHA256 = "053b26f5e48d312d4fa27995243f954671be6eece477f150c059c364eb4d7d61"
# (file, old, new, how many times old must be found)
PATCHES = [("src/rulespy/rules.c", "PyEval_CallObject(", "PyObject_CallObject(", 5)]
# upstream's setup.py sets CFLAGS itself (a user's CFLAGS are lost); CPPFLAGS still reach
# the compiler. GCC 14 turns these warnings of 2020's C into errors: keep them warnings.
LENIENT = (
    "-Wno-error=incompatible-pointer-types -Wno-error=implicit-function-declaration "
    "-Wno-error=int-conversion"
)


class BuildError(RuntimeError):
    pass


def _pip_env() -> dict[str, str]:
    # (without the variables through which the frontend running this backend tells its
    # hook runner which backend to load: the nested pip's own hook runner would read them)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("_PYPROJECT_HOOKS", "PEP517_"))}
    index = env.get("UV_DEFAULT_INDEX") or env.get("UV_INDEX_URL")
    if index and "PIP_INDEX_URL" not in env:
        env["PIP_INDEX_URL"] = index
    extra = env.get("UV_EXTRA_INDEX_URL") or env.get("UV_INDEX")
    if extra and "PIP_EXTRA_INDEX_URL" not in env:
        env["PIP_EXTRA_INDEX_URL"] = extra
    env.setdefault("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    return env


def _fetch(folder: Path) -> Path:
    """The pinned sdist, downloaded by pip into ``folder`` and checked."""
    pinned = folder / "pinned.txt"
    pinned.write_text(f"{NAME}=={VERSION} --hash=sha256:{SHA256}\n")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
         "--no-binary", ":all:", "--no-build-isolation", "--require-hashes",
         "-r", str(pinned), "-d", str(folder)],
        env=_pip_env(), capture_output=True, text=True, check=False,
    )  # fmt: skip
    sdist = folder / SDIST
    if done.returncode != 0 or not sdist.is_file():
        raise BuildError(
            f"could not download {NAME} {VERSION}'s source distribution with pip "
            f"(pip said: {done.stderr.strip()[-2000:] or done.stdout.strip()[-2000:]})"
        )
    digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
    if digest != SHA256:
        raise BuildError(f"{SDIST} has sha256 {digest}, not the published {SHA256}")
    return sdist


def _patched_source(folder: Path) -> Path:
    """The sdist unpacked in ``folder`` with PATCHES applied; returns its top folder."""
    sdist = _fetch(folder)
    with tarfile.open(sdist) as tar:
        if sys.version_info >= (3, 12):
            tar.extractall(folder, filter="data")
        else:
            for member in tar.getmembers():
                target = (folder / member.name).resolve()
                if not target.is_relative_to(folder.resolve()) or member.issym() or member.islnk():
                    raise BuildError(f"{SDIST}: unexpected member {member.name}")
            tar.extractall(folder)
    top = folder / "durable_rules-2.0.28"
    for name, old, new, count in PATCHES:
        path = top / name
        text = path.read_text(encoding="utf-8")
        if text.count(old) != count:
            raise BuildError(f"{name}: expected {old!r} {count} times, found {text.count(old)}")
        path.write_text(text.replace(old, new), encoding="utf-8")
    return top


def _in(folder: Path, call: Any, *args: Any) -> Any:
    from setuptools import build_meta

    backend = build_meta.__legacy__  # upstream has a setup.py and no pyproject.toml
    cwd, cppflags = os.getcwd(), os.environ.get("CPPFLAGS")
    os.chdir(folder)
    os.environ["CPPFLAGS"] = f"{cppflags} {LENIENT}" if cppflags else LENIENT
    try:
        return getattr(backend, call)(*args)
    finally:
        os.chdir(cwd)
        if cppflags is None:
            os.environ.pop("CPPFLAGS", None)
        else:
            os.environ["CPPFLAGS"] = cppflags


# ---- PEP 517 hooks -------------------------------------------------------------------------


def get_requires_for_build_wheel(config_settings: dict[str, Any] | None = None) -> list[str]:
    return []


def build_wheel(
    wheel_directory: str,
    config_settings: dict[str, Any] | None = None,
    metadata_directory: str | None = None,
) -> str:
    with tempfile.TemporaryDirectory(prefix="durable-rules-") as scratch:
        top = _patched_source(Path(scratch))
        return str(_in(top, "build_wheel", os.path.abspath(wheel_directory), config_settings))


def get_requires_for_build_sdist(config_settings: dict[str, Any] | None = None) -> list[str]:
    return []


def build_sdist(sdist_directory: str, config_settings: dict[str, Any] | None = None) -> str:
    """This build package itself (its pyproject.toml, this file and its README), never
    upstream's code: building its wheel fetches upstream's sdist as above."""
    here = Path(__file__).resolve().parent
    top = f"durable_rules-{VERSION}"
    out = Path(sdist_directory) / f"{top}.tar.gz"
    pkg_info = f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {VERSION}\n".encode()
    with tarfile.open(out, "w:gz") as tar:
        for f in ("pyproject.toml", "durable_patched.py", "README.md"):
            tar.add(here / f, arcname=f"{top}/{f}")
        member = tarfile.TarInfo(f"{top}/PKG-INFO")
        member.size = len(pkg_info)
        tar.addfile(member, io.BytesIO(pkg_info))
    return out.name
