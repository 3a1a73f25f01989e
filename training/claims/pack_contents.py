"""What the evidence pack holds for one claimed trainee, read from the records the line points at:
the attendance summary (every session of the class: its mark, how and when it was made), the
certificate (our own PDF from certificate storage, or the external certificate's scan), and each
placement of the enrollment with its evidence files. Files are named, not read: the pack copies
them in chunks (pack.py). What should be there and is not is a Missing, said in the pack and on
the job's page."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from training.certificates import storage
from training.certificates.serials import is_serial
from training.document_words import SESSION_KINDS
from training.extensions import db
from training.files import evidence_path
from training.models import (
    Attendance,
    Certificate,
    ClaimLine,
    ClassSession,
    ExternalCertificate,
    Placement,
    PlacementEvidence,
    User,
)
from training.reports.definitions import NAMES
from training.reports.exports import BOM, neutralised_row

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
STATUSES = {"present": "出勤", "late": "迟到", "absent": "缺勤", "excused": "请假"}
METHODS = {"roster": "点名册", "qr": "扫码签到", "code": "签到码", "correction": "更正"}
EVIDENCE_KINDS = {
    "contract": "劳动合同",
    "agreement": "就业协议",
    "business_licence": "营业执照",
    "wage_slip": "工资流水",
}
EXTENSIONS = {
    "application/pdf": "pdf",
    "pdf": "pdf",
    "image/jpeg": "jpg",
    "jpeg": "jpg",
    "jpg": "jpg",
    "image/png": "png",
    "png": "png",
}
# Missing.rule → what the pack's 缺失文件.txt says (the job's page says it in the user's language).
MISSING_WORDS = {
    "certificate_not_found": "证书 {number} 未在系统中找到",
    "certificate_file_missing": "证书 {number} 的文件缺失",
    "scan_not_recorded": "证书 {number} 未上传扫描件",
    "file_missing": "文件缺失：{file}",
    "hash_mismatch": "文件与登记的 SHA-256 不符：{file}",
}


@dataclass(frozen=True)
class Entry:
    """A file of the pack: bytes made here, or a stored file copied in chunks (and checked against
    the SHA-256 it was recorded with, when there is one)."""

    name: str
    data: bytes | None = None
    path: Path | None = None
    expected_sha256: str | None = None


@dataclass(frozen=True)
class Missing:
    rule: str
    params: dict = field(default_factory=dict)

    @property
    def words(self) -> str:
        return MISSING_WORDS[self.rule].format(**self.params)


def safe_name(text: str, fallback: str = "file") -> str:
    """A file or folder name any unzip accepts: no separators, no control characters."""
    return _UNSAFE.sub("_", text).strip(" .") or fallback


def _csv(rows: Sequence[Sequence]) -> bytes:
    buffer = io.StringIO()
    buffer.write(BOM)
    csv.writer(buffer).writerows(neutralised_row(row) for row in rows)
    return buffer.getvalue().encode("utf-8")


def _local(moment: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).strftime(pattern)


def attendance_summary(line: ClaimLine, sessions: Sequence[ClassSession]) -> bytes:
    """考勤记录.csv: every session of the class, its mark, how it was made, when and by whom; the hours."""
    marks = {
        mark.session_id: (mark, name)
        for mark, name in db.session.execute(
            select(Attendance, User.display_name)
            .outerjoin(User, User.id == Attendance.marked_by_id)
            .where(Attendance.enrollment_id == line.enrollment_id)
        ).tuples()
    }
    rows: list[list] = [["序号", "日期", "开始", "结束", "课时", "类型", "内容", "考勤", "方式", "记录时间", "记录人"]]
    attended = Decimal(0)
    for number, session in enumerate(sessions, 1):
        mark, marker = marks.get(session.id, (None, None))
        if mark is not None and mark.counts_hours:
            attended += session.hours
        rows.append(
            [
                number,
                _local(session.starts_at, "%Y-%m-%d"),
                _local(session.starts_at, "%H:%M"),
                _local(session.ends_at, "%H:%M"),
                session.hours,
                SESSION_KINDS.get(session.kind, session.kind),
                session.topic,
                STATUSES.get(mark.status, mark.status) if mark else "未点名",
                METHODS.get(mark.method, mark.method) if mark else "",
                _local(mark.marked_at) if mark else "",
                marker or "",
            ]
        )
    held = sum((s.hours for s in sessions), Decimal(0))
    rows.append([])
    rows.append(
        [
            "合计",
            f"实到 {attended} 课时",
            f"应到 {held} 课时",
            f"申领时记录：实到 {line.snapshot.get('hours_attended')} 课时",
        ]
    )
    return _csv(rows)


def certificate_entries(line: ClaimLine) -> Iterator[Entry | Missing]:
    """The certificate the line was claimed with: our PDF, or the scan of an external certificate."""
    kind, number = line.snapshot.get("certificate_kind"), line.snapshot.get("certificate_number")
    if not kind or not number:
        return
    if kind == "own":
        certificate = (
            db.session.scalar(select(Certificate).where(Certificate.serial == number)) if is_serial(number) else None
        )
        if certificate is None:
            yield Missing("certificate_not_found", {"number": number})
            return
        path = storage.path_for(certificate.serial)
        if not path.is_file():
            yield Missing("certificate_file_missing", {"number": number})
            return
        yield Entry(f"证书/结业证书-{safe_name(number)}.pdf", path=path, expected_sha256=certificate.pdf_sha256)
        return
    external = db.session.scalar(
        select(ExternalCertificate).where(
            ExternalCertificate.enrollment_id == line.enrollment_id,
            ExternalCertificate.kind == kind,
            ExternalCertificate.number == number,
        )
    )
    if external is None:
        yield Missing("certificate_not_found", {"number": number})
    elif not external.scan_sha256:
        yield Missing("scan_not_recorded", {"number": number})
    else:
        extension = EXTENSIONS.get((external.scan_type or "").lower(), "bin")
        name = f"证书/{safe_name(number)}.{extension}"
        yield from _stored(name, external.scan_sha256)


def _stored(name: str, sha256: str) -> Iterator[Entry | Missing]:
    try:
        path = evidence_path(sha256)
    except ValueError:
        path = None
    if path is None or not path.is_file():
        yield Missing("file_missing", {"file": name})
    else:
        yield Entry(name, path=path, expected_sha256=sha256)


def placement_entries(line: ClaimLine) -> Iterator[Entry | Missing]:
    """就业/就业记录.csv (each placement of the enrollment and its evidence) and the evidence files."""
    placements = db.session.scalars(
        select(Placement)
        .where(Placement.enrollment_id == line.enrollment_id)
        .options(selectinload(Placement.employer))
        .order_by(Placement.start_date, Placement.id)
    ).all()
    if not placements:
        return
    evidence = db.session.scalars(
        select(PlacementEvidence)
        .where(PlacementEvidence.placement_id.in_([p.id for p in placements]))
        .order_by(PlacementEvidence.placement_id, PlacementEvidence.uploaded_at, PlacementEvidence.id)
    ).all()
    kinds, scopes = NAMES["zh"]["kind"], NAMES["zh"]["scope"]
    rows: list[list] = [
        [
            "就业单位",
            "统一社会信用代码",
            "岗位",
            "就业形式",
            "就业地域",
            "工作地点",
            "开始日期",
            "月工资（元）",
            "合同期限（月）",
            "结束日期",
            "结束原因",
        ]
    ]
    for p in placements:
        rows.append(
            [
                p.employer.name if p.employer else "",
                p.employer.uscc if p.employer else "",
                p.position,
                kinds.get(p.kind, p.kind),
                scopes.get(p.scope, p.scope),
                p.place,
                p.start_date.isoformat(),
                p.monthly_wage,
                p.contract_months or "",
                p.end_date.isoformat() if p.end_date else "",
                p.end_reason or "",
            ]
        )
    files = []
    for n, item in enumerate(evidence, 1):
        stem = safe_name(item.filename.rsplit(".", 1)[0], "file")
        extension = EXTENSIONS.get(item.content_type.lower(), "bin")
        files.append((item, f"就业/{n:02d}-{EVIDENCE_KINDS.get(item.kind, item.kind)}-{stem}.{extension}"))
    if files:
        rows += [[], ["证明材料", "包内文件", "原文件名", "大小（字节）", "SHA-256", "上传时间"]]
        rows += [
            [EVIDENCE_KINDS.get(i.kind, i.kind), name, i.filename, i.size_bytes, i.sha256, _local(i.uploaded_at)]
            for i, name in files
        ]
    yield Entry("就业/就业记录.csv", data=_csv(rows))
    for item, name in files:
        yield from _stored(name, item.sha256)


def trainee_entries(line: ClaimLine, sessions: Sequence[ClassSession]) -> Iterator[Entry | Missing]:
    """Everything of one claimed trainee, in the order the folder lists it."""
    yield Entry("考勤记录.csv", data=attendance_summary(line, sessions))
    yield from certificate_entries(line)
    yield from placement_entries(line)
