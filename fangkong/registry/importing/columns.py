"""The columns of an import file: key, Chinese and English header, whether required, an example."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    header_en: str
    required: bool = False
    example: str = ""


COLUMNS = [
    Column("grid", "网格", "Grid", True, "1"),
    Column("building", "楼栋", "Building", True, "3号楼"),
    Column("unit", "单元", "Unit", False, "2单元"),
    Column("room", "房号", "Room", True, "301"),
    Column("address", "地址", "Address", False, "孙家下庄社区3号楼2单元301"),
    Column("name", "姓名", "Name", True, "张三"),
    Column("sex", "性别", "Sex", False, "女"),
    Column("id_type", "证件类型", "ID type", False, "身份证"),
    Column("id_number", "证件号码", "ID number", True, "11010519491231002X"),
    Column("phone", "联系电话", "Phone", False, "13812345678"),
    Column("relation", "与户主关系", "Relation", True, "户主"),
    Column("category", "人员类别", "Residence category", False, "户籍人口"),
    Column("workplace", "工作单位", "Workplace", False, ""),
    Column("tags", "标签", "Tags", False, "党员、独居老人"),
    Column("since", "入住日期", "Living here since", False, "2019-05-01"),
    Column("landlord_id_number", "房东证件号码", "Landlord ID number", False, ""),
]
BY_KEY = {c.key: c for c in COLUMNS}
# A header may be written in Chinese, in English (any case) or as the key.
_BY_HEADER = {c.header: c for c in COLUMNS} | {c.header_en.lower(): c for c in COLUMNS} | BY_KEY
# Columns whose values are ID numbers, kept apart because spreadsheets damage them (read.InexactNumber).
ID_NUMBER_KEYS = ("id_number", "landlord_id_number")


def column_of(header: str) -> Column | None:
    return _BY_HEADER.get(header) or _BY_HEADER.get(header.lower())
