from __future__ import annotations

import pytest

from lianzheng_docs import Person, Unit
from lianzheng_docs.chinese import cn_number, mask_name, mask_people


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1, "一"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (20, "二十"),
        (21, "二十一"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
    ],
)
def test_cn_number(number, text):
    assert cn_number(number) == text


def test_cn_number_range():
    with pytest.raises(ValueError):
        cn_number(0)


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张某"),
        ("张建国", "张某某"),
        ("欧阳修", "欧阳某"),
        ("欧阳建国", "欧阳某某"),
        ("诸葛亮", "诸葛某"),
        ("王", "王"),
    ],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_mask_people_masks_names_inside_text_too():
    context = {
        "offender": Person("赵立新", "原副主任"),
        "leaders": [{"person": Person("孙海涛", "主任"), "failure": "失察"}],
        "facts": ["赵立新收受购物卡，孙海涛对赵立新的问题失察。"],
        "title": "关于赵立新问题的通报",
    }
    masked = mask_people(context)
    assert masked["offender"] == Person("赵某某", "原副主任")
    assert masked["leaders"][0]["person"].name == "孙某某"
    assert masked["facts"] == ["赵某某收受购物卡，孙某某对赵某某的问题失察。"]
    assert masked["title"] == "关于赵某某问题的通报"


def test_mask_people_renames_people_only():
    context = {"person": Person("张建国", "主任"), "unit": Unit("张建国工作室"), "count": 3}
    masked = mask_people(context)
    assert masked["person"] == Person("张某某", "主任")
    assert masked["unit"] == Unit("张建国工作室") and masked["count"] == 3  # a unit is not a person
