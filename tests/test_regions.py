"""A large scan judged one top-level folder at a time (scanner/regions.py) reports exactly what
one scan of the whole tree reports; a folder whose files reach into another sends the tree back
to a scan as one."""

from promguard import engine, regions
from promguard.registry import load_rules

COMPOSE = """\
services:
  prometheus:
    image: prom/prometheus:v2.53.0
    command:
      - --config.file=/etc/prometheus/prometheus.yml
      - --web.enable-admin-api
    ports:
      - "9090:9090"
  nginx:
    image: nginx:1.27
    ports:
      - "80:80"
    volumes:
      - ./nginx:/etc/nginx:ro
"""
NGINX = """\
events {}
http {
  server {
    listen 80;
    location / {
      proxy_pass http://prometheus:9090;
    }
  }
}
"""


def _stacks(root, count):
    for i in range(count):
        (root / f"team{i}" / "nginx").mkdir(parents=True)
        (root / f"team{i}" / "docker-compose.yml").write_text(COMPOSE)
        (root / f"team{i}" / "nginx" / "nginx.conf").write_text(NGINX)


def _scan(root, split, jobs=1, monkeypatch=None):
    """The findings as dicts, and whether the regions' results were used."""
    used = []
    original = regions.scan_regions

    def recording(*args):
        done = original(*args)
        used.append(done is not None)
        return done

    monkeypatch.setattr(regions, "MIN_FILES", 2 if split else 10**9)
    monkeypatch.setattr(regions, "scan_regions", recording)
    result = engine.scan([str(root)], load_rules(), engine.Selection(), root=str(root), jobs=jobs)
    assert result.errors == []
    return [f.as_dict() for f in result.findings], any(used)


def test_region_by_region_reports_what_one_scan_reports(tmp_path, monkeypatch):
    _stacks(tmp_path, 3)
    whole, _ = _scan(tmp_path, split=False, monkeypatch=monkeypatch)
    split, used = _scan(tmp_path, split=True, monkeypatch=monkeypatch)
    assert used  # the regions were judged on their own and their findings reported
    assert split == whole
    rules = {f["rule_id"] for f in whole}
    assert {"XF01", "XF06", "NGX01"} <= rules  # cross-file findings, within each stack


def test_workers_share_out_the_regions_with_the_same_report(tmp_path, monkeypatch):
    _stacks(tmp_path, 6)
    serial, _ = _scan(tmp_path, split=True, monkeypatch=monkeypatch)
    parallel, used = _scan(tmp_path, split=True, jobs=2, monkeypatch=monkeypatch)
    assert used and parallel == serial


def test_a_file_that_reaches_into_another_region_sends_the_tree_back_to_one_scan(
    tmp_path, monkeypatch
):
    # shared/nginx.conf belongs to no compose project: its proxy_pass is looked up in every
    # project, so it is judged with team0's prometheus, which its region cannot see.
    _stacks(tmp_path, 2)
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "nginx.conf").write_text(NGINX)
    whole, _ = _scan(tmp_path, split=False, monkeypatch=monkeypatch)
    split, used = _scan(tmp_path, split=True, monkeypatch=monkeypatch)
    assert not used
    assert split == whole
    assert any(f["rule_id"] == "XF06" and f["path"] == "shared/nginx.conf" for f in whole)


def test_an_include_outside_the_region_sends_the_tree_back_to_one_scan(tmp_path, monkeypatch):
    _stacks(tmp_path, 2)
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "limits.conf").write_text("client_max_body_size 1m;\n")
    conf = tmp_path / "team1" / "nginx" / "nginx.conf"
    conf.write_text(NGINX.replace("http {", "http {\n  include ../../common/limits.conf;"))
    whole, _ = _scan(tmp_path, split=False, monkeypatch=monkeypatch)
    split, used = _scan(tmp_path, split=True, monkeypatch=monkeypatch)
    assert not used and split == whole


def test_small_scans_and_single_folders_are_not_split(tmp_path):
    _stacks(tmp_path, 1)
    session = engine.new_context(str(tmp_path), [], engine.Selection())
    session.files = [str(p) for p in tmp_path.rglob("*") if p.is_file()]
    assert regions.regions_of(session, [str(tmp_path)]) is None  # under MIN_FILES
