"""The PDF statement as printed: every text it was given is in it (read back through the font's Unicode
map), in the face of a collection asked for; a long statement runs onto pages that each start with the
heading row and end with their number; what the font cannot print becomes ``?``; and the same statement
gives the same bytes."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import attrs
import pytest
from PIL import ImageFont

from p2pstock import fonts
from p2pstock.bots.telegram.statement_pdf import Statement, render_statement_pdf

DEJAVU = sorted(Path("/usr/share/fonts").glob("**/DejaVuSans.ttf"))
ROWS = (
    ("2026-03-02 10:00", "配资管理费 #a5cdee136b7a 第 3 日", "-30.00", "已完成"),
    ("2026-03-02 09:30", "提现", "-500.00", "冻结中"),
)
STATEMENT = Statement(
    title="p2pstock 资金对账单",
    heading=("客户：李伟", "期间：本月，2026-03-01 至 2026-03-02"),
    columns=("时间", "项目", "金额", "状态"),
    rows=ROWS,
    closing=("合计 2 笔：收入 ¥0.00，支出 ¥530.00，净额 -¥530.00",),
    empty="本期没有资金动态。",
    page="第 {page} 页",
    made=datetime(2026, 3, 2, 2, tzinfo=UTC),
)


# -- reading a PDF back ---------------------------------------------------------------------------------

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_SHOWN = re.compile(rb"\(((?:[^\\()]|\\.)*)\)\s*Tj", re.S)
_CHAR = re.compile(rb"<([0-9A-F]{4})>\s*<([0-9A-F]{4,})>")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _streams(pdf: bytes) -> Iterator[bytes]:
    for raw in _STREAM.findall(pdf):
        try:
            yield zlib.decompress(raw)
        except zlib.error:
            yield raw


def _unescaped(literal: bytes) -> bytes:
    def one(m: re.Match[bytes]) -> bytes:
        escaped = m[1]
        if escaped[:1].isdigit():
            return bytes([int(escaped, 8)])
        return _ESCAPES.get(escaped, escaped)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, literal, flags=re.S)


def printed(pdf: bytes) -> list[str]:
    """Every text the PDF draws, in the order it draws them (a TrueType font's glyphs read back through its
    ToUnicode map; Helvetica's as Latin-1)."""
    streams = list(_streams(pdf))
    unicode = {
        int(code, 16): bytes.fromhex(text.decode()).decode("utf-16-be")
        for stream in streams
        if b"beginbfchar" in stream
        for code, text in _CHAR.findall(stream)
    }
    texts = []
    for stream in streams:
        for shown in _SHOWN.findall(stream):
            raw = _unescaped(shown)
            if unicode:
                texts.append("".join(unicode[int.from_bytes(raw[i : i + 2])] for i in range(0, len(raw), 2)))
            else:
                texts.append(raw.decode("latin-1"))
    return texts


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


@pytest.fixture
def cjk(cjk_font: Path) -> tuple[Path, int]:
    return cjk_font, fonts.face_of(cjk_font)


# -- what is printed ------------------------------------------------------------------------------------


def test_every_text_of_the_statement_is_printed_with_a_chinese_font(cjk: tuple[Path, int]) -> None:
    pdf = render_statement_pdf(STATEMENT, *cjk)

    assert pdf.startswith(b"%PDF-1.") and pdf.rstrip().endswith(b"%%EOF")
    assert printed(pdf) == [
        STATEMENT.title,
        *STATEMENT.heading,
        *STATEMENT.columns,
        *(cell for row in ROWS for cell in row),
        *STATEMENT.closing,
        "第 1 页",
    ]
    assert pages(pdf) == 1


def faces(collection: Path) -> list[str]:
    """The family of each face of a font collection (PostScript-like: no spaces)."""
    found = []
    for index in range(8):
        try:
            found.append(
                ImageFont.FreeTypeFont(str(collection), 16, index=index).getname()[0].replace(" ", "")
            )
        except OSError:
            break
    return found


def test_each_face_of_a_collection_is_printed_with_the_one_asked_for(cjk_font: Path) -> None:
    families = faces(cjk_font)
    if cjk_font.suffix.lower() not in (".ttc", ".otc") or len(families) < 2:
        pytest.skip(f"{cjk_font.name} is not a collection of several faces")

    embedded = [
        re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([^\s/]+)", render_statement_pdf(STATEMENT, cjk_font, face))[0]
        for face in range(len(families))
    ]

    assert [name.decode() for name in embedded] == families


def test_a_long_statement_runs_onto_pages_that_each_start_with_the_heading_row_and_end_with_their_number(
    cjk: tuple[Path, int],
) -> None:
    many = tuple(
        (f"2026-03-02 {n // 60:02d}:{n % 60:02d}", f"充值 {n}", f"{n}.00", "已完成") for n in range(200)
    )
    long = attrs.evolve(STATEMENT, rows=many)

    pdf = render_statement_pdf(long, *cjk)

    count, texts = pages(pdf), printed(pdf)
    assert count >= 4
    assert texts.count("时间") == count
    assert [t for t in texts if t.endswith(" 页")] == [f"第 {n} 页" for n in range(1, count + 1)]
    assert [t for t in texts if t.startswith("充值 ")] == [f"充值 {n}" for n in range(200)]


def test_a_label_wider_than_its_column_wraps_onto_more_lines(cjk: tuple[Path, int]) -> None:
    wide = "配资风险保证金 #a5cdee136b7a 扣第 12 日管理费后 " * 3
    statement = attrs.evolve(STATEMENT, rows=(("2026-03-02 10:00", wide, "-1.00", "冻结中"),))

    texts = printed(render_statement_pdf(statement, *cjk))

    label = texts[texts.index("2026-03-02 10:00") + 1 : texts.index("-1.00")]
    assert len(label) > 1 and "".join(label).replace(" ", "") == wide.replace(" ", "")


def test_a_statement_without_lines_says_so_instead_of_a_table(cjk: tuple[Path, int]) -> None:
    empty = attrs.evolve(STATEMENT, rows=())

    texts = printed(render_statement_pdf(empty, *cjk))

    assert STATEMENT.empty in texts and "时间" not in texts


def test_the_same_statement_gives_the_same_bytes(cjk: tuple[Path, int]) -> None:
    assert render_statement_pdf(STATEMENT, *cjk) == render_statement_pdf(STATEMENT, *cjk)


# -- without a Chinese font ---------------------------------------------------------------------------

ENGLISH = Statement(
    title="p2pstock statement of account",
    heading=("Customer: 李伟",),
    columns=("time", "what", "amount", "state"),
    rows=(("2026-03-02 10:00", "Deposit", "100.00", "done"),),
    closing=("Totals of 1 lines: in ¥100.00, out ¥0.00, net +¥100.00",),
    empty="No fund activity in this period.",
    page="Page {page}",
    made=datetime(2026, 3, 2, 2, tzinfo=UTC),
)


@pytest.mark.skipif(not DEJAVU, reason="DejaVu Sans is not installed")
def test_with_a_latin_font_what_it_cannot_print_becomes_a_question_mark() -> None:
    pdf = render_statement_pdf(ENGLISH, DEJAVU[0])

    assert printed(pdf) == [
        ENGLISH.title,
        "Customer: ??",
        *ENGLISH.columns,
        *ENGLISH.rows[0],
        *ENGLISH.closing,
        "Page 1",
    ]
    assert b"DejaVuSans" in pdf


def test_without_any_font_file_helvetica_prints_latin_1_and_nothing_else() -> None:
    pdf = render_statement_pdf(ENGLISH, None)

    texts = printed(pdf)
    assert texts[:2] == [ENGLISH.title, "Customer: ??"]
    assert ENGLISH.closing[0] in texts  # ¥ is Latin-1
    assert re.search(rb"/BaseFont\s*/Helvetica", pdf)
