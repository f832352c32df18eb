"""Communes and wards as data: `content/communes.yml`, the office that serves each, read and checked.

Gia Lai has 135 communes and wards. A commune officer hands out leaflets that
must say where people of *that* commune go: the BHXH office or service point,
its opening hours, its phone and, if the commune has one, a contact person.
Each commune has a short code (`code:`), part of the commune-tagged short
address printed on its editions (`q/tn-plk/`, see `editions.py`): once
printed, a code must never change, and it must stay short enough for the QR
code's budget.

    communes:
      - code: plk
        name: Pleiku
        kind: phường
        office:
          name: Bảo hiểm xã hội khu vực ...
          address: ...
          hours: Thứ Hai – Thứ Sáu, 7:00–11:30, 13:30–17:00
          phone: "0269 3824 111"
        contact:            # optional
          name: Nguyễn Văn A
          role: Cán bộ văn hoá – xã hội
          phone: "0912 345 678"

An entry with `sample: true` is an example written by the developers, not a
real office: drafts show it, a release refuses it (nothing unready reaches paper).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, TypeVar

from pydantic import AfterValidator, Field

from . import yamlfile
from .content import check_phone, short_text
from ..problems import ProblemLog
from .schema import Model, validate

M = TypeVar("M", bound=Model)

TAG_PATTERN = re.compile(r"^[a-z][a-z0-9]{1,7}$")  # a commune's or campaign's part of a tagged short address
TAG_RULE = "2–8 chữ thường không dấu hoặc số, bắt đầu bằng chữ (ví dụ `plk`, `iagrai`)"
def check_tag(value: str) -> str:
    if not TAG_PATTERN.match(value):
        raise ValueError(f"Mã `{value}` không dùng được trong địa chỉ ngắn: dùng {TAG_RULE}.")
    return value


Phone = Annotated[str, AfterValidator(check_phone)]
Tag = Annotated[str, AfterValidator(check_tag)]


class OfficeEntry(Model):
    name: short_text(100) = Field(description="Tên cơ quan BHXH hoặc điểm thu, điểm phục vụ người dân ở xã.")
    address: short_text(160) = Field(description="Địa chỉ cơ quan, viết ngắn gọn (số nhà, đường, xã/phường).")
    hours: short_text(120) = Field(description="Giờ làm việc, ví dụ `Thứ Hai – Thứ Sáu, 7:00–11:30 và 13:30–17:00`.")
    phone: Phone = Field(description="Số điện thoại, đặt trong ngoặc kép, ví dụ `\"0269 3824 111\"`.")


class ContactEntry(Model):
    name: short_text(80) = Field(description="Họ tên người liên hệ ở xã.")
    role: str = Field("", max_length=80, description="Chức vụ, ví dụ `Cán bộ văn hoá – xã hội`.")
    phone: Phone = Field(description="Số điện thoại của người liên hệ, đặt trong ngoặc kép.")


class CommuneEntry(Model):
    code: Tag = Field(description=f"Mã của xã trong địa chỉ ngắn: {TAG_RULE}. Đã in thì không đổi.")
    name: short_text(60) = Field(description="Tên xã, phường, không kèm chữ `xã`/`phường` (ví dụ `Ia Grai`).")
    kind: Literal["xã", "phường"] = Field(description="`xã` hoặc `phường`.")
    office: OfficeEntry = Field(description="Nơi người dân xã này đến làm thủ tục: `name`, `address`, `hours`, `phone`.")
    contact: ContactEntry | None = Field(None, description="Người liên hệ ở xã (không bắt buộc): `name`, `role`, `phone`.")
    sample: bool = Field(False, description="`true` cho mục mẫu (không phải xã thật): bản phát hành từ chối in mục mẫu.")


class CommunesFile(Model):
    communes: list[dict] = Field(default_factory=list, description="Danh sách xã, phường, mỗi mục bắt đầu bằng `- code:`.")


@dataclass(frozen=True)
class Office:
    name: str
    address: str
    hours: str
    phone: str


@dataclass(frozen=True)
class Contact:
    name: str
    role: str
    phone: str


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    kind: str  # xã | phường
    office: Office
    contact: Contact | None
    sample: bool
    path: Path
    line: int  # where its entry starts

    @property
    def title(self) -> str:
        """"Xã Ia Grai": a heading; `self.kind + " " + self.name` inside a sentence."""
        return f"{self.kind.capitalize()} {self.name}"


def load_communes(path: Path, log: ProblemLog) -> list[Commune]:
    """The communes of `content/communes.yml` (none if the file does not exist), each mistake at its line."""
    communes = []
    for entry, node in read_entries(path, CommunesFile, "communes", CommuneEntry, log):
        communes.append(Commune(entry.code, entry.name, entry.kind, Office(**entry.office.model_dump()),
                                Contact(**entry.contact.model_dump()) if entry.contact else None, entry.sample, path, node.line))
    first: dict[str, Commune] = {}
    for commune in communes:
        if commune.code in first:
            log.error(path, commune.line, f"Mã `{commune.code}` đã dùng cho {first[commune.code].title} (dòng {first[commune.code].line}). "
                                          "Mỗi xã một mã riêng: đổi mã của xã chưa in tờ nào.")
        else:
            first[commune.code] = commune
    return communes


def read_entries(path: Path, file_model: type[Model], key: str, entry_model: type[M], log: ProblemLog) -> list[tuple[M, yamlfile.LineDict]]:
    """The entries of a data file's list `key` that are valid, with their YAML node; every mistake of the others logged.

    Entries are checked one by one, so one wrong entry does not hide the mistakes of the next.
    """
    data = read_data_file(path, log)
    if data is None or validate(file_model, data, path, log) is None:
        return []
    entries = []
    for node in data.get(key) or ():
        entry = validate(entry_model, node, path, log)
        if entry is not None:
            entries.append((entry, node))
    return entries


def read_data_file(path: Path, log: ProblemLog):
    """The YAML of an optional data file: None when absent or unreadable (then the mistake is logged)."""
    if path.is_symlink():
        log.error(path, 1, "Tệp này là liên kết (symlink) tới chỗ khác: hãy chép tệp thật vào đây.")
        return None
    if not path.exists():
        return None
    try:
        data = yamlfile.load(path)
    except UnicodeDecodeError:
        log.error(path, 1, "Tệp không ở bảng mã UTF-8. Hãy mở tệp và lưu lại với bảng mã UTF-8.")
        return None
    except yamlfile.YamlError as error:
        log.error(path, error.line, f"YAML không hợp lệ: {error.detail}. Kiểm tra thụt lề và dấu hai chấm.")
        return None
    return data if data is not None else yamlfile.LineDict()


def refuse_samples(communes: list[Commune], log: ProblemLog) -> None:
    """A release prints real offices only."""
    for commune in communes:
        if commune.sample:
            log.error(commune.path, commune.line,
                      f"`{commune.title}` là mục mẫu (`sample: true`), không phải xã thật: bản phát hành không in mục mẫu. "
                      "Thay bằng thông tin thật của xã rồi xoá dòng `sample: true`, hoặc xoá mục này.")
