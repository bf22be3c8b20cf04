#!/usr/bin/env python3
"""Writes the regression corpus of hostile inputs under fuzz/corpus/<target>/.

Run from the repository's root: python3 fuzz/make_corpus.py
The files are committed; this script says how each was made. Large hostile
inputs (a 10 MB field, a record past the 16 MiB cap) are built by the
corpus test itself rather than stored.
"""

import io
import os
import zipfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")

HEADER = "Site;Date;Référence;Mode de contact;Statut;Thèmes;Commune\r\n"
GOOD = "Sedan;12/03/2009;R1;Sur place;Demandeur d'emploi;Emploi;08409\r\n"


def write(target, name, data):
    folder = os.path.join(ROOT, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def csv_corpus():
    t = "csv_import"
    write(t, "good.csv", HEADER + GOOD)
    write(t, "good_windows_1252_sep_line.csv", ("sep=;\r\n" + HEADER + GOOD).encode("cp1252"))
    write(t, "empty.csv", b"")
    write(t, "only_bom.csv", b"\xef\xbb\xbf")
    write(t, "only_sep_line.csv", b"sep=;")
    write(t, "sep_line_quote.csv", b'sep="\r\n' + (HEADER + GOOD).encode())
    write(t, "sep_line_non_ascii.csv", "sep=é\n".encode("cp1252") + (HEADER + GOOD).encode())
    write(t, "truncated_utf8.csv", (HEADER + GOOD).encode()[:-3] + "é".encode()[:1])
    write(t, "utf8_cut_in_header.csv", "Site;Th".encode() + "è".encode()[:1])
    write(t, "nul_bytes.csv", (HEADER + GOOD).encode().replace(b"Sedan", b"Se\x00dan") + b"\x00\x00;\x00\r\n")
    write(t, "nul_in_header.csv", b"Site\x00;Date;Mode de contact\r\n" + GOOD.encode())
    write(t, "wrong_separator_tab_in_semicolon_header.csv", (HEADER + GOOD).replace(";", "\t"))
    write(t, "wrong_separator_comma_rows.csv", HEADER + GOOD.replace(";", ","))
    write(t, "formula_cells.csv", HEADER
          + "=cmd|' /C calc'!A0;+SUM(1;2);@R1;-1+1;=HYPERLINK(\"http://x\");Emploi;08409\r\n"
          + "Sedan;=TODAY();R2;Sur place;;Emploi;=1/0\r\n")
    write(t, "impossible_dates.csv", HEADER + "".join(
        f"Sedan;{d};R{i};Sur place;;Emploi;\r\n" for i, d in enumerate(
            ["31/02/2009", "29/02/2009", "00/00/0000", "32/13/2009", "9999999/1/1",
             "12/03/09", "2009-13-45", "1/1/-2009", "٣/٣/٢٠٠٩", "12//2009", "/", "12/03/2009/1"])))
    write(t, "negative_and_huge_numbers_events.csv",
          "Site;Titre;Date;Type;Participants;Répondants;Satisfaits\r\n"
          "Reims;Forum;15/10/2009;forum;-5;1;1\r\n"
          "Reims;Forum;15/10/2009;forum;99999999999999999999999;1;1\r\n"
          "Reims;Forum;15/10/2009;forum;1e308;1;1\r\n"
          "Reims;Forum;15/10/2009;forum;4294967296;1;1\r\n"
          "Reims;Forum;15/10/2009;forum;12,5;1;1\r\n"
          "Reims;Forum;15/10/2009;forum;10;20;30\r\n")
    write(t, "survey_scores_out_of_scale.csv",
          "Site;Date;Accueil;Information;Locaux\r\n"
          "Reims;15/10/2009;0;5;-1\r\n"
          "Reims;15/10/2009;300;NaN;3,7\r\n")
    write(t, "unclosed_quote.csv", HEADER + 'Sedan;"12/03/2009;R1;Sur place;;Emploi;\r\n' + GOOD * 20)
    write(t, "quotes_everywhere.csv", HEADER + '"Se""dan";"12/03/2009";"R""1";"Sur place";"";"Emploi";""\r\n"""\r\n')
    write(t, "carriage_returns_only.csv", (HEADER + GOOD * 3).replace("\r\n", "\r"))
    write(t, "ragged_rows.csv", HEADER + "Sedan\r\n" + "Sedan;12/03/2009;R1;Sur place;;Emploi;08409;x;y;z\r\n" + ";;;;;;;\r\n")
    write(t, "duplicate_headers.csv", "Site;Date;Date;Mode de contact;Statut;Situation;Thèmes\r\n" + GOOD)
    write(t, "many_columns.csv", ";".join(f"c{i}" for i in range(5000)) + "\r\n" + ";".join("x" for _ in range(5000)) + "\r\n")
    write(t, "header_only.csv", HEADER)
    write(t, "unknown_kind.csv", "a;b;c\r\n1;2;3\r\n")
    write(t, "duplicate_reference_conflict.csv", HEADER + GOOD + GOOD.replace("Sur place", "Téléphone"))
    write(t, "same_reference_twice_same_content.csv", HEADER + GOOD + GOOD)
    write(t, "controls_and_bidi.csv", HEADER + "Sedan\u202e;12/03/2009;R\u0007;Sur place;;Emploi\u200b;08409\r\n")
    write(t, "long_label_list.csv", HEADER + "Sedan;12/03/2009;R1;Sur place;;" + "|".join(["Emploi", "Formation"] * 2000) + ";08409\r\n")


def xlsx_parts(sheet_xml, shared_strings=None, styles=None):
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '</Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Visites" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        + ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' if shared_strings else "")
        + '</Relationships>',
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    if shared_strings:
        parts["xl/sharedStrings.xml"] = shared_strings
    if styles:
        parts["xl/styles.xml"] = styles
    return parts


def zipped(parts):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, content in parts.items():
            z.writestr(name, content)
    return buf.getvalue()


def cell(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet(rows):
    body = "".join(f'<row r="{i + 1}">{"".join(cells)}</row>' for i, cells in enumerate(rows))
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<sheetData>{body}</sheetData></worksheet>')


HEAD_CELLS = [cell("A1", "Site"), cell("B1", "Date"), cell("C1", "Mode de contact"), cell("D1", "Thèmes")]


def row_cells(r, date_cell):
    return [cell(f"A{r}", "Sedan"), date_cell, cell(f"C{r}", "Sur place"), cell(f"D{r}", "Emploi")]


def xlsx_corpus():
    t = "xlsx_import"
    good = zipped(xlsx_parts(sheet([HEAD_CELLS, row_cells(2, cell("B2", "12/03/2009"))])))
    write(t, "good_inline_strings.xlsx", good)
    write(t, "not_a_zip.xlsx", b"Site;Date\r\nSedan;12/03/2009\r\n")
    write(t, "empty.xlsx", b"")
    write(t, "truncated_zip.xlsx", good[: len(good) // 2])
    write(t, "zip_magic_only.xlsx", b"PK\x03\x04" + b"\x00" * 26)
    write(t, "empty_zip.xlsx", zipped({}))
    write(t, "no_workbook_part.xlsx", zipped({"[Content_Types].xml": "<Types/>"}))
    write(t, "malformed_sheet_xml.xlsx", zipped(xlsx_parts("<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Site")))
    write(t, "impossible_dates_and_numbers.xlsx", zipped(xlsx_parts(sheet([
        HEAD_CELLS,
        row_cells(2, '<c r="B2"><v>-5</v></c>'),
        row_cells(3, '<c r="B3"><v>1e308</v></c>'),
        row_cells(4, '<c r="B4"><v>NaN</v></c>'),
        row_cells(5, cell("B5", "31/02/2009")),
        row_cells(6, '<c r="B6" t="e"><v>#DIV/0!</v></c>'),
        row_cells(7, '<c r="B7" t="b"><v>1</v></c>'),
        row_cells(8, '<c r="B8"><f>TODAY()</f><v>39884</v></c>'),
    ]))))
    write(t, "cell_beyond_last_row.xlsx", zipped(xlsx_parts(sheet([
        HEAD_CELLS, [cell("A1048577", "Sedan")], [cell("XFE2", "Sedan")]]))))
    write(t, "bad_cell_references.xlsx", zipped(xlsx_parts(sheet([
        HEAD_CELLS, [cell("ZZZZZZZZ99999999999", "Sedan"), cell("1A", "x"), cell("", "y")]]))))
    write(t, "shared_string_index_out_of_range.xlsx", zipped(xlsx_parts(
        sheet([HEAD_CELLS, ['<c r="A2" t="s"><v>99999</v></c>', '<c r="B2" t="s"><v>-1</v></c>']]),
        shared_strings='<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>Sedan</t></si></sst>')))
    # Small on disk, about 3 MB of XML once inflated: rows of one cell each.
    bomb_rows = "".join(f'<row r="{i}"><c r="E{i}" t="inlineStr"><is><t>x</t></is></c></row>' for i in range(2, 50_000))
    bomb = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            f'<row r="1">{"".join(HEAD_CELLS)}</row>{bomb_rows}</sheetData></worksheet>')
    write(t, "zip_bomb_many_rows.xlsx", zipped(xlsx_parts(bomb)))
    # A shared-strings table of about 8 MB that compresses to little.
    strings = "".join("<si><t>" + "A" * 1000 + "</t></si>" for _ in range(8000))
    write(t, "zip_bomb_shared_strings.xlsx", zipped(xlsx_parts(
        sheet([HEAD_CELLS]),
        shared_strings=f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{strings}</sst>')))
    write(t, "deep_xml_nesting.xlsx", zipped(xlsx_parts(
        "<worksheet><sheetData>" + "<row>" * 50_000 + "</sheetData></worksheet>")))


def jsonl_corpus():
    t = "jsonl_import"
    good = ('{"kind":"visit","site":"sedan","date":"2009-03-12","contact_mode":"in_person","themes":["guidance"]}\n')
    write(t, "good.jsonl", good)
    write(t, "empty.jsonl", b"")
    write(t, "blank_lines.jsonl", "\n\r\n   \n")
    write(t, "truncated_utf8.jsonl", good.encode()[:-2] + "é".encode()[:1])
    write(t, "latin1_bytes.jsonl", good.replace("sedan", "s\u00e9dan").encode("latin-1"))
    write(t, "nul_bytes.jsonl", good.encode().replace(b"sedan", b"se\x00dan") + b"\x00\n")
    write(t, "deep_nesting.jsonl", "[" * 100_000 + "]" * 100_000 + "\n")
    write(t, "huge_and_negative_numbers.jsonl", "".join(
        '{"kind":"event","site":"reims","title":"F","start_date":"2009-10-15","end_date":"2009-10-15","event_type":"forum","attendance":%s}\n' % n
        for n in ["-5", "1e400", "18446744073709551616", "4294967296", "12.5", "NaN", "0x10"]))
    write(t, "impossible_dates.jsonl", "".join(
        '{"kind":"visit","site":"sedan","date":"%s","contact_mode":"in_person","themes":["guidance"]}\n' % d
        for d in ["2009-02-31", "31/02/2009", "-2009-01-01", "99999-01-01", "", "2009-1-1"]))
    write(t, "wrong_shapes.jsonl", "\n".join([
        "[]", "null", "42", '"visit"', '{"kind":1}', '{"kind":"astronaut"}', '{}',
        '{"kind":"visit","kind":"event"}',
        '{"kind":"visit","site":"sedan","date":"2009-03-12","contact_mode":"in_person","themes":"guidance"}',
        '{"kind":"survey_answer","site":"sedan","date":"2009-03-12","items":{"welcome":400}}',
        '{"kind":"survey_answer","site":"sedan","date":"2009-03-12","items":{"welcome":-1}}',
    ]) + "\n")
    write(t, "trailing_garbage.jsonl", good.strip() + " }{\n")
    write(t, "no_final_newline.jsonl", good.strip())
    write(t, "separator_in_code.jsonl",
          '{"kind":"visit","site":"sedan","date":"2009-03-12","contact_mode":"in_person","themes":["guid;ance"]}\n')


def ruleset_corpus():
    t = "ruleset"
    write(t, "empty.toml", "")
    write(t, "binary.toml", bytes(range(256)))
    write(t, "not_toml.toml", "[[[\n= = =\n")
    write(t, "unknown_field.toml", "schema_version = 1\nsurprise = true\n")
    write(t, "huge_integer.toml", "schema_version = 99999999999999999999999999\n")
    write(t, "impossible_date.toml",
          'schema_version = 1\n[publication]\nsmall_count_threshold = [{ from = "2009-02-31", value = 5 }]\n')
    write(t, "until_before_from.toml",
          'schema_version = 1\nnomenclatures = []\nvisit_required_fields = []\n'
          '[publication]\nsmall_count_threshold = [{ from = "2009-01-01", until = "2008-01-01", value = 5 }]\n')
    write(t, "deep_arrays.toml", "a = " + "[" * 10_000 + "]" * 10_000 + "\n")
    write(t, "duplicate_keys.toml", "schema_version = 1\nschema_version = 2\n")
    write(t, "mapping_separator_empty.toml",
          'list_separator = ""\naccept_ruleset_labels = true\n[booleans]\nyes = ["oui"]\nno = ["oui"]\n'
          '[visit.columns]\nsite = ["", "!!!"]\nastronaut = ["x"]\n[values.status]\n"DE" = "nope"\n[scores]\n"x" = 9\n')
    write(t, "mapping_minimal.toml", 'list_separator = "|"\naccept_ruleset_labels = false\n[booleans]\nyes = []\nno = []\n')


if __name__ == "__main__":
    csv_corpus()
    xlsx_corpus()
    jsonl_corpus()
    ruleset_corpus()
