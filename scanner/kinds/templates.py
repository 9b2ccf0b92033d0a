"""Templates of the configs promguard reads (prometheus.yml.j2, alertmanager.yml.tmpl,
docker-compose.yml.tpl ...), the way Ansible roles and Helm-less deploy scripts ship them:
counted as recognised but not checked, so a scan says it saw them instead of skipping them in
silence. What the template renders to depends on values promguard does not have."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from . import Kind

if TYPE_CHECKING:
    from ..document import Document
    from ..engine import ScannedFile, Session

_SUFFIXES = (".j2", ".jinja", ".jinja2", ".tpl", ".tmpl")


class ConfigTemplateKind(Kind):
    name = "config-template"
    sniffed_suffixes = _SUFFIXES

    def sniff(self, data: bytes) -> bool:
        return True  # the name decides (parse): what it is a template of

    def parse(
        self, scan: Session, file: ScannedFile, text: str, by_content: bool = False
    ) -> Document | None:
        rendered_name = os.path.splitext(file.abspath)[0]
        if scan.kinds.by_name(rendered_name) not in (None, self.name):
            file.kind = "template"  # reported as not checked, like a templated YAML file
        return None
