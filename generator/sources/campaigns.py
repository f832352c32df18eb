"""Campaigns as data: `content/campaigns.yml`, read and checked.

The provincial plan holds campaigns on fixed dates, above all the May
"Tháng vận động triển khai BHXH toàn dân". A campaign names the audiences it
addresses and one key message; the build gives it a page in every language,
campaign-tagged short codes (`q/tn-t5n26/`, see `editions.py`) and a flyer and
poster per audience and language while it is not over.

    campaigns:
      - code: t5n26
        name: Tháng vận động triển khai BHXH toàn dân 2026
        start: 2026-05-01
        end: 2026-05-31
        audiences: [tu-nguyen, ho-kinh-doanh]
        message: Mỗi người dân một sổ BHXH: đăng ký ở bưu điện xã.

After `end`, the page stays as an archive and every code keeps opening its
guide (paper handed out during the campaign is still in people's homes); no
new sheets are printed for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, model_validator

from .communes import TAG_RULE, Tag, read_entries
from .content import SiteConfig, short_text
from ..problems import ProblemLog
from .schema import Model


class CampaignEntry(Model):
    code: Tag = Field(description=f"Mã của chiến dịch trong địa chỉ ngắn: {TAG_RULE}. Đã in thì không đổi.")
    name: short_text(90) = Field(description="Tên chiến dịch, ví dụ `Tháng vận động triển khai BHXH toàn dân 2026`.")
    start: dt.date = Field(description="Ngày bắt đầu, viết dạng 2026-05-01.")
    end: dt.date = Field(description="Ngày kết thúc, viết dạng 2026-05-31.")
    audiences: list[str] = Field(min_length=1, description="Các nhóm đối tượng của chiến dịch (tên thư mục trong content/site.yml), "
                                                           "viết dạng `[tu-nguyen, ho-kinh-doanh]`.")
    message: short_text(200) = Field(description="Thông điệp chính, một hai câu ngắn, in trên tờ rơi và áp phích.")

    @model_validator(mode="after")
    def _dates_in_order(self) -> "CampaignEntry":
        if self.end < self.start:
            raise ValueError(f"Ngày kết thúc {self.end.isoformat()} trước ngày bắt đầu {self.start.isoformat()}: sửa `start:` hoặc `end:`.")
        return self


class CampaignsFile(Model):
    campaigns: list[dict] = Field(default_factory=list, description="Danh sách chiến dịch, mỗi mục bắt đầu bằng `- code:`.")


@dataclass(frozen=True)
class Campaign:
    code: str
    name: str
    start: dt.date
    end: dt.date
    audiences: tuple[str, ...]
    message: str
    path: Path
    line: int

    def archived(self, as_of: dt.date) -> bool:
        return as_of > self.end


def load_campaigns(path: Path, site: SiteConfig, log: ProblemLog, taken: dict[str, tuple[Path, int]]) -> list[Campaign]:
    """The campaigns of `content/campaigns.yml` (none if it does not exist).

    `taken`: the communes' codes, which share the tagged addresses' namespace, and where each is declared.
    """
    campaigns = []
    for entry, node in read_entries(path, CampaignsFile, "campaigns", CampaignEntry, log):
        code_line = node.line_of("code")
        if entry.code in taken:
            where, line = taken[entry.code]
            log.error(path, code_line, f"Mã `{entry.code}` đã dùng ở {where.name} dòng {line}: mã của xã và của chiến dịch "
                                       "nằm chung trong địa chỉ ngắn. Chọn mã khác.")
            continue
        unknown = [a for a in entry.audiences if a not in site.audience_slugs]
        if unknown:
            log.error(path, node.line_of("audiences"), f"Nhóm đối tượng {', '.join(f'`{a}`' for a in unknown)} không có trong "
                                                       f"content/site.yml. Dùng: {', '.join(site.audience_slugs)}.")
            continue
        taken[entry.code] = (path, code_line)
        campaigns.append(Campaign(entry.code, entry.name, entry.start, entry.end, tuple(dict.fromkeys(entry.audiences)),
                                  entry.message, path, node.line))
    return campaigns
