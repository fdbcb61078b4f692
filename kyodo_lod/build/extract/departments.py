"""Reading a responsible unit (担当所属) such as 保健福祉部保健所健康政策課 into a path.

Grammar (what a Japanese city's unit names look like in this plan):
- the bureau is the shortest prefix ending in 部 or 局 (総務部, 上下水道局, 文化スポーツ観光部);
- an office ending in 所 may sit between bureau and section (保健福祉部 → 保健所 → 健康政策課);
- the last unit ends in a unit word (課, 室, 館, センター, 所, ...);
- 「各課」 (every section) is the one special single-level unit.
Anything else is not a department; a line that does not parse is therefore plan text or a
wrapped fragment ("興課"), never a one-level department.
"""

from __future__ import annotations

import re

from ...model import Department

EVERY_SECTION = "各課"
_UNIT_ENDINGS = ("課", "室", "館", "センター", "所", "係", "局", "部", "署", "担当", "園", "場")
_NOT_IN_NAME = re.compile(r"[\s、。，．,.「」『』（）()：:；;〇○]")
_BUREAU = re.compile(r"^(.+?[部局])(.+)$")
_OFFICE = re.compile(r"^(.+?所)(.+)$")


def department_path(text: str) -> tuple[str, ...] | None:
    """The unit path of a printed department, or ``None`` if ``text`` is not one.

    White space inside (from wrapping or the 拡充 list's spacing) is removed; the characters
    are kept as printed (NFKC happens only when IRIs are minted)."""
    name = "".join(text.split())
    if name == EVERY_SECTION:
        return (EVERY_SECTION,)
    if not name or _NOT_IN_NAME.search(name) or not name.endswith(_UNIT_ENDINGS):
        return None
    bureau = _BUREAU.match(name)
    if not bureau:
        return None
    head, rest = bureau.groups()
    office = _OFFICE.match(rest)
    if office and office.group(2).endswith(_UNIT_ENDINGS) and len(office.group(2)) > 1:
        return (head, office.group(1), office.group(2))
    return (head, rest)


def parse_department(lines: list[str]) -> Department | None:
    """A department printed over one or more lines ("…スポーツ振" + "興課"), or ``None``."""
    path = department_path("".join(lines))
    if path is None:
        return None
    return Department(path=path, source_text="\n".join(line.strip() for line in lines))
