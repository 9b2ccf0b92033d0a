"""The located YAML tree: positions, raw text, merge keys, duplicates, limits."""

import pytest

from promguard.parsers.yaml_tree import Mapping, Scalar, Sequence, YamlError, parse_yaml, scalars


def test_positions_and_raw_text_are_kept():
    root = parse_yaml("ports:\n  - 9090:9090\n  - no\n").documents[0]
    ports = root.get("ports")
    assert isinstance(ports, Sequence)
    first, second = ports.items
    # YAML 1.1 would make these 545490 and False; the raw text is what the program meant.
    assert first.text == "9090:9090" and (first.line, first.column) == (2, 5)
    assert (first.end_line, first.end_column) == (2, 14)
    assert second.text == "no" and second.as_bool() is False
    assert root.key_node("ports").line == 1


def test_quoted_scalars_are_not_booleans():
    root = parse_yaml('a: "true"\nb: true\nc: yes\n').documents[0]
    assert root.get("a").as_bool() is None
    assert root.get("b").as_bool() is True
    assert root.get("c").as_bool() is True  # Go's yaml.v2 is YAML 1.1


def test_key_paths():
    root = parse_yaml(
        "scrape_configs:\n  - job_name: x\n    basic_auth: {password: p}\nlabels:\n  a.b: c\n"
    ).documents[0]
    password = root.get("scrape_configs").items[0].get("basic_auth").get("password")
    assert password.path == "scrape_configs[0].basic_auth.password"
    assert root.get("labels").get("a.b").path == 'labels["a.b"]'


def test_merge_keys_resolved_with_explicit_keys_winning():
    text = "base: &b {user: a, password: one}\nuse:\n  <<: *b\n  password: two\n"
    use = parse_yaml(text).documents[0].get("use")
    assert use.text("user") == "a" and use.text("password") == "two"


def test_merge_list_first_wins():
    text = "a: &a {k: 1}\nb: &b {k: 2, j: 3}\nc:\n  <<: [*a, *b]\n"
    c = parse_yaml(text).documents[0].get("c")
    assert c.text("k") == "1" and c.text("j") == "3"


def test_duplicate_keys_reported_at_the_second_key():
    parsed = parse_yaml("a: 1\nb: 2\na: 3\n")
    (dup,) = parsed.duplicates
    assert dup.key.line == 3 and dup.first.line == 1


def test_several_documents():
    parsed = parse_yaml("a: 1\n---\nb: 2\n---\n")
    assert [sorted(d.keys()) for d in parsed.documents] == [["a"], ["b"]]


def test_syntax_error_has_its_position():
    with pytest.raises(YamlError) as err:
        parse_yaml("a: 1\nb: c: d\n")
    assert (err.value.line, err.value.column) == (2, 5)


def test_unclosed_flow_collection_is_reported_where_it_is_left_open():
    # PyYAML notices only at the next line's token; the fix belongs at the end of line 2.
    with pytest.raises(YamlError) as err:
        parse_yaml("a:\n  b: [1, 2  # comment\n\nc: 3\n")
    assert (err.value.line, err.value.column) == (2, 11)  # just after the "2"


def test_alias_bomb_is_not_expanded():
    # Billion laughs: nine levels of ten aliases each would be 10**9 nodes if expanded.
    lines = ['a0: &a0 "lol"']
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    parsed = parse_yaml("\n".join(lines) + "\n")
    assert len(list(scalars(parsed.documents[0]))) == 1  # shared, visited once


def test_recursive_alias_does_not_loop():
    root = parse_yaml("a: &x [*x]\n").documents[0]
    assert isinstance(root.get("a"), Sequence)
    assert list(scalars(root)) == []


def test_nesting_limit():
    with pytest.raises(YamlError) as err:
        parse_yaml("a: " + "[" * 500 + "]" * 500 + "\n")
    assert "nesting" in err.value.message


def test_crlf_lines_are_counted_right():
    root = parse_yaml("a: 1\r\nb:\r\n  c: 2\r\n").documents[0]
    assert root.get("b").get("c").line == 3


def test_null_and_complex_keys():
    root = parse_yaml("a:\nb: ~\n? [x]\n: y\n").documents[0]
    assert root.get("a").is_null and root.get("b").is_null
    assert isinstance(root, Mapping) and "?" in root
    assert isinstance(root.get("?"), Scalar)
