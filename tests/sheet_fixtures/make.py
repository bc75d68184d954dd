#!/usr/bin/env python3
"""Writes the workbook fixtures of tests/sheets.rs that rust_xlsxwriter
cannot write: .xls (xlwt) and .ods (odfpy) workbooks of two export shapes,
each beside its CSV twin (the same rows as the platform's English CSV export
writes them: `1,000`, `25.00`), and a password-protected .xlsx
(msoffcrypto-tool), and `two_sheets.xls` (a notes sheet, then the Meta
rows). tests/sheets.rs holds each workbook to its twin: the
same top-10 files, the same skipped rows on the same lines.

Run in a throwaway virtual environment:

    python3 -m venv /tmp/sheetvenv
    /tmp/sheetvenv/bin/pip install xlwt odfpy msoffcrypto-tool
    /tmp/sheetvenv/bin/python tests/sheet_fixtures/make.py
"""
import datetime
import io
import pathlib
import zipfile

HERE = pathlib.Path(__file__).parent

# Cells: str (text), int/float (numbers), datetime.date (a date cell),
# ("money", x) (a number with a currency format), ("formula", text, value)
# (a formula with its cached value), None (empty). Row 1 is the first.
D = datetime.date
GOOGLE_ADS = {
    "title": "Campaign performance report",  # merged over the header's width
    "rows": [
        ["January 1, 2025 - January 31, 2025"],
        ["Campaign", "Campaign ID", "Day", "Impr.", "Clicks", "Cost", "Conversions"],
        ["Spring Sale", 111, D(2025, 1, 1), 1000, 50, ("money", 25.0), 5],
        ["Spring Sale (renamed)", 111, D(2025, 1, 2), 2000, 50, ("money", 75.0), ("formula", "2+3", 5)],
        [],
        ["Brand", 222, D(2025, 1, 1), 4000, 40, ("money", 1000.0), 0],
        ["Broken", 333, D(2025, 1, 3), "abc", 10, ("money", 1.0), 0],
        ["Total: Account", "--", "--", 7000, 140, ("money", 1100.0), 10],
    ],
    # The same rows as Google Ads' CSV writes them; line N is row N.
    "csv": [
        "Campaign performance report",
        '"January 1, 2025 - January 31, 2025"',
        "Campaign,Campaign ID,Day,Impr.,Clicks,Cost,Conversions",
        'Spring Sale,111,2025-01-01,"1,000",50,25.00,5.00',
        'Spring Sale (renamed),111,2025-01-02,"2,000",50,75.00,5.00',
        "",
        'Brand,222,2025-01-01,"4,000",40,"1,000.00",0.00',
        "Broken,333,2025-01-03,abc,10,1.00,0.00",
        'Total: Account,--,--,"7,000",140,"1,100.00",10.00',
    ],
}
META = {
    "title": None,
    "rows": [
        ["Campaign name", "Reporting starts", "Reporting ends", "Impressions", "Link clicks", "Amount spent (USD)", "Results"],
        ["Retargeting", D(2025, 1, 1), D(2025, 1, 31), 12000, 600, ("money", 1234.5), 45],
        ["Prospecting", D(2025, 1, 1), D(2025, 1, 31), 30000, 300, ("money", 900.0), None],
        ["Retargeting", D(2025, 2, 1), D(2025, 2, 28), 8000, 400, ("money", 765.5), 55],
        ["Half", D(2025, 2, 1), D(2025, 2, 28), 12.5, 1, ("money", 1.0), 0],
    ],
    "csv": [
        "Campaign name,Reporting starts,Reporting ends,Impressions,Link clicks,Amount spent (USD),Results",
        'Retargeting,2025-01-01,2025-01-31,"12,000",600,"1,234.50",45',
        'Prospecting,2025-01-01,2025-01-31,"30,000",300,900.00,',
        "Retargeting,2025-02-01,2025-02-28,8000,400,765.50,55",
        "Half,2025-02-01,2025-02-28,12.5,1,1.00,0",
    ],
}
SHAPES = {"google_ads": GOOGLE_ADS, "meta": META}


def all_rows(shape):
    return ([[shape["title"]]] if shape["title"] else []) + shape["rows"]


def write_xls(shape, path, notes=None):
    import xlwt

    book = xlwt.Workbook()
    if notes:
        # A sheet before the data with no header (as account managers add).
        first = book.add_sheet("Notes")
        for r, line in enumerate(notes):
            first.write(r, 0, line)
    sheet = book.add_sheet("Report")
    date = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    money = xlwt.easyxf(num_format_str='"$"#,##0.00')
    width = max(len(r) for r in shape["rows"])
    r0 = 0
    if shape["title"]:
        sheet.write_merge(0, 0, 0, width - 1, shape["title"])
        r0 = 1
    for r, row in enumerate(shape["rows"], start=r0):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, D):
                sheet.write(r, c, v, date)
            elif isinstance(v, tuple) and v[0] == "money":
                sheet.write(r, c, v[1], money)
            elif isinstance(v, tuple) and v[0] == "formula":
                # xlwt writes no cached result: the value itself stands in.
                sheet.write(r, c, v[2])
            else:
                sheet.write(r, c, v)
    book.save(str(path))


def write_ods(shape, path):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Report")
    width = max(len(r) for r in shape["rows"])

    def text_cell(text, **kw):
        cell = TableCell(valuetype="string", **kw)
        cell.addElement(P(text=text))
        return cell

    if shape["title"]:
        tr = TableRow()
        tr.addElement(text_cell(shape["title"], numbercolumnsspanned=width))
        for _ in range(width - 1):
            tr.addElement(CoveredTableCell())
        table.addElement(tr)
    for row in shape["rows"]:
        tr = TableRow()
        for v in row:
            if v is None:
                tr.addElement(TableCell())
            elif isinstance(v, str):
                tr.addElement(text_cell(v))
            elif isinstance(v, D):
                cell = TableCell(valuetype="date", datevalue=v.isoformat())
                cell.addElement(P(text=v.isoformat()))
                tr.addElement(cell)
            elif isinstance(v, tuple) and v[0] == "money":
                cell = TableCell(valuetype="currency", currency="USD", value=v[1])
                cell.addElement(P(text="$%.2f" % v[1]))
                tr.addElement(cell)
            elif isinstance(v, tuple) and v[0] == "formula":
                cell = TableCell(formula="of:=" + v[1], valuetype="float", value=v[2])
                cell.addElement(P(text=str(v[2])))
                tr.addElement(cell)
            else:
                cell = TableCell(valuetype="float", value=v)
                cell.addElement(P(text=str(v)))
                tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))


def minimal_xlsx():
    """A one-sheet .xlsx (A1 `campaign_id`) written by hand, to encrypt."""
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>campaign_id</t></is></c></row></sheetData></worksheet>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return out.getvalue()


def write_encrypted(path):
    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(minimal_xlsx())).encrypt("secret", encrypted)
    path.write_bytes(encrypted.getvalue())


def main():
    for name, shape in SHAPES.items():
        write_xls(shape, HERE / f"{name}.xls")
        write_ods(shape, HERE / f"{name}.ods")
        (HERE / f"{name}.csv").write_text("\n".join(shape["csv"]) + "\n")
        assert len(shape["csv"]) == len(all_rows(shape)), name
    write_encrypted(HERE / "encrypted.xlsx")
    # Two sheets, the data second (the page's Sheet choice, the CLI's --sheet).
    write_xls(META, HERE / "two_sheets.xls", notes=["Read me first", "Numbers from Ads Manager, February"])


if __name__ == "__main__":
    main()
