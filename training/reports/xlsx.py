"""A streaming .xlsx writer for long lists: rows go straight into the zipped sheet XML.

openpyxl's write-only mode is memory-flat, but without lxml it spends ~13 µs a cell
serialising, 26 s for 100,000 rows of 20 columns; this writer spends about a tenth of that.
It writes only what a list needs: text (inline strings) and numbers, one row after another.
Values must already be neutralised against formulas (exports.neutralise).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import BinaryIO
from xml.sax.saxutils import escape, quoteattr

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
STYLES = (
    f'<styleSheet xmlns="{MAIN}"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


def _cell(value, bold: bool) -> str:
    style = ' s="1"' if bold else ""
    if value is None or value == "":
        return "<c/>"
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, (int, float, Decimal)):
        return f"<c{style}><v>{value}</v></c>"
    if isinstance(value, date):
        value = value.isoformat()
    text = _NOT_XML.sub("", str(value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c t="inlineStr"{style}><is><t{space}>{escape(text)}</t></is></c>'


class Sheet:
    def __init__(self, stream, widths: Sequence[int] | None):
        self.stream, self.rows = stream, 0
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths or (), 1))
        self._write(
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">'
            + (f"<cols>{cols}</cols>" if cols else "")
            + "<sheetData>"
        )

    def _write(self, text: str) -> None:
        self.stream.write(text.encode("utf-8"))

    def append_rows(self, rows: Iterable[Sequence], bold: bool = False) -> None:
        parts = []
        for row in rows:
            self.rows += 1
            parts.append(f'<row r="{self.rows}">' + "".join(_cell(v, bold) for v in row) + "</row>")
        self._write("".join(parts))

    def close(self) -> None:
        self._write("</sheetData></worksheet>")
        self.stream.close()


class StreamingWorkbook:
    """sheet = book.open_sheet(name); sheet.append_rows(rows); sheet.close(); … book.close()."""

    def __init__(self, fileobj: BinaryIO):
        self.zip = zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=5)
        self.names: list[str] = []

    def open_sheet(self, name: str, widths: Sequence[int] | None = None) -> Sheet:
        self.names.append(_SHEET_NAME.sub("_", name)[:31])
        stream = self.zip.open(f"xl/worksheets/sheet{len(self.names)}.xml", "w", force_zip64=True)
        return Sheet(stream, widths)

    def close(self) -> None:
        n = len(self.names)
        sheets = "".join(
            f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(self.names, 1)
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_TYPE}"/>' for i in range(1, n + 1)
        )
        head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        self.zip.writestr(
            "[Content_Types].xml",
            head
            + (
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/styles.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                f"{overrides}</Types>"
            ),
        )
        self.zip.writestr(
            "_rels/.rels",
            head
            + (
                f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
                f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
            ),
        )
        self.zip.writestr(
            "xl/workbook.xml",
            head + (f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>{sheets}</sheets></workbook>'),
        )
        self.zip.writestr(
            "xl/_rels/workbook.xml.rels",
            head
            + (
                f'<Relationships xmlns="{PACKAGE_RELS}">{rels}<Relationship Id="rId{n + 1}" Type="{RELS}/styles" '
                'Target="styles.xml"/></Relationships>'
            ),
        )
        self.zip.writestr("xl/styles.xml", head + STYLES)
        self.zip.close()
