"""Splitting a many-page PDF into one self-contained PDF per page, quickly.

Each output file holds its page and exactly the objects that page reaches (its content
stream, its own images, the shared fonts), under their numbers in the source document,
with a catalog, a page tree and an info dictionary of its own. Objects shared by every
page (the font subset above all) are serialised once per batch, not once per file:
that is what makes splitting cost next to nothing beside laying the pages out.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from pypdf import PageObject, PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

_NAME = re.compile(rb"/([A-Za-z0-9_.+-]+)")
_BINARY_MARK = b"%\xe2\xe3\xcf\xd3\n"


def _keep_own_resources(page: PageObject) -> None:
    """WeasyPrint gives all pages one resources dictionary; give this page only the XObjects it draws."""
    resources = page["/Resources"]  # a dictionary read resolves a reference
    assert isinstance(resources, DictionaryObject)
    xobjects = resources.get("/XObject")
    own = DictionaryObject({key: value for key, value in resources.items() if key != "/XObject"})
    if xobjects:
        xobjects, contents = xobjects.get_object(), page.get_contents()
        assert isinstance(xobjects, DictionaryObject) and contents is not None  # a page that draws images
        used = {"/" + name.decode("latin-1") for name in _NAME.findall(contents.get_data())}
        own[NameObject("/XObject")] = DictionaryObject({k: v for k, v in xobjects.items() if k in used})
    page[NameObject("/Resources")] = own


def _reachable(start: PdfObject) -> dict[int, PdfObject]:
    """Every indirect object reachable from `start`, by object number."""
    found: dict[int, PdfObject] = {}
    stack = [start]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if item.idnum not in found:
                target = item.get_object()
                assert target is not None, f"object {item.idnum} is referenced but missing"
                found[item.idnum] = target
                stack.append(target)
        elif isinstance(item, DictionaryObject):  # stream objects too
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return found


def _serialised(obj: PdfObject) -> bytes:
    buffer = io.BytesIO()
    obj.write_to_stream(buffer)
    return buffer.getvalue()


def _assemble(header: bytes, objects: dict[int, bytes], root: int, info: int, size: int) -> bytes:
    out = io.BytesIO()
    out.write(header + _BINARY_MARK)
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 1\n0000000000 65535 f \n")
    numbers = sorted(offsets)
    start = 0
    while start < len(numbers):  # one subsection per run of consecutive numbers
        end = start
        while end + 1 < len(numbers) and numbers[end + 1] == numbers[end] + 1:
            end += 1
        out.write(b"%d %d\n" % (numbers[start], end - start + 1))
        out.write(b"".join(b"%010d 00000 n \n" % offsets[n] for n in numbers[start : end + 1]))
        start = end + 1
    out.write(b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, info, xref))
    return out.getvalue()


def split_pages(pdf: bytes, titles: Sequence[str] = (), producer: str = "Jinfanwan") -> list[bytes]:
    """One complete PDF per page of `pdf`; `titles` become the files' document titles."""
    reader = PdfReader(io.BytesIO(pdf))
    header = pdf[: pdf.index(b"\n")].strip()
    size_entry = reader.trailer["/Size"]
    assert isinstance(size_entry, NumberObject)  # an integer, says the PDF standard
    size = int(size_entry)
    catalog, tree, info = size, size + 1, size + 2
    shared: dict[int, bytes] = {}  # serialised once, reused by every file that needs them
    files = []
    for number, page in enumerate(reader.pages):
        assert page.indirect_reference is not None  # a page read from a file has its number
        page_number = page.indirect_reference.idnum
        _keep_own_resources(page)
        own = DictionaryObject({k: v for k, v in page.items() if k != "/Parent"})
        objects = {}
        for object_number, obj in _reachable(own).items():
            if object_number == page_number:
                continue
            if object_number not in shared:
                shared[object_number] = _serialised(obj)
            objects[object_number] = shared[object_number]
        own[NameObject("/Parent")] = IndirectObject(tree, 0, reader)
        objects[page_number] = _serialised(own)
        objects[catalog] = _serialised(
            DictionaryObject(
                {NameObject("/Type"): NameObject("/Catalog"), NameObject("/Pages"): IndirectObject(tree, 0, reader)}
            )
        )
        objects[tree] = _serialised(
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Pages"),
                    NameObject("/Count"): NumberObject(1),
                    NameObject("/Kids"): ArrayObject([IndirectObject(page_number, 0, reader)]),
                }
            )
        )
        info_dict = DictionaryObject({NameObject("/Producer"): TextStringObject(producer)})
        if number < len(titles):
            info_dict[NameObject("/Title")] = TextStringObject(titles[number])
        objects[info] = _serialised(info_dict)
        files.append(_assemble(header, objects, catalog, info, size + 3))
    return files
