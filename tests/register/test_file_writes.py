"""Writes that never destroy (issue 17, "Why" 1): every file qsgrules writes refuses a
target that is not a regular file or is a symbolic link (exit 2, nothing changed), is
created with the user's umask, and is flushed to disk before it is renamed into place."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qsgrules import writing
from qsgrules.cli.main import cli
from qsgrules.errors import InputError

from .conftest import MEETING


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _symlink(path: Path) -> Path:
    target = path.parent / "elsewhere.txt"
    target.write_text("someone else's file\n")
    path.symlink_to(target)
    return path


def _dangling(path: Path) -> Path:
    path.symlink_to(path.parent / "nowhere" / "x")
    return path


def _device(path: Path) -> Path:
    try:
        os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # a null device, in tmp_path
    except PermissionError:
        pytest.skip("cannot make a device node here")
    return path


def _snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    """What is in ``folder``: each entry's type bits and, for a link, where it points."""
    out = {}
    for p in sorted(folder.iterdir()):
        st = os.lstat(p)
        out[p.name] = (
            stat.S_IFMT(st.st_mode),
            os.readlink(p) if p.is_symlink() else "",
        )
    return out


TARGETS: dict[str, Callable[[Path], Path]] = {
    "fifo": _fifo,
    "symlink": _symlink,
    "dangling symlink": _dangling,
    "device": _device,
}


@pytest.mark.parametrize("kind", sorted(TARGETS))
def test_pack_note_and_report_refuse_a_target_that_is_not_a_regular_file(
    kind: str, ws: Path, tmp_path: Path
) -> None:
    # as found: `qsg pack --out PATH` replaced a device node, a FIFO or a symlink with a
    # regular file by rename, said `wrote ...` and exited 0
    out = TARGETS[kind](tmp_path / "out.html")
    before = _snapshot(tmp_path)
    register = str(ws / "register.sqlite")
    for args in (
        ["pack", "--provider", "RAL", "--out", str(out)],
        ["note", MEETING, "--workspace", str(ws), "--out", str(out)],
        ["report", "regional", register, "--out", str(out)],
    ):
        result = _run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "--out: " in result.stderr and "nothing was done" in result.stderr
        assert "wrote" not in result.output
        assert _snapshot(tmp_path) == before, args
    if kind == "symlink":
        assert (tmp_path / "elsewhere.txt").read_text() == "someone else's file\n"


def test_the_writer_refuses_each_kind_with_its_code(tmp_path: Path) -> None:
    codes = {
        "fifo": writing.NOT_REGULAR,
        "symlink": writing.SYMLINK,
        "dangling symlink": writing.SYMLINK,
    }
    for kind, code in codes.items():
        target = TARGETS[kind](tmp_path / kind.replace(" ", "_"))
        with pytest.raises(InputError) as caught:
            writing.write_file(target, "x")
        assert [p.code for p in caught.value.problems] == [code], kind
    with pytest.raises(InputError) as caught:
        writing.write_file(tmp_path, "x")
    assert [p.code for p in caught.value.problems] == [writing.FOLDER_GIVEN]


def test_a_new_file_gets_the_users_umask_and_a_replaced_file_keeps_its_mode(
    tmp_path: Path, umask_022: None
) -> None:
    # as found: packs were written 0600 whatever the umask (a temporary file from mkstemp)
    new = writing.write_file(tmp_path / "new.html", "<p>pack</p>")
    assert stat.S_IMODE(new.stat().st_mode) == 0o644
    kept = tmp_path / "kept.md"
    kept.write_text("old")
    kept.chmod(0o640)
    writing.write_file(kept, "new")
    assert kept.read_text() == "new" and stat.S_IMODE(kept.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.md", "new.html"]


def test_the_pack_is_written_with_the_umask_by_the_command(tmp_path: Path, umask_022: None) -> None:
    out = tmp_path / "pack.html"
    result = _run("pack", "--provider", "RAL", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


def test_a_file_is_flushed_to_disk_before_its_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        kind = "folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"
        events.append(f"fsync {kind}")
        real_fsync(fd)

    def replace(a: str | Path, b: str | Path) -> None:
        events.append("rename")
        real_replace(a, b)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    writing.write_file(tmp_path / "note.md", "# note\n")
    assert events == ["fsync file", "rename", "fsync folder"]


def test_the_workspace_intake_writes_through_the_same_writer(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # one atomic writer is left (the workspace's had fsync, the pack's did not)
    calls: list[Path] = []
    real = writing.write_file

    def spy(path: str | Path, data: bytes | str, **kw: object) -> Path:
        calls.append(Path(path))
        return real(path, data, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(writing, "write_file", spy)
    monkeypatch.setattr("qsgrules.workspace.atomic.write_file", spy)
    monkeypatch.setenv("QSG_TODAY", "2019-04-10")
    result = _run(
        "intel", "add", "--workspace", str(ws), "--provider", "RJ6", "--source", "CQC",
        "--domain", "safety", "--severity", "moderate", "--grading", "B2",
        "--summary", "Staffing concerns on the wards.", "--received", "2019-04-01",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert calls == [ws / "intelligence.yaml"]


def test_intel_add_refuses_an_intelligence_file_that_is_a_link(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared.yaml"
    (ws / "intelligence.yaml").rename(shared)
    (ws / "intelligence.yaml").symlink_to(shared)
    before = shared.read_bytes()
    monkeypatch.setenv("QSG_TODAY", "2019-04-10")
    result = _run(
        "intel", "add", "--workspace", str(ws), "--provider", "RJ6", "--source", "CQC",
        "--domain", "safety", "--severity", "moderate", "--grading", "B2",
        "--summary", "Staffing concerns.", "--received", "2019-04-01",
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "is a symbolic link" in result.stderr
    assert (ws / "intelligence.yaml").is_symlink() and shared.read_bytes() == before


def test_synth_refuses_a_link_as_its_folder_and_writes_with_the_umask(
    tmp_path: Path, umask_022: None
) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    result = _run("synth", "--providers", "3", "--months", "2", "--out", str(tmp_path / "link"))
    assert result.exit_code == 2, result.output
    assert "is a symbolic link" in result.stderr
    assert list((tmp_path / "real").iterdir()) == []
    made = _run("synth", "--providers", "3", "--months", "2", "--out", str(tmp_path / "ws"))
    assert made.exit_code == 0, made.output
    assert stat.S_IMODE((tmp_path / "ws").stat().st_mode) == 0o755
    assert {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "ws").iterdir()} == {0o644}


def test_synth_on_a_full_disk_is_a_problem_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # as found: `synth` on a full disk gave a traceback
    import qsgrules.synth as synth

    def full(*args: object, **kw: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(synth, "_write_providers", full)
    result = _run("synth", "--providers", "3", "--months", "2", "--out", str(tmp_path / "ws"))
    assert result.exit_code == 2, result.output
    assert "No space left on device; nothing was written" in result.stderr
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_register_is_never_created_through_a_link(ws: Path, tmp_path: Path) -> None:
    link = _dangling(tmp_path / "reg.sqlite")
    result = _run(
        "meeting", "open", "--date", "2019-05-01", "--chair", "C",
        "--workspace", str(ws), "--register", str(link), "--by", "clerk",
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "broken symbolic link" in result.stderr
    assert not (tmp_path / "nowhere").exists()


def test_a_loop_of_links_as_the_register_is_a_problem(ws: Path, tmp_path: Path) -> None:
    # as found: a symlink loop as --register gave a traceback
    loop = tmp_path / "loop.sqlite"
    loop.symlink_to(loop)
    for args in (["coverage"], ["meeting", "list"], ["audit", "verify"]):
        result = _run(*args, "--workspace", str(ws), "--register", str(loop))
        assert result.exit_code == 2, (args, result.output)
        assert f"--register: cannot open {loop}: Too many levels of symbolic links" in (
            result.stderr
        )
