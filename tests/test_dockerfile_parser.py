"""The located Dockerfile model: exact positions, BuildKit's line rules, stages, limits."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promguard.parsers.dockerfile import (
    MAX_INSTRUCTIONS,
    DockerfileError,
    parse_dockerfile,
)


def span(node):
    return (node.line, node.column, node.end_line, node.end_column)


def source_at(text, node):
    """The text a single-line node points at."""
    assert node.line == node.end_line
    line = text.lstrip("\ufeff").split("\n")[node.line - 1]
    return line[node.column - 1 : node.end_column - 1]


# -- instructions and stages -----------------------------------------------------------------


def test_instruction_positions_paths_and_stages():
    text = (
        "FROM golang:1.22 AS Build\n"
        "RUN go build ./...\n"
        "RUN go test ./...\n"
        "\n"
        "FROM alpine:3.19\n"
        "COPY --from=build /out/app /usr/bin/app\n"
        "  USER nobody\n"
        "RUN apk add curl\n"
    )
    df = parse_dockerfile(text)
    assert [s.index for s in df.stages] == [0, 1]
    build, final = df.stages
    assert build.name == "build" and build.base == "golang:1.22" and build.line == 1
    assert final.name is None and final.base == "alpine:3.19" and final.line == 5
    assert df.final is final
    assert [i.keyword for i in build.instructions] == ["FROM", "RUN", "RUN"]
    assert [i.path for i in build.instructions] == [
        "stage[0].FROM",
        "stage[0].RUN",
        "stage[0].RUN[1]",
    ]
    assert [i.path for i in final.instructions] == [
        "stage[1].FROM",
        "stage[1].COPY",
        "stage[1].USER",
        "stage[1].RUN",
    ]
    assert [i.stage for i in df.instructions] == [0, 0, 0, 1, 1, 1, 1]
    user = final.instructions[2]
    assert span(user) == (7, 3, 7, 14)
    assert user.value == "nobody"
    run = build.instructions[1]
    assert span(run) == (2, 1, 2, 19) and run.value == "go build ./..."
    assert [a.text for a in run.args] == ["go", "build", "./..."]
    assert span(run.args[2]) == (2, 14, 2, 19)
    assert span(build.base_arg) == (1, 6, 1, 17) and build.base_arg.text == "golang:1.22"


def test_stage_by_name_case_and_index():
    df = parse_dockerfile("FROM a AS Builder\nFROM b as final\nCOPY --from=BUILDER /x /y\n")
    assert df.stage_by_name("builder") is df.stages[0]
    assert df.stage_by_name("Builder") is df.stages[0]
    assert df.stage_by_name(df.final.instructions[1].flags["from"].text) is df.stages[0]
    assert df.stage_by_name("FINAL") is df.stages[1]
    assert df.stage_by_name("1") is df.stages[1]
    assert df.stage_by_name("2") is None
    assert df.stage_by_name("nope") is None and df.stage_by_name(None) is None


def test_path_is_stable_across_edits_above():
    before = parse_dockerfile("FROM a\nRUN x\nUSER u\nRUN y\n")
    after = parse_dockerfile("# added\nFROM a\nLABEL k=v\nRUN x\nUSER u\nRUN y\n")
    assert [i.path for i in before.instructions if i.keyword != "LABEL"] == [
        i.path for i in after.instructions if i.keyword != "LABEL"
    ]


def test_lowercase_keywords_and_unknown_instructions_are_kept():
    df = parse_dockerfile("from alpine\nrun echo hi\nFROBNICATE a b\n")
    assert [i.keyword for i in df.instructions] == ["FROM", "RUN", "FROBNICATE"]
    odd = df.instructions[2]
    assert [a.text for a in odd.args] == ["a", "b"] and odd.path == "stage[0].FROBNICATE"


# -- ENV, ARG, LABEL ---------------------------------------------------------------------------


def test_env_pairs_point_at_each_pair():
    text = "FROM a\nENV A=b C=\"d e\"  F=g\\ h I='j k'\n"
    env = parse_dockerfile(text).instructions[1]
    assert [(a.key, a.text) for a in env.args] == [
        ("A", "b"),
        ("C", "d e"),
        ("F", "g h"),
        ("I", "j k"),
    ]
    assert [span(a) for a in env.args] == [
        (2, 5, 2, 8),
        (2, 9, 2, 16),
        (2, 18, 2, 24),
        (2, 25, 2, 32),
    ]
    assert [source_at(text, a) for a in env.args] == ["A=b", 'C="d e"', "F=g\\ h", "I='j k'"]
    assert env.value == "A=b C=\"d e\"  F=g\\ h I='j k'"


def test_env_legacy_form_takes_the_rest_of_the_line():
    text = "FROM a\nENV  PATH  /usr/local/bin:$PATH  more words\n"
    env = parse_dockerfile(text).instructions[1]
    (pair,) = env.args
    assert pair.key == "PATH" and pair.text == "/usr/local/bin:$PATH  more words"
    assert span(pair) == (2, 6, 2, 44)
    assert source_at(text, pair) == "PATH  /usr/local/bin:$PATH  more words"


def test_env_without_value_is_kept():
    env = parse_dockerfile("FROM a\nENV ONLY\n").instructions[1]
    assert [(a.key, a.text) for a in env.args] == [("ONLY", "")]


def test_arg_with_and_without_default():
    text = 'ARG VERSION=1.2 MIRROR\nFROM a\nARG TOKEN\nARG QUOTED="x y"\n'
    df = parse_dockerfile(text)
    assert [(a.key, a.text) for a in df.global_args] == [("VERSION", "1.2"), ("MIRROR", None)]
    assert [span(a) for a in df.global_args] == [(1, 5, 1, 16), (1, 17, 1, 23)]
    glob = df.instructions[0]
    assert glob.stage is None and glob.path == "global.ARG"
    token, quoted = df.final.instructions[1:]
    assert token.args[0].key == "TOKEN" and token.args[0].text is None
    assert token.path == "stage[0].ARG" and quoted.path == "stage[0].ARG[1]"
    assert quoted.args[0].text == "x y" and span(quoted.args[0]) == (4, 5, 4, 17)


def test_label_keys_are_unquoted():
    text = 'FROM a\nLABEL "org.opencontainers.image.source"="https://x" maintainer=me\n'
    label = parse_dockerfile(text).instructions[1]
    assert [(a.key, a.text) for a in label.args] == [
        ("org.opencontainers.image.source", "https://x"),
        ("maintainer", "me"),
    ]
    assert span(label.args[1]) == (2, 53, 2, 66)


# -- FROM and ARG substitution -----------------------------------------------------------------


def test_from_substitutes_global_arg_defaults():
    text = (
        "ARG REGISTRY=docker.io\n"
        'ARG IMAGE="$REGISTRY/prom/prometheus"\n'
        "ARG TAG\n"
        "ARG EMPTY=\n"
        "FROM ${IMAGE}:${TAG} AS one\n"
        "FROM ${IMAGE}:${UNDECLARED:-v2.53.0}\n"
        "FROM ${IMAGE}:${EMPTY:-latest}-${EMPTY-x}${REGISTRY:+y}\n"
        "FROM $IMAGE:${TAG:-x}\n"
        "ARG LOCAL=ignored\n"
        "FROM $LOCAL\n"
        "FROM 'single$REGISTRY' AS last\n"
    )
    df = parse_dockerfile(text)
    bases = [s.base for s in df.stages]
    assert bases == [
        "docker.io/prom/prometheus:${TAG}",  # no default: unknown until the build
        "docker.io/prom/prometheus:v2.53.0",
        "docker.io/prom/prometheus:latest-y",
        "docker.io/prom/prometheus:${TAG:-x}",
        "$LOCAL",  # an ARG inside a stage does not reach FROM
        "single$REGISTRY",
    ]
    assert df.stages[0].base_arg.text == "${IMAGE}:${TAG}"
    assert span(df.stages[0].base_arg) == (5, 6, 5, 21)
    assert df.stages[0].name == "one" and df.stages[-1].name == "last"


def test_from_flags_and_missing_image():
    df = parse_dockerfile("FROM --platform=$BUILDPLATFORM golang AS b\nFROM\n")
    first, second = df.stages
    assert first.base == "golang" and first.name == "b"
    assert first.instructions[0].flags["platform"].text == "$BUILDPLATFORM"
    assert span(first.instructions[0].flags["platform"]) == (1, 6, 1, 31)
    assert second.base == "" and second.base_arg is None


# -- USER, EXPOSE, WORKDIR, HEALTHCHECK --------------------------------------------------------


def test_user_with_group():
    text = "FROM a\nUSER  1000:staff\nUSER root\n"
    df = parse_dockerfile(text)
    group_user, root = df.instructions[1:]
    assert group_user.value == "1000:staff"
    assert [(a.text, span(a)) for a in group_user.args] == [
        ("1000", (2, 7, 2, 11)),
        ("staff", (2, 12, 2, 17)),
    ]
    assert [a.text for a in root.args] == ["root"]
    assert root.path == "stage[0].USER[1]"
    assert df.final.last("USER") is root


def test_expose_ports_and_protocols():
    text = "FROM a\nEXPOSE 9090 9093/tcp\t53/udp\n"
    expose = parse_dockerfile(text).instructions[1]
    assert [a.text for a in expose.args] == ["9090", "9093/tcp", "53/udp"]
    assert [span(a) for a in expose.args] == [(2, 8, 2, 12), (2, 13, 2, 21), (2, 22, 2, 28)]


def test_healthcheck_forms():
    text = (
        "FROM a\n"
        "HEALTHCHECK --interval=30s --timeout=3s CMD wget -qO- http://localhost:9090/-/healthy\n"
        'HEALTHCHECK CMD ["curl", "-f", "http://x"]\n'
        "HEALTHCHECK NONE\n"
    )
    shell, exec_form, none = parse_dockerfile(text).instructions[1:]
    assert sorted(shell.flags) == ["interval", "timeout"]
    assert [a.text for a in shell.args] == [
        "CMD",
        "wget",
        "-qO-",
        "http://localhost:9090/-/healthy",
    ]
    assert not shell.json_form and span(shell.args[3]) == (2, 55, 2, 86)
    assert exec_form.json_form and [a.text for a in exec_form.args] == [
        "CMD",
        "curl",
        "-f",
        "http://x",
    ]
    assert span(exec_form.args[3]) == (3, 32, 3, 42)
    assert [a.text for a in none.args] == ["NONE"]


def test_workdir_and_maintainer():
    df = parse_dockerfile('FROM a\nWORKDIR "/srv/my app"\nMAINTAINER Jane <j@x>\n')
    workdir, maintainer = df.instructions[1:]
    assert workdir.args[0].text == "/srv/my app" and span(workdir.args[0]) == (2, 9, 2, 22)
    assert maintainer.args[0].text == "Jane <j@x>"


# -- JSON and shell form -----------------------------------------------------------------------


def test_json_form_items_point_at_each_string():
    text = 'FROM a\nCMD [ "/bin/prometheus",\t"--web.listen-address=:9090", "a\\"b\\u00e9" ]\n'
    cmd = parse_dockerfile(text).instructions[1]
    assert cmd.json_form
    assert [a.text for a in cmd.args] == ["/bin/prometheus", "--web.listen-address=:9090", 'a"bé']
    assert [source_at(text, a) for a in cmd.args] == [
        '"/bin/prometheus"',
        '"--web.listen-address=:9090"',
        '"a\\"b\\u00e9"',
    ]
    assert span(cmd.args[1]) == (2, 26, 2, 54)


def test_not_a_string_array_is_shell_form():
    df = parse_dockerfile(
        "FROM a\nENTRYPOINT [\"a\", 1]\nCMD ['single', 'quotes']\nRUN [\"unclosed\"\nCMD []\n"
    )
    numbers, single, unclosed, empty = df.instructions[1:]
    assert not numbers.json_form and [a.text for a in numbers.args] == ["[a,", "1]"]
    assert not single.json_form and [a.text for a in single.args] == ["[single,", "quotes]"]
    assert not unclosed.json_form
    assert empty.json_form and empty.args == []


def test_shell_words_quotes_and_operators():
    text = "FROM a\nRUN curl -k 'https://x y' \"$A\"&&chmod 777 /data; echo a\\ b|sh\n"
    run = parse_dockerfile(text).instructions[1]
    assert [a.text for a in run.args] == [
        "curl",
        "-k",
        "https://x y",
        "$A",
        "&&",
        "chmod",
        "777",
        "/data",
        ";",
        "echo",
        "a b",
        "|",
        "sh",
    ]
    assert source_at(text, run.args[2]) == "'https://x y'"
    assert source_at(text, run.args[4]) == "&&"
    assert source_at(text, run.args[10]) == "a\\ b"


def test_json_form_across_continuation_lines():
    text = 'FROM a\nENTRYPOINT ["/bin/am", \\\n    "--config.file=/etc/am.yml"]\n'
    ep = parse_dockerfile(text).instructions[1]
    assert ep.json_form and [a.text for a in ep.args] == ["/bin/am", "--config.file=/etc/am.yml"]
    assert span(ep.args[1]) == (3, 5, 3, 32)
    assert span(ep) == (2, 1, 3, 33)


# -- COPY and ADD ------------------------------------------------------------------------------


def test_copy_and_add_flags_sources_destination():
    text = (
        "FROM a\n"
        "COPY --from=builder --chown=app:app --chmod=0755 /out/a /out/b /usr/bin/\n"
        "ADD --checksum=sha256:abc https://x/y.tgz /tmp/\n"
        'COPY ["with space.yml", "/etc/p/"]\n'
        "COPY --link ./a ./b\n"
        "COPY -- --weird /dst\n"
    )
    copy, add, json_copy, link, dashdash = parse_dockerfile(text).instructions[1:]
    assert {k: (v.text, span(v)) for k, v in copy.flags.items()} == {
        "from": ("builder", (2, 6, 2, 20)),
        "chown": ("app:app", (2, 21, 2, 36)),
        "chmod": ("0755", (2, 37, 2, 49)),
    }
    assert copy.flags["from"].key == "from"
    assert [a.text for a in copy.args] == ["/out/a", "/out/b", "/usr/bin/"]
    assert span(copy.args[-1]) == (2, 64, 2, 73)
    assert copy.value.startswith("--from=builder ")
    assert add.flags["checksum"].text == "sha256:abc"
    assert [a.text for a in add.args] == ["https://x/y.tgz", "/tmp/"]
    assert json_copy.json_form and [a.text for a in json_copy.args] == ["with space.yml", "/etc/p/"]
    assert link.flags["link"].text == "" and [a.text for a in link.args] == ["./a", "./b"]
    assert dashdash.flags == {} and [a.text for a in dashdash.args] == ["--weird", "/dst"]


def test_quoted_flag_value():
    copy = parse_dockerfile('FROM a\nCOPY --chown="a b" x y\n').instructions[1]
    assert copy.flags["chown"].text == "a b" and span(copy.flags["chown"]) == (2, 6, 2, 19)
    assert [a.text for a in copy.args] == ["x", "y"]


# -- continuation lines, comments, escape directive --------------------------------------------


def test_continuation_with_comments_and_empty_lines():
    text = (
        "FROM a\n"
        "RUN apt-get update && \\\n"
        "    # a comment inside the instruction \\\n"
        "\n"
        "  \t\n"
        "    apt-get install -y \\  \n"
        "      curl   \n"
        "USER app\n"
    )
    df = parse_dockerfile(text)
    run, user = df.instructions[1:]
    assert run.value == "apt-get update &&     apt-get install -y       curl"
    assert span(run) == (2, 1, 7, 11)
    words = {a.text: span(a) for a in run.args}
    assert words["update"] == (2, 13, 2, 19)
    assert words["install"] == (6, 13, 6, 20)
    assert words["curl"] == (7, 7, 7, 11)
    assert span(user) == (8, 1, 8, 9)


def test_word_split_across_lines_spans_both():
    text = "FROM a\nENV KEY=abc\\\ndef\n"
    pair = parse_dockerfile(text).instructions[1].args[0]
    assert pair.text == "abcdef" and span(pair) == (2, 5, 3, 4)


def test_backtick_escape_directive():
    text = (
        "# syntax=docker/dockerfile:1\n"
        "# escape=`\n"
        "\n"
        "FROM mcr.microsoft.com/windows/servercore\n"
        "RUN dir c:\\ `\n"
        "    && echo done\n"
        "ENV P=C:\\Program` Files\n"
    )
    df = parse_dockerfile(text)
    assert df.directives["escape"].text == "`" and span(df.directives["escape"]) == (2, 1, 2, 11)
    assert df.directives["syntax"].text == "docker/dockerfile:1"
    run, env = df.instructions[1:]
    assert run.value == "dir c:\\     && echo done"
    assert [a.text for a in run.args] == ["dir", "c:\\", "&&", "echo", "done"]
    assert span(run) == (5, 1, 6, 17)
    assert env.args[0].text == "C:\\Program Files"


def test_directive_only_at_the_top():
    text = "# note\n# escape=`\nFROM a\nRUN echo `\nUSER x\n"
    df = parse_dockerfile(text)
    assert df.directives == {}
    run = df.instructions[1]
    assert run.value == "echo `" and span(run) == (4, 1, 4, 11)
    text = "FROM a\n# escape=`\nRUN a \\\n b\n"
    df = parse_dockerfile(text)
    assert df.directives == {} and df.instructions[1].value == "a  b"


def test_unknown_directive_ends_the_directives():
    df = parse_dockerfile("# foo=bar\n# escape=`\nFROM a\n")
    assert df.directives == {}


def test_bad_directives():
    with pytest.raises(DockerfileError) as err:
        parse_dockerfile("# escape=`\n#escape=\\\nFROM a\n")
    assert (err.value.line, err.value.column) == (2, 1)
    assert "only one escape" in err.value.message
    with pytest.raises(DockerfileError) as err:
        parse_dockerfile("  # escape=x\nFROM a\n")
    assert (err.value.line, err.value.column) == (1, 3)


def test_hash_inside_a_line_is_not_a_comment():
    run = parse_dockerfile("FROM a\nRUN echo '#x' # trailing\n").instructions[1]
    assert run.value == "echo '#x' # trailing"


def test_continuation_at_end_of_file_keeps_the_instruction():
    # dockerfile-parse drops this instruction; BuildKit keeps it.
    df = parse_dockerfile("FROM a\nRUN dir c:\\")
    run = df.instructions[1]
    assert run.value == "dir c:" and span(run) == (2, 1, 2, 12)


def test_lone_escape_line_joins_the_next():
    df = parse_dockerfile("FROM a\n\\\nRUN x\n")
    run = df.instructions[1]
    assert run.keyword == "RUN" and span(run)[:2] == (3, 1)


# -- heredocs ----------------------------------------------------------------------------------


def test_run_heredoc():
    text = "FROM a\nRUN <<EOF\ncurl -k https://x | sh\nchmod 777 /\nEOF\nUSER app\n"
    df = parse_dockerfile(text)
    run, user = df.instructions[1:]
    assert run.value == "<<EOF\ncurl -k https://x | sh\nchmod 777 /\nEOF"
    assert span(run) == (2, 1, 5, 4)
    assert [a.text for a in run.args] == ["<<EOF"]
    (doc,) = run.heredocs
    assert doc.name == "EOF" and doc.text == "curl -k https://x | sh\nchmod 777 /\n"
    assert span(doc) == (3, 1, 5, 4) and doc.expand and not doc.chomp
    assert user.keyword == "USER" and user.line == 6 and len(df.instructions) == 3


def test_heredoc_variants():
    text = (
        "FROM a\n"
        "COPY <<'CONF' /etc/app.conf\n"
        "password=$SECRET\n"
        "CONF\n"
        "RUN <<-END bash\n"
        "\techo hi\n"
        "\tEND\n"
        "RUN cat <<A 2<<B\n"
        "a\n"
        "A\n"
        "b\n"
        "B\n"
        'RUN echo "<<NOT"\n'
    )
    df = parse_dockerfile(text)
    copy, chomp, two, quoted = df.instructions[1:]
    assert [a.text for a in copy.args] == ["<<CONF", "/etc/app.conf"]
    assert copy.heredocs[0].name == "CONF" and not copy.heredocs[0].expand
    assert copy.heredocs[0].text == "password=$SECRET\n"
    assert chomp.heredocs[0].chomp and chomp.heredocs[0].text == "\techo hi\n"
    assert span(chomp) == (5, 1, 7, 5)
    assert [d.name for d in two.heredocs] == ["A", "B"]
    assert [span(d) for d in two.heredocs] == [(9, 1, 10, 2), (11, 1, 12, 2)]
    assert two.value == "cat <<A 2<<B\na\nA\nb\nB"
    assert quoted.heredocs == () and quoted.line == 13


def test_unterminated_heredoc():
    with pytest.raises(DockerfileError) as err:
        parse_dockerfile("FROM a\n  RUN <<EOF\necho\n")
    assert (err.value.line, err.value.column) == (2, 3)


def test_heredoc_only_for_run_copy_add():
    df = parse_dockerfile("FROM a\nCMD cat <<EOF\nUSER x\n")
    assert [i.keyword for i in df.instructions] == ["FROM", "CMD", "USER"]


# -- line endings, BOM, tabs, empty files ------------------------------------------------------


def test_crlf_file():
    text = 'FROM a\r\nENV A=1 \\\r\n    B=2\r\nCMD ["x"]\r\n'
    df = parse_dockerfile(text)
    env, cmd = df.instructions[1:]
    assert [(a.key, a.text, span(a)) for a in env.args] == [
        ("A", "1", (2, 5, 2, 8)),
        ("B", "2", (3, 5, 3, 8)),
    ]
    assert span(env) == (2, 1, 3, 8)
    assert cmd.json_form and span(cmd) == (4, 1, 4, 10) and cmd.value == '["x"]'


def test_crlf_heredoc():
    run = parse_dockerfile("FROM a\r\nRUN <<EOF\r\nx\r\nEOF\r\n").instructions[1]
    assert run.heredocs[0].text == "x\n" and span(run) == (2, 1, 4, 4)


def test_bom_is_not_a_column():
    df = parse_dockerfile("\ufeffFROM alpine\nUSER x\n")
    assert df.instructions[0].keyword == "FROM" and span(df.instructions[0]) == (1, 1, 1, 12)
    assert span(df.stages[0].base_arg) == (1, 6, 1, 12)
    df = parse_dockerfile("\ufeff# escape=`\nFROM a\n")
    assert df.directives["escape"].text == "`"


def test_tabs_count_one_column():
    text = "FROM a\n\tENV\tA=b\t\tC=d\n"
    env = parse_dockerfile(text).instructions[1]
    assert env.column == 2
    assert [span(a) for a in env.args] == [(2, 6, 2, 9), (2, 11, 2, 14)]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "\ufeff", "  \t\r\n"])
def test_empty_files(text):
    df = parse_dockerfile(text)
    assert df.stages == [] and df.instructions == [] and df.final is None


def test_global_args_without_from():
    df = parse_dockerfile("ARG A=1\n")
    assert df.stages == [] and df.final is None and df.global_args[0].key == "A"


# -- not a Dockerfile, limits ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("hello world\nthis is prose\n", (1, 1)),
        ("\n\n   global:\n  scrape_interval: 15s\n", (3, 4)),
        ('{"json": true}\n', (1, 1)),
        ("ARG A=1\nRUN echo\nFROM a\n", (2, 1)),
        ("# comment\nRUN echo\n", (2, 1)),
    ],
)
def test_not_a_dockerfile(text, position):
    with pytest.raises(DockerfileError) as err:
        parse_dockerfile(text)
    assert (err.value.line, err.value.column) == position


def test_instruction_limit():
    ok = "FROM a\n" + "RUN x\n" * (MAX_INSTRUCTIONS - 1)
    assert len(parse_dockerfile(ok).instructions) == MAX_INSTRUCTIONS
    with pytest.raises(DockerfileError) as err:
        parse_dockerfile(ok + "USER y\n")
    assert (err.value.line, err.value.column) == (MAX_INSTRUCTIONS + 1, 1)
    assert "more than" in err.value.message


# -- agreement with dockerfile-parse where it is right -----------------------------------------


def test_line_ranges_agree_with_dockerfile_parse():
    io = pytest.importorskip("io")
    dockerfile_parse = pytest.importorskip("dockerfile_parse")
    text = (
        "ARG V=1\nFROM a:$V AS b\n# c\nRUN a \\\n  # inner\n  b\nENV X=1 Y=2\n"
        'CMD ["x"]\nLABEL a=b \\\n  c=d\nFROM b\nCOPY --from=b /a /b\n'
    )
    parser = dockerfile_parse.DockerfileParser(fileobj=io.BytesIO(text.encode()))
    theirs = [
        (s["instruction"], s["startline"] + 1, s["endline"] + 1, s["value"])
        for s in parser.structure
        if s["instruction"] != "COMMENT"
    ]
    ours = [(i.keyword, i.line, i.end_line, i.value) for i in parse_dockerfile(text).instructions]
    assert ours == theirs


# -- robustness --------------------------------------------------------------------------------


def _check_inside(text, df):
    lines = [line.rstrip("\r") for line in text.lstrip("\ufeff").split("\n")] or [""]

    def inside(node):
        assert 1 <= node.line <= node.end_line <= len(lines), node
        assert 1 <= node.column <= len(lines[node.line - 1]) + 1, node
        assert 1 <= node.end_column <= len(lines[node.end_line - 1]) + 1, node
        assert (node.line, node.column) <= (node.end_line, node.end_column), node

    for ins in df.instructions:
        inside(ins)
        assert ins.path and isinstance(ins.value, str)
        for arg in list(ins.args) + list(ins.flags.values()):
            inside(arg)
            assert arg.text is None or isinstance(arg.text, str)
        for doc in ins.heredocs:
            inside(doc)
    for arg in df.global_args + list(df.directives.values()):
        inside(arg)
    for stage in df.stages:
        assert isinstance(stage.base, str)


def _parse_or_error(text):
    try:
        df = parse_dockerfile(text)
    except DockerfileError as err:
        assert isinstance(err.line, int) and isinstance(err.column, int)
        return
    _check_inside(text, df)


VALID = (
    "# syntax=docker/dockerfile:1\n"
    "ARG BASE=alpine:3.19\n"
    "FROM ${BASE} AS build\n"
    'ENV A=b C="d e" \\\n'
    "    # comment\n"
    "    F='g h'\n"
    "ENV LEGACY some value\n"
    "USER 1000:1000\n"
    "EXPOSE 9090/tcp 53/udp\n"
    "RUN <<EOF\n"
    "echo hi\n"
    "EOF\n"
    'CMD ["prometheus", "--config.file=/etc/p.yml"]\n'
    "COPY --from=build --chown=a:b /a /b\n"
    "HEALTHCHECK --interval=5s CMD curl -f http://x/ || exit 1\n"
    "LABEL \"k\"='v' x=y\n"
    "ENTRYPOINT /bin/sh -c 'echo $A'\n"
)
ALPHABET = st.sampled_from(list("FROMRUNCPYENVARGUSERa=b:/\"'`\\[]{},$-<# \t\r\n\ufeff\xa0é"))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_random_text_never_crashes(text):
    _parse_or_error(text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=ALPHABET, max_size=200))
def test_random_dockerish_text_never_crashes(text):
    _parse_or_error("FROM a\n" + text)
    _parse_or_error(text)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["insert", "delete", "replace"]),
            st.integers(min_value=0, max_value=len(VALID)),
            st.text(alphabet=ALPHABET, max_size=8),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_mutated_dockerfile_never_crashes(mutations):
    text = VALID
    for op, at, piece in mutations:
        at = min(at, len(text))
        if op == "insert":
            text = text[:at] + piece + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + len(piece) + 1 :]
        else:
            text = text[:at] + piece + text[at + len(piece) :]
    _parse_or_error(text)


def test_valid_sample_parses_fully():
    df = parse_dockerfile(VALID)
    _check_inside(VALID, df)
    assert [i.keyword for i in df.instructions] == [
        "ARG",
        "FROM",
        "ENV",
        "ENV",
        "USER",
        "EXPOSE",
        "RUN",
        "CMD",
        "COPY",
        "HEALTHCHECK",
        "LABEL",
        "ENTRYPOINT",
    ]
    assert df.final.base == "alpine:3.19"
