"""Roster import: reading an XLSX/CSV of units and people, a preview with every bad row, and an
all-or-nothing commit that updates instead of duplicating (the templates are in roster_template).

The preview is plain data (`RosterPreview.to_dict`) so a page can keep it server-side between the
upload and the commit.
"""

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import PurePath
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Person, Unit
from app.accounts.service import (
    MOBILE_RE,
    UNIT_SEPARATOR,
    add_person,
    ensure_unit_path,
    normalise_phone,
    split_unit_path,
)
from app.core.exceptions import Invalid
from app.core.timeutil import utc_now

COLUMNS: dict[str, tuple[str, ...]] = {
    "unit": ("单位", "单位名称", "所在单位", "部门"),
    "parent": ("上级单位", "上级"),
    "name": ("姓名", "名字"),
    "phone": ("手机号", "手机", "手机号码", "联系电话", "电话"),
    "employee_no": ("工号", "职工号", "人员编号"),
    "title": ("职务", "职位", "岗位"),
}


class RosterFileError(Invalid):
    message = "无法读取名单文件。"


@dataclass(frozen=True)
class RosterRow:
    """A good row: where the person belongs and how they are identified."""

    row: int
    unit_path: str
    name: str
    phone: str
    employee_no: str
    title: str

    @property
    def identity_key(self) -> str:
        return self.phone or self.employee_no


@dataclass(frozen=True)
class RowProblem:
    row: int
    reason: str
    text: str = ""


@dataclass
class RosterPreview:
    """What an upload would do: good rows, bad rows, new units, and counts against the database."""

    filename: str
    rows: list[RosterRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    new_units: list[str] = field(default_factory=list)
    to_create: int = 0
    to_update: int = 0
    unchanged: int = 0
    missing: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RosterPreview":
        return cls(filename=data["filename"], rows=[RosterRow(**r) for r in data["rows"]],
                   problems=[RowProblem(**p) for p in data["problems"]], new_units=list(data["new_units"]),
                   to_create=data["to_create"], to_update=data["to_update"], unchanged=data["unchanged"],
                   missing=list(data["missing"]))


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    reactivated: int
    deactivated: int
    units_created: int


# --- reading files ------------------------------------------------------------------------------

def read_table(data: bytes, filename: str, *, max_rows: int) -> list[list[str]]:
    """Rows of cell texts from an .xlsx or .csv (UTF-8, UTF-8 with BOM, or GBK)."""
    suffix = PurePath(filename or "").suffix.lower()
    if not data:
        raise RosterFileError("文件是空的，请选择填好的名单文件。")
    if suffix == ".xlsx":
        rows = _read_xlsx(data)
    elif suffix in (".csv", ".txt"):
        rows = list(csv.reader(io.StringIO(_decode(data))))
    elif suffix == ".xls":
        raise RosterFileError("不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 后再上传。")
    else:
        raise RosterFileError("请上传 .xlsx 或 .csv 格式的名单（可先下载模板）。")
    if len(rows) > max_rows + 1:
        raise RosterFileError(f"名单超过 {max_rows} 行，请分成几个文件分别导入。")
    return [[("" if c is None else str(c)).strip() for c in row] for row in rows]


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # Excel on Chinese Windows saves CSV as GBK; GB18030 is its superset.
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise RosterFileError("无法识别文件编码，请在 Excel 中另存为“CSV UTF-8”或 .xlsx 后再上传。") from None


def _read_xlsx(data: bytes) -> list[list[str]]:
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise RosterFileError("无法打开这个 Excel 文件，请确认是 .xlsx 格式（可先下载模板）。") from exc
    ws = wb.worksheets[0]
    rows = [[_xlsx_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
    wb.close()
    return rows


def _xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # phone numbers typed as numbers come back as 13800000001.0
    return str(value)


# --- the preview --------------------------------------------------------------------------------

def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, text in enumerate(header):
        for key, names in COLUMNS.items():
            if text.replace(" ", "") in names and key not in found:
                found[key] = index
    if "unit" not in found or "name" not in found:
        raise RosterFileError("第 1 行表头须包含“单位”和“姓名”列（另需“手机号”或“工号”列），请使用下载的模板。")
    if "phone" not in found and "employee_no" not in found:
        raise RosterFileError("表头中没有“手机号”或“工号”列：每个人须有其中一项，以便答题时核对身份。")
    return found


def in_scope(unit_path: str, within: Unit | None) -> bool:
    """Whether a unit path names `within` or a unit below it (everything when `within` is None)."""
    return within is None or unit_path == within.full_name or unit_path.startswith(within.full_name + UNIT_SEPARATOR)


def outside_scope_reason(unit_path: str, within: Unit) -> str:
    """Why a liaison's row is refused: the unit lies outside the units they look after."""
    return (f"单位“{unit_path}”不在您负责的“{within.full_name}”范围内，不能导入。联络员只能导入本单位及下属单位的人员，"
            f"单位请写完整路径，如“{within.full_name}{UNIT_SEPARATOR}党政办”。")


def preview(session: Session, table: list[list[str]], *, filename: str, within: Unit | None = None) -> RosterPreview:
    """Check every row and compare the good ones with the roster in the database.

    `within` confines the import to one unit's subtree (a liaison's): rows naming any other unit are
    refused one by one, so a preview with such rows can never be committed.
    """
    if not table:
        raise RosterFileError("文件中没有内容。")
    cols = _columns(table[0])
    result = RosterPreview(filename=filename)
    raw: list[tuple[int, dict[str, str]]] = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(cells):
            continue
        raw.append((number, {key: cells[i].strip() if i < len(cells) else "" for key, i in cols.items()}))

    known_units = {u.full_name: u for u in session.scalars(select(Unit))}
    file_units = {_unit_path(values) for _, values in raw if "parent" not in cols or not values.get("parent")}
    prefixes = {UNIT_SEPARATOR.join(split_unit_path(p)[:n]) for p in file_units if p
                for n in range(1, len(split_unit_path(p)) + 1)}
    seen: dict[tuple[str, str, str], int] = {}
    phones: dict[str, tuple[int, str]] = {}
    for number, values in raw:
        path = _unit_path(values)
        # Checked first, so a liaison learns nothing about units outside their scope from the other checks.
        problem = outside_scope_reason(path, within) if within and values.get("unit") and not in_scope(path, within) \
            else _check_row(values, known_units, prefixes)
        if problem:
            result.problems.append(RowProblem(number, problem, "，".join(v for v in values.values() if v)))
            continue
        phone = normalise_phone(values.get("phone", ""))
        row = RosterRow(number, path, values["name"], phone, values.get("employee_no", ""),
                        values.get("title", ""))
        key = (row.unit_path, row.name, row.identity_key)
        if key in seen:
            reason = f"与第 {seen[key]} 行重复（同一单位、同名、同手机号/工号），请删除其中一行。"
            result.problems.append(RowProblem(number, reason, f"{row.unit_path}，{row.name}"))
            continue
        if phone and phone in phones and phones[phone][1] != row.name:
            other_row, other_name = phones[phone]
            result.problems.append(RowProblem(number, f"手机号 {phone} 与第 {other_row} 行（{other_name}）相同，"
                                                      "一个手机号只能对应一个人。", f"{row.unit_path}，{row.name}"))
            continue
        seen[key] = number
        if phone:
            phones[phone] = (number, row.name)
        result.rows.append(row)
    _compare(session, result, known_units)
    if not raw:
        result.problems.append(RowProblem(1, "表格中没有人员：请从第 2 行起每行填写一人。"))
    return result


def _unit_path(values: dict[str, str]) -> str:
    parts = split_unit_path(values.get("parent", "")) + split_unit_path(values.get("unit", ""))
    return UNIT_SEPARATOR.join(parts)


def _check_row(values: dict[str, str], known: dict[str, Unit], prefixes: set[str]) -> str:
    if not values.get("name"):
        return "姓名为空。"
    if not values.get("unit"):
        return "单位为空。"
    parent = UNIT_SEPARATOR.join(split_unit_path(values.get("parent", "")))
    if parent and parent not in known and parent not in prefixes:
        return f"上级单位“{parent}”不存在：请写完整路径（如 某县/某乡镇），或先在表中列出该单位。"
    raw_phone = values.get("phone", "")
    if raw_phone and not MOBILE_RE.match(normalise_phone(raw_phone)):
        return f"手机号“{raw_phone}”不是有效的 11 位手机号码。"
    if not raw_phone and not values.get("employee_no"):
        return "手机号和工号都为空，至少填写一项（答题时用来核对身份）。"
    if len(values["name"]) > 50:
        return "姓名过长（最多 50 个字）。"
    return ""


def _match(people: Iterable[Person], row: RosterRow) -> Person | None:
    """The roster entry a row stands for: same name, and same phone or same 工号."""
    for person in people:
        if person.name == row.name and (
            (row.phone and person.phone == row.phone) or (row.employee_no and person.employee_no == row.employee_no)
            or person.identity_key == row.identity_key
        ):
            return person
    return None


def _people_by_unit(session: Session, unit_ids: Iterable[int]) -> dict[int, list[Person]]:
    found: dict[int, list[Person]] = {}
    ids = list(unit_ids)
    if ids:
        for person in session.scalars(select(Person).where(Person.unit_id.in_(ids), Person.self_declared.is_(False))):
            found.setdefault(person.unit_id, []).append(person)
    return found


def _compare(session: Session, result: RosterPreview, known: dict[str, Unit]) -> None:
    units = {row.unit_path for row in result.rows}
    result.new_units = sorted(p for p in units if p not in known)
    people = _people_by_unit(session, (known[p].id for p in units if p in known))
    matched: set[int] = set()
    for row in result.rows:
        unit = known.get(row.unit_path)
        person = _match(people.get(unit.id, []), row) if unit else None
        if person is None:
            result.to_create += 1
            continue
        matched.add(person.id)
        same = (person.phone or "", person.employee_no or "", person.title or "", person.active) == (
            row.phone, row.employee_no, row.title, True)
        if same:
            result.unchanged += 1
        else:
            result.to_update += 1
    names = {u.id: path for path, u in known.items()}
    result.missing = [{"id": p.id, "name": p.name, "unit": names[p.unit_id]}
                      for group in people.values() for p in group if p.active and p.id not in matched]


# --- the commit ---------------------------------------------------------------------------------

def commit(session: Session, result: RosterPreview, *, deactivate_missing: bool,
           within: Unit | None = None) -> ImportSummary:
    """Apply a clean preview: create units and people, update matches, optionally deactivate the rest.

    The scope is checked again before anything is written: a liaison moved to another unit between
    the preview and the commit imports nothing.
    """
    if not result.ok:
        raise RosterFileError("名单中还有错误行，请改正后重新上传；本次没有导入任何数据。")
    if within is not None:
        outside = sorted({r.unit_path for r in result.rows if not in_scope(r.unit_path, within)})
        if outside:
            raise RosterFileError(f"名单中的单位“{outside[0]}”不在您负责的“{within.full_name}”范围内，"
                                  "本次没有导入任何数据。请重新上传只含本单位及下属单位人员的名单。")
    before = {u.full_name for u in session.scalars(select(Unit))}
    units = {path: ensure_unit_path(session, path) for path in sorted({r.unit_path for r in result.rows})}
    people = _people_by_unit(session, (u.id for u in units.values()))
    created = updated = reactivated = 0
    seen: set[int] = set()
    for row in result.rows:
        unit = units[row.unit_path]
        person = _match(people.get(unit.id, []), row)
        if person is None:
            person = add_person(session, unit=unit, name=row.name, phone=row.phone or None,
                                employee_no=row.employee_no or None, title=row.title or None)
            people.setdefault(unit.id, []).append(person)
            created += 1
        else:
            changed = _update(person, row)
            if not person.active:
                person.active, person.deactivated_at = True, None
                reactivated += 1
            elif changed:
                updated += 1
        seen.add(person.id)
    deactivated = 0
    if deactivate_missing:
        for group in people.values():
            for person in group:
                if person.active and person.id not in seen:
                    person.active, person.deactivated_at = False, utc_now()
                    deactivated += 1
    session.flush()
    return ImportSummary(created, updated, reactivated, deactivated, len(set(units) - before))


def _update(person: Person, row: RosterRow) -> bool:
    values = {"phone": row.phone or None, "phone_last4": row.phone[-4:] if row.phone else None,
              "employee_no": row.employee_no or None, "title": row.title or None, "identity_key": row.identity_key}
    changed = False
    for name, value in values.items():
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed = True
    return changed


def set_active(session: Session, person: Person, active: bool) -> None:
    """Take someone off the roster (kept in history, out of participation rates) or back on."""
    person.active = active
    person.deactivated_at = None if active else utc_now()
    session.flush()
