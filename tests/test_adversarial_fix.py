"""`fix --apply` on a tree it may not own: a file keeps its owner, group, mode and links, a
file that cannot keep them is left alone with the reason, and the files are written all or
none (tests/test_fixes.py has what the fixes themselves do)."""

import os
import stat

from test_fixes import ALERTMANAGER, COMPOSE, NGINX, STACK, _contents, _write


def _ids(path):
    info = os.stat(path)
    return info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode), info.st_ino


def test_owner_group_and_mode_are_kept(cli, tmp_path):
    _write(tmp_path, STACK)
    compose = tmp_path / "docker-compose.yml"
    if os.geteuid() == 0:  # as root, a file another user owns must stay theirs
        os.chown(compose, 1234, 2345)
    os.chmod(compose, 0o640)
    uid, gid, mode, _ = _ids(compose)
    run = cli("fix", "--apply", ".", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "fixed docker-compose.yml" in run.stdout
    assert compose.read_text() != COMPOSE
    assert _ids(compose)[:3] == (uid, gid, mode)
    assert not list(tmp_path.rglob(".promguard-*"))


def test_a_read_only_file_is_not_rewritten_and_the_advice_says_why(cli, tmp_path):
    _write(tmp_path, STACK)
    compose = tmp_path / "docker-compose.yml"
    os.chmod(compose, 0o444)
    run = cli("fix", "--apply", ".", cwd=tmp_path)
    assert compose.read_text() == COMPOSE
    assert stat.S_IMODE(os.stat(compose).st_mode) == 0o444
    assert "not changed: the file is read-only" in run.stdout
    assert "fixed docker-compose.yml" not in run.stdout
    assert "fixed nginx/nginx.conf (1 fix)" in run.stdout  # the others are still fixed
    dry = cli("fix", ".", cwd=tmp_path)  # and the diff does not offer what would be refused
    assert "--- a/docker-compose.yml" not in dry.stdout and "read-only" in dry.stdout


def test_a_file_with_several_links_is_not_split(cli, tmp_path):
    _write(tmp_path, STACK)
    shared = tmp_path / "shared.yml"
    os.link(tmp_path / "alertmanager.yml", shared)
    run = cli("fix", "--apply", ".", cwd=tmp_path)
    assert "not changed: the file has 2 hard links" in run.stdout
    assert (tmp_path / "alertmanager.yml").read_text() == ALERTMANAGER
    assert os.stat(shared).st_ino == os.stat(tmp_path / "alertmanager.yml").st_ino


def test_a_symlink_inside_the_tree_still_names_the_file_it_named(cli, tmp_path):
    _write(tmp_path, {"conf/nginx.conf": NGINX})
    os.symlink("conf/nginx.conf", tmp_path / "nginx.conf")
    run = cli("fix", "--apply", "nginx.conf", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert os.readlink(tmp_path / "nginx.conf") == "conf/nginx.conf"
    assert "server_tokens off;" in (tmp_path / "conf/nginx.conf").read_text()


def test_a_failure_halfway_leaves_every_file_as_it_was(tmp_path, monkeypatch, capsys):
    from promguard import cli
    from promguard.fixes import writer

    _write(tmp_path, STACK)
    before = _contents(tmp_path, STACK)
    staged = []
    real_stage = writer._stage

    def fail_on_the_last(source, text):
        if len(staged) == 2:
            raise writer.FixError(f"cannot write {source.abspath}: No space left on device")
        staged.append(real_stage(source, text))
        return staged[-1]

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(writer, "_stage", fail_on_the_last)
    assert cli.main(["fix", "--apply", "."]) == 2
    assert len(staged) == 2
    assert _contents(tmp_path, STACK) == before
    assert not list(tmp_path.rglob(".promguard-*"))  # the two written are removed again
    captured = capsys.readouterr()
    assert "No space left on device; no file was changed" in captured.err
    assert "fixed " not in captured.out


def test_a_file_edited_after_it_was_read_stops_all_writes(tmp_path, monkeypatch, capsys):
    from promguard import cli
    from promguard.fixes import writer

    _write(tmp_path, STACK)
    real_write_all = writer.write_all

    def edit_then_write(edits):
        (tmp_path / "nginx/nginx.conf").write_text(NGINX + "# edited meanwhile\n")
        real_write_all(edits)

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("promguard.fixes.write_all", edit_then_write)
    assert cli.main(["fix", "--apply", "."]) == 2
    assert "changed while promguard was reading it" in capsys.readouterr().err
    assert (tmp_path / "docker-compose.yml").read_text() == COMPOSE
    assert (tmp_path / "nginx/nginx.conf").read_text().endswith("# edited meanwhile\n")
