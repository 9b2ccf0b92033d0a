"""nginx configurations: a file is judged as part of the nginx.conf nearby that includes it (with
the http and server settings it inherits), once for all the files that main file reads."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from ..document import Document
from ..lazy_regex import lazy
from . import Kind

if TYPE_CHECKING:
    from ..engine import ScannedFile, Session
    from ..model import Finding

_SITES = ("sites-available", "sites-enabled")
_FOLDERS = ("nginx", "conf.d", *_SITES)
_BLOCKS = lazy(rb"^\s*(http|server|events|upstream\s+\S+|location\s+[^{;]+)\s*\{", re.MULTILINE)
_FIX = "Fix the nginx syntax at the reported line (`nginx -t` agrees)."
# ModSecurity's directives (SecRuleEngine, SecRule ...) in a .conf under nginx/: not nginx's.
_MODSECURITY = lazy(r"^\s*Sec[A-Z][A-Za-z]+\s", re.MULTILINE)


class NginxKind(Kind):
    name = "nginx"
    in_stack = True
    file_names = ("nginx*.conf",)
    name_order = 70
    sniffed_suffixes = (".conf",)

    def __init__(self, name: str | None = None):
        super().__init__(name)
        self.configs: dict[str, Any] = {}  # nginx.conf -> its parsed config, or None
        self.findings: dict[str, list[Finding]] = {}  # the judged main file -> its findings

    def by_folder(self, name: str, folders: list[str]) -> bool:
        if name.endswith(".conf"):
            return any(part in _FOLDERS or part.startswith("nginx") for part in folders)
        # Debian's site files have no extension (sites-available/default)
        return bool(folders) and folders[-1] in _SITES and "." not in name

    def sniff(self, data: bytes) -> bool:
        """A .conf file with http, server, events, upstream or location blocks."""
        return _BLOCKS.search(data[:65536]) is not None

    def parse(
        self, scan: Session, file: ScannedFile, text: str, by_content: bool = False
    ) -> Document | None:
        """``by_content``: the file was taken for nginx only by its content; if it does not
        parse, it was something else (a cloud-init file with nginx inside, say) and is
        skipped."""
        from ..parsers.nginx import NginxError

        if _MODSECURITY.search(text) and not _BLOCKS.search(text.encode("utf-8", "replace")):
            return None  # a ModSecurity rules file beside nginx's, not nginx's syntax
        try:
            config = self._parse(scan, file.abspath, text)
        except NginxError as exc:
            if "{{" in text and "}}" in text:
                file.kind = "template"  # a Go or Jinja template of a config: not the config
                return None
            if not by_content:
                file.problem(scan.PARSE_ERROR, exc.message, exc.line, exc.column, fix=_FIX)
            return None
        return Document(file.display, file.abspath, self.name, text, [config])

    def judge(self, scan: Session, doc: Document) -> list[Finding]:
        main = self._main(scan, doc.abspath)
        key = main or doc.abspath
        found = self.findings.get(key)
        if found is None:
            judged = doc
            main_text = scan.read_text(main) if main is not None else None
            if main is not None and main_text is not None:  # read a moment ago, so it is
                config = self.configs[main]
                judged = Document(doc.path_of(main), main, self.name, main_text.text, [config])
            found = self.findings[key] = scan.run_rules(self.name, judged, doc.path)
        return [f for f in found if f.path == doc.path]

    def objects(self, doc: Document) -> list[tuple[str, int, int]]:
        config = doc.nginx
        found = []
        for directive in config.walk() if config is not None else ():
            if directive.name in ("server", "location") and directive.block is not None:
                if getattr(directive, "file", None) not in (None, doc.abspath):
                    continue  # the server blocks of an included file are that file's
                label = " ".join([directive.name, *directive.args])
                end = max(d.line for d in directive.walk())
                found.append((label, directive.line, end))
        return found

    def _parse(self, scan: Session, abspath: str, text: str) -> Any:
        from ..parsers.nginx import parse_nginx

        return parse_nginx(text, abspath, read=scan.read_included, root=scan.include_root(abspath))

    def _main(self, scan: Session, abspath: str) -> str | None:
        """The nginx.conf nearby (this folder or up to three above) that includes ``abspath``."""
        from ..parsers.nginx import NginxError

        folder = os.path.dirname(abspath)
        limit = scan.include_root(abspath)
        for _ in range(4):
            candidate = os.path.join(folder, "nginx.conf")
            if candidate != abspath and os.path.isfile(candidate):
                config = self.configs.get(candidate, False)
                if config is False:
                    main = scan.read_text(candidate)
                    try:
                        config = self._parse(scan, candidate, main.text) if main else None
                    except NginxError:
                        config = None
                    self.configs[candidate] = config
                if config is not None and abspath in config.files:
                    return candidate
            if folder == limit or os.path.dirname(folder) == folder:
                break
            folder = os.path.dirname(folder)
        return None
