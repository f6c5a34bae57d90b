"""Workbooks written with openpyxl (.xlsx) and odfpy (.ods), read with python-calamine, within bounds.

Before the reader sees a file, its zip directory is checked: a spreadsheet is a zip archive, and a sheet
that expands past MAX_UNCOMPRESSED (or a huge number of members) is refused, so a "workbook bomb" costs
nothing. The sheets read are also bounded in rows and columns.
"""

import io
import zipfile
from datetime import date, datetime

from odf import config as odfconfig
from odf import style as odfstyle
from odf import table as odftable
from odf import teletype
from odf import text as odftext
from odf.opendocument import OpenDocumentSpreadsheet

from registry.services.sheets import SheetRefused, column_letter

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # every member of the archive together, expanded
MAX_MEMBERS = 2_000
MAX_RATIO = 200  # expanded size over compressed size of one member larger than 1 MB
MAX_ROWS = 100_000
MAX_COLUMNS = 200
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and other Compound File Binary files
Table = tuple[str, list[str], list[list]]


def _width(headings: list[str], rows: list[list], col: int) -> float:
    longest = max([len(str(headings[col]))] + [min(len(str(r[col])), 60) for r in rows[:500] if r[col] is not None])
    return float(max(10, min(longest + 2, 60)))


def write_xlsx(tables: list[Table]) -> bytes:
    """An Excel workbook: one sheet per table, bold frozen header row, filters, column widths, typed cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for title, headings, rows in tables:
        ws = wb.create_sheet(title=title[:31])
        ws.append(headings)
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append(row)
            for cell, value in zip(ws[ws.max_row], row, strict=False):
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text even where it looks like a formula
                elif isinstance(value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm:ss"
                elif isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{column_letter(len(headings) - 1)}{max(1, len(rows) + 1)}"
        for col in range(len(headings)):
            ws.column_dimensions[column_letter(col)].width = _width(headings, rows, col)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _ods_cell(value: object, header_style) -> odftable.TableCell:
    if value is None:
        return odftable.TableCell()
    if isinstance(value, bool):
        cell = odftable.TableCell(valuetype="boolean", booleanvalue="true" if value else "false")
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, int | float):
        cell = odftable.TableCell(valuetype="float", value=value)
        text = str(value)
    elif isinstance(value, datetime):
        cell = odftable.TableCell(valuetype="date", datevalue=value.isoformat(timespec="seconds"), stylename="datetime")
        text = value.isoformat(sep=" ", timespec="seconds")
    elif isinstance(value, date):
        cell = odftable.TableCell(valuetype="date", datevalue=value.isoformat(), stylename="date")
        text = value.isoformat()
    else:
        cell = odftable.TableCell(valuetype="string", stylename=header_style) if header_style else \
            odftable.TableCell(valuetype="string")
        text = str(value)
    p = odftext.P()
    teletype.addTextToElement(p, text)
    cell.addElement(p)
    return cell


def _date_styles(doc: OpenDocumentSpreadsheet) -> None:
    from odf import number

    day = number.DateStyle(name="day-format")
    for part in (number.Year(style="long"), number.Text(text="-"), number.Month(style="long"), number.Text(text="-"),
                 number.Day(style="long")):
        day.addElement(part)
    moment = number.DateStyle(name="moment-format")
    for part in (number.Year(style="long"), number.Text(text="-"), number.Month(style="long"), number.Text(text="-"),
                 number.Day(style="long"), number.Text(text=" "), number.Hours(style="long"), number.Text(text=":"),
                 number.Minutes(style="long"), number.Text(text=":"), number.Seconds(style="long")):
        moment.addElement(part)
    doc.automaticstyles.addElement(day)
    doc.automaticstyles.addElement(moment)
    doc.automaticstyles.addElement(odfstyle.Style(name="date", family="table-cell", datastylename="day-format"))
    doc.automaticstyles.addElement(odfstyle.Style(name="datetime", family="table-cell", datastylename="moment-format"))


def _frozen_header(doc: OpenDocumentSpreadsheet, titles: list[str]) -> None:
    """The view settings LibreOffice reads: the first row of every sheet frozen."""
    view = odfconfig.ConfigItemSet(name="ooo:view-settings")
    views = odfconfig.ConfigItemMapIndexed(name="Views")
    entry = odfconfig.ConfigItemMapEntry()
    entry.addElement(odfconfig.ConfigItem(name="ViewId", type="string", text="view1"))
    sheets = odfconfig.ConfigItemMapNamed(name="Tables")
    for title in titles:
        sheet = odfconfig.ConfigItemMapEntry(name=title)
        for name, kind, val in (("VerticalSplitMode", "short", "2"), ("VerticalSplitPosition", "int", "1"),
                                ("ActiveSplitRange", "short", "2"), ("PositionTop", "int", "0"),
                                ("PositionBottom", "int", "1")):
            sheet.addElement(odfconfig.ConfigItem(name=name, type=kind, text=val))
        sheets.addElement(sheet)
    entry.addElement(sheets)
    views.addElement(entry)
    view.addElement(views)
    doc.settings.addElement(view)


def write_ods(tables: list[Table]) -> bytes:
    """An OpenDocument spreadsheet with the same content, frozen header row, filters and column widths."""
    doc = OpenDocumentSpreadsheet()
    _date_styles(doc)
    header = odfstyle.Style(name="heading", family="table-cell")
    header.addElement(odfstyle.TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(header)
    ranges = odftable.DatabaseRanges()
    titles = []
    for n, (title, headings, rows) in enumerate(tables):
        titles.append(title)
        sheet = odftable.Table(name=title)
        for col in range(len(headings)):
            width = odfstyle.Style(name=f"w{n}c{col}", family="table-column")
            width.addElement(odfstyle.TableColumnProperties(columnwidth=f"{_width(headings, rows, col) * 0.2:.2f}cm"))
            doc.automaticstyles.addElement(width)
            sheet.addElement(odftable.TableColumn(stylename=width))
        head = odftable.TableRow()
        for h in headings:
            head.addElement(_ods_cell(h, header))
        sheet.addElement(head)
        for row in rows:
            line = odftable.TableRow()
            for value in row:
                line.addElement(_ods_cell(value, None))
            sheet.addElement(line)
        doc.spreadsheet.addElement(sheet)
        quoted = "'" + title.replace("'", "''") + "'"
        ranges.addElement(odftable.DatabaseRange(
            name=f"filter{n}", displayfilterbuttons="true",
            targetrangeaddress=f"{quoted}.A1:{quoted}.{column_letter(len(headings) - 1)}{max(1, len(rows) + 1)}"))
    doc.spreadsheet.addElement(ranges)
    _frozen_header(doc, titles)
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()


Grid = tuple[str, list[list], tuple[int, ...]]  # a sheet laid out as a form: name, rows of cells, column widths


def write_grids_xlsx(grids: list[Grid]) -> bytes:
    """Sheets laid out as forms (the CNIL's fiches): labels of column A in bold, dates as dd/mm/yyyy, text kept as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.remove(wb.active)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for title, rows, widths in grids:
        ws = wb.create_sheet(title=title[:31])
        for row in rows:
            ws.append(row)
            for cell, value in zip(ws[ws.max_row], row, strict=False):
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text even where it looks like a formula
                    cell.alignment = wrap
                elif isinstance(value, date):
                    cell.number_format = "dd/mm/yyyy"
            ws.cell(ws.max_row, 1).font = bold
        for col, width in enumerate(widths):
            ws.column_dimensions[column_letter(col)].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_grids_ods(grids: list[Grid]) -> bytes:
    """The same sheets as an OpenDocument spreadsheet."""
    from odf import number

    doc = OpenDocumentSpreadsheet()
    day = number.DateStyle(name="fr-day-format")
    for part in (number.Day(style="long"), number.Text(text="/"), number.Month(style="long"), number.Text(text="/"),
                 number.Year(style="long")):
        day.addElement(part)
    doc.automaticstyles.addElement(day)
    doc.automaticstyles.addElement(odfstyle.Style(name="date", family="table-cell", datastylename="fr-day-format"))
    label = odfstyle.Style(name="label", family="table-cell")
    label.addElement(odfstyle.TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(label)
    columns: dict[int, odfstyle.Style] = {}  # one style per width, shared by a thousand fiches
    for title, rows, widths in grids:
        sheet = odftable.Table(name=title)
        for width in widths:
            if width not in columns:
                columns[width] = odfstyle.Style(name=f"width{width}", family="table-column")
                columns[width].addElement(odfstyle.TableColumnProperties(columnwidth=f"{width * 0.2:.2f}cm"))
                doc.automaticstyles.addElement(columns[width])
            sheet.addElement(odftable.TableColumn(stylename=columns[width]))
        for row in rows:
            line = odftable.TableRow()
            for col, value in enumerate(row):
                line.addElement(_ods_cell(value, label if col == 0 and isinstance(value, str) else None))
            sheet.addElement(line)
        doc.spreadsheet.addElement(sheet)
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()


def check_archive(content: bytes) -> str:
    """The workbook's format ("xlsx" or "ods") once its zip directory is within bounds, else SheetRefused."""
    if content.startswith(OLE_MAGIC):
        raise SheetRefused("file", "an old binary Excel file (.xls): save it as .xlsx or .ods and import that")
    if not content.startswith(XLSX_MAGIC):
        raise SheetRefused("file", "not a spreadsheet (.xlsx or .ods files are zip archives; this one is not)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SheetRefused("file", f"malformed or truncated spreadsheet ({exc})") from None
    if len(members) > MAX_MEMBERS:
        raise SheetRefused("file", f"{len(members)} parts in the archive: more than a workbook has ({MAX_MEMBERS})")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise SheetRefused("file", f"expands to {total:,} bytes: more than the {MAX_UNCOMPRESSED:,} allowed (a workbook bomb?)")
    for m in members:
        if m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise SheetRefused(f"file {m.filename[:80]}", f"expands {m.file_size // max(m.compress_size, 1)} times: "
                                                           "refused as a workbook bomb")
    names = {m.filename for m in members}
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names:
        try:
            mimetype = archive.read("mimetype") if "mimetype" in names else b""
        except (zipfile.BadZipFile, OSError) as exc:
            raise SheetRefused("file", f"malformed or truncated spreadsheet ({exc})") from None
        if mimetype.strip() == b"application/vnd.oasis.opendocument.spreadsheet":
            return "ods"
    raise SheetRefused("file", "a zip archive but not a spreadsheet (.xlsx or .ods)")


def read_workbook(content: bytes) -> dict[str, list[list]]:
    """Every sheet as rows of cell values (None for an empty cell), in the workbook's order; refused beyond bounds."""
    check_archive(content)
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheets = {}
        for name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(name)
            if sheet.height > MAX_ROWS or sheet.width > MAX_COLUMNS:
                raise SheetRefused(f"sheet {name[:80]!r}", f"{sheet.height} rows x {sheet.width} columns: more than "
                                                           f"{MAX_ROWS} x {MAX_COLUMNS} (a workbook bomb?)")
            rows = sheet.to_python(skip_empty_area=False)
            sheets[name] = [[None if v == "" else v for v in row] for row in rows]
        return sheets
    except SheetRefused:
        raise
    except Exception as exc:  # the reader's own errors (calamine raises several types) mean an unreadable file
        raise SheetRefused("file", f"malformed or truncated spreadsheet ({str(exc)[:200]})") from None
