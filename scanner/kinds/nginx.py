"""nginx configurations: a file is judged as part of the nginx.conf nearby that includes it (with
the http and server settings it inherits), once for all the files that main file reads."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ..document import Document
from . import Kind

if TYPE_CHECKING:
    from ..engine import ScannedFile, Session
    from ..model import Finding

_FIX = "Fix the nginx syntax at the reported line (`nginx -t` agrees)."


class NginxKind(Kind):
    name = "nginx"
    in_stack = True
    sniffed_suffixes = (".conf",)

    def __init__(self, name: str | None = None):
        super().__init__(name)
        self.configs: dict[str, Any] = {}  # nginx.conf -> its parsed config, or None
        self.findings: dict[str, list[Finding]] = {}  # the judged main file -> its findings

    def sniff(self, data: bytes) -> bool:
        from ..detect import may_be_nginx

        return may_be_nginx(data)

    def parse(
        self, scan: Session, file: ScannedFile, text: str, by_content: bool = False
    ) -> Document | None:
        """``by_content``: the file was taken for nginx only by its content; if it does not
        parse, it was something else (a cloud-init file with nginx inside, say) and is
        skipped."""
        from ..parsers.nginx import NginxError

        try:
            config = self._parse(scan, file.abspath, text)
        except NginxError as exc:
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
