"""Small builders for test data, going through the services wherever one exists."""

from itertools import count

from sqlalchemy.orm import Session

import questions as qlib
from app.accounts import service as accounts_service
from app.accounts.models import AdminUser, Person, Role, Unit
from app.banks import service as banks_service
from app.banks.models import Bank

PASSWORD = "correct-horse-42"
_seq = count(1)


def unit(session: Session, path: str = "测试县/测试乡") -> Unit:
    return accounts_service.ensure_unit_path(session, path)


def person(session: Session, in_unit: Unit, name: str = "张三", phone: str | None = None) -> Person:
    phone = phone or f"139{next(_seq):08d}"
    return accounts_service.add_person(session, unit=in_unit, name=name, phone=phone)


def admin(session: Session, username: str = "organiser", *, role: Role = Role.ADMIN,
          in_unit: Unit | None = None) -> AdminUser:
    return accounts_service.create_admin_user(session, username=username, password=PASSWORD, role=role, unit=in_unit)


def bank_file(per_kind: int = 6) -> qlib.Bank:
    """A hand-made bank with `per_kind` questions of each kind, keys checkable against its evidence."""
    evidence = "城镇新增就业1244万人，年末城镇调查失业率为5.1%。"
    made: list[qlib.Question] = []
    for i in range(per_kind):
        made += [
            qlib.Question(id=f"q-sc{i}", kind=qlib.Kind.SINGLE_CHOICE, stem=f"单选题{i}：城镇新增就业（ ）。",
                          options=("1044万人", "1144万人", "1244万人", "1344万人"), answer=2, evidence=evidence,
                          section="一、工作回顾", explanation="【原文】" + evidence, difficulty=2, tags=("number",)),
            qlib.Question(id=f"q-mc{i}", kind=qlib.Kind.MULTIPLE_CHOICE, stem=f"多选题{i}：下列属于“六稳”的是（ ）。",
                          options=("稳就业", "稳金融", "保基层运转", "稳外贸"), answer=(0, 1, 3), evidence=evidence,
                          section="一、工作回顾", explanation="", difficulty=2, tags=("list",)),
            qlib.Question(id=f"q-tf{i}", kind=qlib.Kind.TRUE_FALSE, stem=f"判断题{i}：年末城镇调查失业率为5.1%。",
                          options=(), answer=True, evidence=evidence, section="二、今年工作",
                          explanation="", difficulty=1, tags=()),
            qlib.Question(id=f"q-fb{i}", kind=qlib.Kind.FILL_BLANK, stem=f"填空题{i}：城镇新增就业（ ）万人。",
                          options=(), answer=("1244",), evidence=evidence, section="二、今年工作",
                          explanation="", difficulty=2, tags=("number",)),
        ]
    return qlib.Bank(
        title="测试题库",
        source=qlib.Source(title="测试报告", sha256="0" * 64, chars=len(evidence)),
        generator=qlib.GeneratorInfo(name="tests", version="0", seed=0),
        questions=made,
    )


def bank(session: Session, per_kind: int = 6) -> Bank:
    return banks_service.import_bank(session, bank_file=bank_file(per_kind))
