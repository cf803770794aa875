"""Checklist templates: loading, the seed's text verbatim, and clear messages for broken files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from frontdesk.checklists import TemplateError, load_template, load_templates, parse_template, templates_for

REPO = Path(__file__).resolve().parents[2]
SHARED_SEED = REPO.parent / "shared" / "seed" / "front-desk-workflow.zh-Hant.txt"
# A verbatim copy ships with the repository, so these tests never skip on a machine without shared/.
SEED = REPO / "docs" / "seed" / "front-desk-workflow.zh-Hant.txt"


def seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").splitlines()


def test_the_shipped_seed_is_the_desks_own_procedure_unchanged():
    if not SHARED_SEED.exists():
        pytest.skip(f"no shared seed at {SHARED_SEED} to compare the shipped copy with")
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()


def seed_grooming(first: str, stop: str) -> list[str]:
    """The numbered items of seed 一 from the line starting ``first`` up to ``stop``."""
    out, on = [], False
    for line in seed_lines():
        if line.startswith(first):
            on = True
        elif on and line.startswith(stop):
            break
        if on and line.strip():
            m = re.match(r"^(?:女職員|男職員)?(\d+)、(.*)$", line)
            assert m, line
            assert int(m.group(1)) == len(out) + 1
            out.append(m.group(2))
    return out


def by_id():
    return {tpl.id: tpl for tpl in load_templates()}


def test_all_templates_load_in_check_order():
    templates = load_templates()
    ids = [tpl.id for tpl in templates]
    assert set(ids) == {"grooming_f", "grooming_m", "deportment", "desk_rules", "desk_state"}
    assert ids.index("deportment") < ids.index("desk_rules") < ids.index("desk_state")
    for tpl in templates:
        assert tpl.version >= 1
        assert {"zh-Hant", "zh-Hans", "en"} <= set(tpl.titles)
        for item in tpl.items:
            assert {"zh-Hant", "zh-Hans", "en"} <= set(item.texts), (tpl.id, item.id)


def test_womens_grooming_is_the_seeds_twelve_items_verbatim():
    seed = seed_grooming("女職員1、", "男職員1、")
    assert len(seed) == 12
    template = by_id()["grooming_f"]
    assert template.gender == "F"
    assert [item.text for item in template.items] == seed
    assert template.items[8].text == "著肉色**,無破損"  # kept exactly as the seed has it


def test_mens_grooming_is_the_seeds_thirteen_items_verbatim():
    seed = seed_grooming("男職員1、", "二、")
    assert len(seed) == 13
    template = by_id()["grooming_m"]
    assert template.gender == "M"
    assert [item.text for item in template.items] == seed


def test_desk_rules_are_seed_section_seven():
    line = next(line for line in seed_lines() if "七 前台工作的注意事項" in line)
    section = line.split("七 前台工作的注意事項", 1)[1]
    numbered = re.findall(r"(\d) (.+?)(?= \d |$)", section)
    seed = {int(n): text.strip() for n, text in numbered}
    template = by_id()["desk_rules"]
    texts = [item.text for item in template.items]
    assert texts[:4] == [seed[1], seed[2], seed[3], seed[4]]
    assert seed[5].startswith(texts[4])  # the seed is cut off after 注意節約用紙


def test_deportment_covers_section_two():
    template = by_id()["deportment"]
    ids = [item.id for item in template.items]
    for needed in ("smile", "bows", "standing", "sitting", "walking", "gestures", "eye_contact"):
        assert needed in ids
    assert any(i.startswith("conduct") for i in ids)
    lines = seed_lines()
    start = next(n for n, line in enumerate(lines) if line.startswith("二、"))
    stop = next(n for n, line in enumerate(lines) if line.startswith("三、"))
    section_two = "\n".join(lines[start:stop])
    for word in ("微笑", "鞠躬", "站姿", "坐姿", "步姿", "手姿", "眼神", "舉止"):
        assert word in section_two
        assert any(item.text.startswith(word) for item in template.items), word


def test_end_of_shift_desk_state():
    texts = " ".join(item.text for item in by_id()["desk_state"].items)
    for word in ("來訪", "工單", "現金", "鑰匙", "關閉"):
        assert word in texts


def test_grooming_list_follows_gender():
    women = [tpl.id for tpl in templates_for("F")]
    men = [tpl.id for tpl in templates_for("M")]
    assert women[0] == "grooming_f" and "grooming_m" not in women
    assert men[0] == "grooming_m" and "grooming_f" not in men
    assert women[1:] == men[1:] == ["deportment", "desk_rules", "desk_state"]


GOOD = """id = "demo"
version = 2
[title]
zh-Hant = "示範"
[[item]]
id = "one"
zh-Hant = "第一項"
[[item]]
id = "two"
zh-Hant = "第二項"
en = "Second"
"""


def test_parse_a_small_template_with_fallback_texts():
    tpl = parse_template(GOOD, Path("demo.toml"))
    assert tpl.version == 2 and [i.id for i in tpl.items] == ["one", "two"]
    assert tpl.items[0].label("en") == "第一項"  # no English: the zh-Hant text
    assert tpl.items[1].label("en") == "Second"
    assert tpl.gender is None and tpl.applies_to("F") and tpl.applies_to("M")


def test_duplicate_item_id_names_file_and_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(GOOD.replace('id = "two"', 'id = "one"'), encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        load_template(path)
    assert info.value.line == 8
    message = str(info.value)
    assert "bad.toml" in message and "8" in message and "one" in message


def test_missing_item_id_names_file_and_line(tmp_path):
    path = tmp_path / "noid.toml"
    path.write_text(GOOD.replace('id = "two"\n', ""), encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        load_template(path)
    assert info.value.line == 8 and "noid.toml" in str(info.value)


def test_item_without_text(tmp_path):
    path = tmp_path / "notext.toml"
    path.write_text(GOOD.replace('zh-Hant = "第一項"\n', ""), encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        load_template(path)
    assert info.value.line == 5 and "one" in str(info.value)


def test_broken_toml_names_file_and_line(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text(GOOD.replace('zh-Hant = "第二項"', 'zh-Hant = "第二項'), encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        load_template(path)
    assert info.value.line == 10
    assert "broken.toml" in str(info.value) and "10" in str(info.value)


@pytest.mark.parametrize("change", [
    ('version = 2\n', ""),
    ('version = 2', "version = 0"),
    ('id = "demo"', 'id = "Demo!"'),
    ('[title]\nzh-Hant = "示範"\n', ""),
])
def test_template_header_problems(tmp_path, change):
    path = tmp_path / "head.toml"
    path.write_text(GOOD.replace(*change), encoding="utf-8")
    with pytest.raises(TemplateError, match="head.toml"):
        load_template(path)


def test_bad_gender(tmp_path):
    path = tmp_path / "g.toml"
    path.write_text('gender = "X"\n' + GOOD, encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        load_template(path)
    assert info.value.line == 1


def test_duplicate_template_ids_across_files(tmp_path):
    (tmp_path / "a.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.toml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(TemplateError, match="a.toml"):
        load_templates(tmp_path)


def test_empty_folder(tmp_path):
    with pytest.raises(TemplateError):
        load_templates(tmp_path)


def test_english_message(tmp_path):
    from frontdesk.core.i18n import set_language

    set_language("en")
    path = tmp_path / "dup.toml"
    path.write_text(GOOD.replace('id = "two"', 'id = "one"'), encoding="utf-8")
    with pytest.raises(TemplateError, match=r"dup.toml, line 8: item id \"one\" is used twice"):
        load_template(path)
