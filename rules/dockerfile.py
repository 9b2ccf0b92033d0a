"""Rules for Dockerfiles: who the image runs as, where it comes from, and what it bakes in.
The program-flag rules (rules/prometheus_flags.py, oauth2_proxy.py, grafana.py ...) read
ENTRYPOINT and CMD too."""

from __future__ import annotations

import os
import posixpath

from promguard.lazy_regex import lazy
from promguard.model import MASK
from promguard.models.secrets import OWN_RULES_PREFIXES, looks_secret, placeholder, secret_name
from promguard.rule import Rule

from .common import PLACEHOLDER_NOTE

DF_REF = "https://docs.docker.com/reference/dockerfile/"
BEST = "https://docs.docker.com/build/building/best-practices/"
OWASP_DOCKER = "https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html"
SECRETS_CHECK = "https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/"
_PIPE_TO_SHELL = lazy(
    r"\b(curl|wget)\b[^;&\n]*\|\s*(sudo\s+(-\S+\s+)*)?(/usr)?(/bin/)?(ba|da|z|a)?sh\b"
    r"|\b(ba|z)?sh\s+-c\s+[\"']?\$\((curl|wget)\b"
)


def _dockerfile(doc):
    return doc.roots[0] if doc.roots else None


def known_base(stage):
    """The image a stage is built FROM, or None when it is not known here: an empty FROM, or
    `FROM $BASE` whose ARG default is a placeholder rather than a real image."""
    from promguard.models.services import parse_image

    base = (stage.base or "").strip()
    if not base or "$" in base:
        return None
    image = parse_image(base)
    raw = stage.base_arg.text if stage.base_arg is not None else base
    if "$" in (raw or "") and image.program is None and image.default_user is None:
        return None  # e.g. ARG base_image=non-existing: the real base comes with --build-arg
    return image


class FinalStageRoot(Rule):
    id = "DF01"
    name = "runs-as-root"
    title = "Image runs as root"
    severity = "medium"
    kinds = ("dockerfile",)
    description = (
        "The final stage's last USER is root or 0, or there is no USER and the base image runs "
        "as root. Bases known to run unprivileged (prom/*, grafana, oauth2-proxy, bitnami) are "
        "not reported; unknown bases are not guessed. Low when the ENTRYPOINT or CMD switches "
        "user (gosu, su-exec, setpriv ...), when the entrypoint script the image copies from "
        "its build context does, or when the base is an official image whose entrypoint does "
        "(postgres, mysql, redis, nginx ...)."
    )
    rationale = (
        "A process running as root turns any code-execution bug into root inside the container, "
        "with every file it can reach and one step from the host."
    )
    fix = "Add `USER 65534:65534` (or another non-root uid) before ENTRYPOINT/CMD."
    references = (DF_REF + "#user", OWASP_DOCKER)
    tags = ("privilege",)
    cwe = ("CWE-250",)
    controls = ("PGB-01",)
    cis_docker = ("4.1",)
    owasp_docker = ("RULE #2", "RULE #9")

    def check(self, doc):
        dockerfile = _dockerfile(doc)
        stage = dockerfile.final if dockerfile is not None else None
        if stage is None:
            return
        chain = dockerfile.ancestry(stage)
        for current in chain:
            user = current.last("USER")
            if user is None:
                continue
            name = user.args[0].text.split(":")[0] if user.args and user.args[0].text else ""
            if name in ("root", "0"):
                where = "the final stage" if current is stage else f"stage {current.name}"
                yield self.report(
                    doc, user, f"the image runs as root (USER in {where})", key_path=user.path
                )
            return

        base = known_base(chain[-1])
        if base is not None and base.default_user == "root":
            anchor = stage.instructions[0]
            name = base.repository or chain[-1].base
            drop = _drops_privileges(stage, base)
            message = f"no USER, and the base image {name} runs as root"
            if drop:
                message += f"; {drop}, so root is only what starts it"
            yield self.report(
                doc,
                anchor,
                message,
                key_path=anchor.path,
                severity="low" if drop else None,
            )

    def in_stack(self, finding, stack):
        """Low when the entrypoint script the image copies from its build context drops
        privileges before the service starts (gosu, su-exec, `exec su -s ... user -c`)."""
        for dockerfile_doc, context in stack.dockerfiles():
            if dockerfile_doc.path != finding.path or not dockerfile_doc.roots:
                continue
            stage = dockerfile_doc.roots[0].final
            script = _entry_script(stage) if stage is not None else None
            source = _copied_from(stage, posixpath.normpath(script)) if script else None
            if source is None or "$" in source or source.startswith("/"):
                return
            text = stack.files.read_text(os.path.join(context, source))
            if text is not None and _DROP_COMMANDS.search(text):
                finding.severity = "low"
                finding.message += f"; its entrypoint {source} switches to another user first"
            return


# Official images whose entrypoint starts the service as its own user (the database images
# through gosu, nginx and httpd with unprivileged workers).
_SELF_DROPPING = frozenset(
    ("postgres", "mysql", "mariadb", "redis", "mongo", "rabbitmq", "nginx", "httpd", "memcached")
)
_DROP_COMMANDS = lazy(
    r"(^|[\s/\"'\[,])(gosu|su-exec|setpriv|s6-setuidgid|chpst|runuser)\b"
    r"|\bsu\s+(-s\s+\S+\s+)?\S+\s+-c\b|--userspec"
)


def _drops_privileges(stage, base) -> str:
    """How the final stage starts its service as another user, if it says: its ENTRYPOINT or
    CMD runs gosu, su-exec, setpriv ..., or the base is an official image whose entrypoint
    does (postgres, redis, nginx ...)."""
    for keyword in ("ENTRYPOINT", "CMD"):
        instruction = stage.last(keyword)
        text = " ".join(a.text or "" for a in instruction.args) if instruction else ""
        if _DROP_COMMANDS.search(text):
            return f"its {keyword} switches to another user"
    repository = base.repository or ""
    official = base.registry in (None, "docker.io") and "/" not in repository
    apache_php = repository == "php" and "apache" in (base.tag or "")
    if official and (repository in ("nginx", "httpd") or apache_php):
        return f"the {repository} image serves requests from unprivileged worker processes"
    if official and repository in _SELF_DROPPING:
        return f"the {repository} image's entrypoint starts the service as its own user"
    return ""


def _entry_script(stage) -> str | None:
    """The container path of the script the final stage starts, when it starts one."""
    for keyword in ("ENTRYPOINT", "CMD"):
        instruction = stage.last(keyword)
        if instruction is None:
            continue
        words = [a.text or "" for a in instruction.args]
        if len(words) == 1 and " " in words[0]:
            words = words[0].split()  # the shell form
        while words and posixpath.basename(words[0]) in ("sh", "bash", "dumb-init", "tini"):
            words = [w for w in words[1:] if not w.startswith("-")]
        if words and ("/" in words[0] or words[0].endswith((".sh", ".py"))):
            return words[0]
        return None
    return None


def _copied_from(stage, target: str) -> str | None:
    """The build-context path a COPY or ADD of the stage puts at ``target``."""
    workdir = "/"
    found = None
    for instruction in stage.instructions:
        if instruction.keyword == "WORKDIR" and instruction.args:
            workdir = posixpath.join(workdir, instruction.args[0].text or "")
        if instruction.keyword not in ("COPY", "ADD") or "from" in instruction.flags:
            continue
        args = [a.text or "" for a in instruction.args]
        if len(args) < 2:
            continue
        *sources, dest = args
        dest = posixpath.normpath(posixpath.join(workdir, dest))
        for source in sources:
            if posixpath.normpath(posixpath.join(dest, posixpath.basename(source))) == target:
                found = source
            elif len(sources) == 1 and dest == posixpath.normpath(target):
                found = source
    return found


class UnpinnedBase(Rule):
    id = "DF02"
    name = "unpinned-base-image"
    title = "Base image without a version tag, or :latest"
    severity = "medium"
    kinds = ("dockerfile",)
    description = "FROM names an image with no tag or the tag latest, and no digest."
    rationale = (
        "Each build may pull a different release of the base: unreviewed changes, and no way "
        "to tell which version (and which vulnerabilities) an image contains."
    )
    fix = "Pin a release tag, ideally with its digest: `FROM prom/prometheus:v3.5.0@sha256:...`."
    references = (DF_REF + "#from", BEST)
    tags = ("supply-chain",)
    cwe = ("CWE-1357",)
    controls = ("PGB-04",)
    owasp_docker = ("RULE #9",)

    def check(self, doc):
        dockerfile = _dockerfile(doc)
        for stage in dockerfile.stages if dockerfile is not None else ():
            if stage.base.strip() == "scratch" or dockerfile.stage_by_name(stage.base.strip()):
                continue
            image = known_base(stage)
            if image is not None and image.is_latest_or_untagged:
                what = "the latest tag" if image.tag == "latest" else "no tag"
                anchor = stage.base_arg or stage.instructions[0]
                name = stage.base.strip().split("@")[0]
                if image.tag:
                    name = name[: -len(image.tag) - 1]
                yield self.report(
                    doc,
                    anchor,
                    f"FROM {stage.base.strip()} uses {what}",
                    key_path=stage.instructions[0].path,
                    fix=f"Pin a release tag, ideally with its digest: `FROM {name}:<version>"
                    "@sha256:...`, the version you build on.",
                )


class AddFromUrl(Rule):
    id = "DF03"
    name = "add-from-url"
    title = "ADD downloads from a URL"
    severity = "medium"
    kinds = ("dockerfile",)
    description = "ADD fetches a remote URL without --checksum."
    rationale = (
        "The download is not verified: whoever controls the server or the path can change what "
        "goes into the image."
    )
    fix = "Download in a RUN step and verify a checksum, or use `ADD --checksum=sha256:...`."
    references = (DF_REF + "#add", BEST)
    tags = ("supply-chain",)
    cwe = ("CWE-494",)
    controls = ("PGB-04",)
    cis_docker = ("4.9", "4.11")
    owasp_docker = ("RULE #9",)

    def check(self, doc):
        dockerfile = _dockerfile(doc)
        for instruction in dockerfile.instructions if dockerfile is not None else ():
            if instruction.keyword != "ADD" or "checksum" in instruction.flags:
                continue
            for arg in instruction.args[:-1]:  # the last one is the destination
                if arg.text.lower().startswith(("http://", "https://")):
                    yield self.report(
                        doc,
                        arg,
                        f"ADD downloads {arg.text} without a checksum",
                        key_path=instruction.path,
                    )


class SecretInEnvOrArg(Rule):
    id = "DF04"
    name = "secret-in-env-or-arg"
    title = "Secret in ENV or ARG"
    severity = "high"
    kinds = ("dockerfile",)
    description = (
        "An ENV or ARG whose name says it holds a credential (PASSWORD, SECRET, TOKEN, API_KEY "
        "...) has a literal value; an ARG of that name without a value is reported as medium, "
        "because build arguments stay in the image history."
    )
    rationale = (
        "ENV values are part of the image: anyone who can pull it reads them with `docker "
        "inspect`. ARG values are recorded in `docker history`."
    )
    fix = (
        "Use a build secret (`RUN --mount=type=secret,id=...`) or supply the value at run time "
        "as a file."
    )
    references = (SECRETS_CHECK, OWASP_DOCKER)
    tags = ("secrets",)
    cwe = ("CWE-798",)
    controls = ("PGB-05",)
    cis_docker = ("4.10",)
    owasp_docker = ("RULE #12",)

    def check(self, doc):
        dockerfile = _dockerfile(doc)
        if dockerfile is None:
            return
        final = dockerfile.final
        shipped = {id(s) for s in dockerfile.ancestry(final)} if final is not None else set()
        for instruction in dockerfile.instructions:
            if instruction.keyword not in ("ENV", "ARG"):
                continue
            stage = _stage_of(dockerfile, instruction)
            for arg in instruction.args:
                if not arg.key or not secret_name(arg.key):
                    continue
                if arg.key.upper().startswith(OWN_RULES_PREFIXES):
                    continue  # GRF02 and O2P02 know those programs' settings
                finding = self._judge(instruction.keyword, arg)
                if finding is None:
                    continue
                message, severity = finding
                if stage is not None and id(stage) not in shipped:
                    label = stage.name or str(stage.index)
                    message = (
                        f"{instruction.keyword} {arg.key} is a secret of build stage `{label}`: "
                        "the build cache and that stage's layers keep it, the final image does "
                        "not inherit it"
                    )
                    severity = "low"
                yield self.report(doc, arg, message, severity=severity, key_path=instruction.path)

    @staticmethod
    def _judge(keyword: str, arg):
        value = arg.text
        if value is None or "$" in value:
            # ARG TOKEN / ARG TOKEN=${CI_JOB_TOKEN}: passed at build time, kept in the history;
            # ENV TOKEN=${TOKEN}: the build argument copied into the image's configuration.
            if keyword == "ARG":
                return (
                    f"ARG {arg.key} passes a secret as a build argument, which the image "
                    "history keeps",
                    "medium",
                )
            return (f"ENV {arg.key} copies a build-time secret into the image", "medium")
        if looks_secret(arg.key, value) and placeholder(value):
            return f"{keyword} {arg.key} is {PLACEHOLDER_NOTE}", "low"
        if looks_secret(arg.key, value):
            return f"{keyword} {arg.key}={MASK} bakes a secret into the image", None
        return None


def _stage_of(dockerfile, instruction):
    for stage in dockerfile.stages:
        if any(i is instruction for i in stage.instructions):
            return stage
    return None  # an ARG before the first FROM: a build argument of every stage


class PipeToShell(Rule):
    id = "DF05"
    name = "curl-pipe-shell"
    title = "Script downloaded and piped into a shell"
    severity = "medium"
    kinds = ("dockerfile",)
    description = "A RUN step pipes curl or wget output into sh or bash."
    rationale = (
        "The script is executed unverified: a compromised server, DNS or proxy decides what "
        "runs as root during the build."
    )
    fix = "Download to a file, verify its checksum or signature, then run it."
    references = (BEST, OWASP_DOCKER)
    tags = ("supply-chain",)
    cwe = ("CWE-494",)
    controls = ("PGB-04",)
    cis_docker = ("4.11",)
    owasp_docker = ("RULE #9",)

    def check(self, doc):
        dockerfile = _dockerfile(doc)
        for instruction in dockerfile.instructions if dockerfile is not None else ():
            if instruction.keyword == "RUN" and _PIPE_TO_SHELL.search(instruction.value):
                yield self.report(
                    doc, instruction, "RUN pipes a download into a shell", key_path=instruction.path
                )


RULES = [FinalStageRoot, UnpinnedBase, AddFromUrl, SecretInEnvOrArg, PipeToShell]
