"""Which host folders a compose mount hands a container (DC07): the host's own configuration
and the places it runs code from are high, an application's folder under /etc or /usr low, a
user's data under /home nothing."""

import pytest

from promguard.models.compose_services import host_path_risk


class _Mount:
    def __init__(self, read_only):
        self.read_only = read_only


@pytest.mark.parametrize(
    "source,writable,read_only",
    [
        ("/etc", "high", "high"),
        ("/etc/shadow", "high", "high"),
        ("/etc/cron.d", "high", None),
        ("/etc/systemd/system", "high", None),
        ("/etc/ssh/sshd_config", "high", None),
        ("/etc/rclone", "low", None),  # not /etc/rc*.d
        ("/etc/pihole", "low", None),
        ("/etc/hostname", "low", None),
        ("/usr/share/appdata/wireguard", "low", None),
        ("/usr/local/bin", "high", None),
        ("/home/ubuntu", "high", None),
        ("/home/ubuntu/.docker", "high", None),
        ("/home/ubuntu/monitoring/prometheus", None, None),
        ("/var/lib/docker/volumes", "high", None),
        ("/opt/monitoring", None, None),
    ],
)
def test_host_path_risk(source, writable, read_only):
    assert host_path_risk(source, _Mount(False)) == writable
    assert host_path_risk(source, _Mount(True)) == read_only
