"""Every kind of bad file gets one clear finding, the batch goes on, and the inbox is never touched."""
import hashlib
import unicodedata
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from rodtrad.consolidator.reading import grid
from rodtrad.consolidator.reading.validate import validate_file, validate_paths

from conftest import copy
from spreadsheet_engine import convert, soffice

needs_lo = pytest.mark.skipif(soffice() is None, reason="LibreOffice is installed by `make test`")


def codes(task):
    return [f.code for f in task.findings]


def rezip(src, dst, replace=None, add=None):
    """Copy a zip member by member, replacing or adding members."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, replace.get(item.filename, zin.read(item.filename)))
        for name, data in add.items():
            zout.writestr(name, data)
    return dst


def test_an_empty_file(tmp_path, master):
    path = tmp_path / "tom.xlsx"
    path.write_bytes(b"")
    assert codes(validate_file(path, master)) == ["file.empty"]


@pytest.mark.parametrize("content, detail", [(b"Hej, har kommer planen!\n", "en textfil"),
                                             (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "en bild")])
def test_a_text_file_or_picture_named_xlsx(tmp_path, master, content, detail):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(content)
    task = validate_file(path, master)
    assert codes(task) == ["file.not_workbook"] and detail in task.findings[0].message()


def test_a_truncated_zip(tmp_path, master, returned):
    path = tmp_path / "kapad.xlsx"
    path.write_bytes(returned.read_bytes()[: returned.stat().st_size // 2])
    assert codes(validate_file(path, master)) == ["file.corrupt"]


def test_a_password_protected_workbook(tmp_path, master, returned):
    from msoffcrypto.format.ooxml import OOXMLFile

    path = tmp_path / "lösenord.xlsx"
    with returned.open("rb") as plain, path.open("wb") as out:
        OOXMLFile(plain).encrypt("hemligt", out)
    assert codes(validate_file(path, master)) == ["file.encrypted"]


@needs_lo
def test_a_legacy_xls(tmp_path, master, returned):
    path = convert(returned, tmp_path, "xls")
    assert codes(validate_file(path, master)) == ["file.legacy_xls"]


def test_an_xlsb(tmp_path, master):
    path = tmp_path / "binar.xlsb"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    assert codes(validate_file(path, master)) == ["file.xlsb"]


@needs_lo
def test_an_ods_saved_by_libreoffice_is_read_by_its_contract(tmp_path, master, returned):
    path = convert(returned, tmp_path, "ods")
    task = validate_file(path, master, keep_document=True)
    assert codes(task) == [] and task.unit == "2111"
    assert task.document == validate_file(returned, master, keep_document=True).document


def test_an_ods_that_is_not_ours_says_so(tmp_path, master):
    path = tmp_path / "annat.ods"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>')
    assert codes(validate_file(path, master)) in (["file.not_rodtrad"], ["file.corrupt"])


def bomb(path):
    """A zip of 30 MB of spaces that packs into a few tens of KB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as sheet:
            for _ in range(30):
                sheet.write(b" " * 2**20)
    assert path.stat().st_size < 200_000
    return path


def test_a_zip_bomb_is_refused_without_reading_it_all(tmp_path, master, monkeypatch):
    monkeypatch.setattr(grid, "MAX_UNPACKED_BYTES", 20 * 2**20)
    assert codes(validate_file(bomb(tmp_path / "bomb.xlsx"), master)) == ["file.zip_bomb"]


def test_a_zip_bomb_whose_directory_understates_its_sizes_is_refused(tmp_path, master, monkeypatch):
    """The unpacked sizes in a zip are the sender's word: the check never takes them."""
    monkeypatch.setattr(grid, "MAX_UNPACKED_BYTES", 20 * 2**20)
    path = bomb(tmp_path / "ljuger.xlsx")
    data = bytearray(path.read_bytes())
    for info in zipfile.ZipFile(path).infolist():  # the local headers say 1 KB ...
        data[info.header_offset + 22:info.header_offset + 26] = (1024).to_bytes(4, "little")
    at = data.rfind(b"PK\x01\x02")  # ... and so does the directory entry of the sheet (the last member)
    data[at + 24:at + 28] = (1024).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    assert zipfile.ZipFile(path).infolist()[-1].file_size == 1024
    assert codes(validate_file(path, master)) == ["file.zip_bomb"]


def test_a_workbook_zipped_without_compression_reads_like_any_other(tmp_path, master, returned):
    """Some tools store zip members uncompressed; the checks take those too."""
    stored = tmp_path / "okomprimerad.xlsx"
    with zipfile.ZipFile(returned) as zin, zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, zin.read(item.filename))
    task = validate_file(stored, master, keep_document=True)
    assert codes(task) == [] and task.document == validate_file(returned, master, keep_document=True).document
    laughs = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "a">]><x>&a;</x>'
    with zipfile.ZipFile(stored, "a", zipfile.ZIP_STORED) as z:
        z.writestr("xl/extra.xml", laughs)
    assert codes(validate_file(stored, master)) == ["file.xml_entities"]


def test_a_small_workbook_is_checked_without_unpacking_it(returned, monkeypatch):
    """A file whose compressed bytes cannot unpack past the limit is not inflated twice."""
    calls = []
    monkeypatch.setattr(grid, "_inflate", lambda *a: calls.append(a) or 0)
    assert grid.check_zip(returned.read_bytes()) == ("xlsx", []) and calls == []
    monkeypatch.setattr(grid, "MAX_UNPACKED_BYTES", returned.stat().st_size * 10)
    grid.check_zip(returned.read_bytes())
    assert len(calls) == len(zipfile.ZipFile(returned).infolist())


def test_xml_entity_expansion_is_refused(tmp_path, master, returned):
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
              "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>&lol2;</t></si></sst>")
    path = rezip(returned, tmp_path / "entiteter.xlsx", replace={"xl/sharedStrings.xml": laughs.encode()},
                 add={} if "xl/sharedStrings.xml" in zipfile.ZipFile(returned).namelist() else {"xl/sharedStrings.xml": laughs.encode()})
    assert codes(validate_file(path, master)) == ["file.xml_entities"]


@pytest.mark.parametrize("prolog", [
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n',
    b'\xef\xbb\xbf<?xml version="1.0"?><!-- a comment first -->',
    b'<?xml version="1.0"?>' + b" " * 300,  # the DOCTYPE past the first bytes the quick look inflates
])
def test_an_entity_declaration_is_found_wherever_the_prolog_puts_it(tmp_path, master, returned, prolog):
    """Most members start with their root element and need only a quick look; the rest get the full one."""
    xml = prolog + b'<!DOCTYPE w [<!ENTITY e "e">]><worksheet/>'
    path = rezip(returned, tmp_path / "prolog.xlsx", add={"xl/extra.xml": xml})
    assert codes(validate_file(path, master)) == ["file.xml_entities"]
    plain = rezip(returned, tmp_path / "utan.xlsx", add={"xl/extra.xml": prolog + b"<worksheet/>"})
    assert codes(validate_file(plain, master)) == []


def test_a_macro_bearing_workbook_is_flagged_and_never_run(tmp_path, master, returned):
    path = rezip(returned, tmp_path / "makro.xlsm", add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 not run"})
    task = validate_file(path, master)
    assert codes(task) == ["file.macros"] and task.valid  # a warning: the content itself is read


def test_a_workbook_that_is_not_from_rodtrad(tmp_path, master):
    wb = Workbook()
    wb.active.append(["Budget", 2027])
    wb.save(tmp_path / "egen.xlsx")
    assert codes(validate_file(tmp_path / "egen.xlsx", master)) == ["file.not_rodtrad"]


def test_a_renamed_sheet_is_missing_by_its_name(edit, master, returned, tmp_path):
    wb = load_workbook(returned)
    wb["Aktiviteter"].title = "Aktiviteter 2027"
    wb.save(tmp_path / "x.xlsx")
    assert [f.flat() for f in validate_file(tmp_path / "x.xlsx", master).findings] == [("Aktiviteter", "", "sheet.missing")]


def test_a_deleted_sheet_is_missing(master, returned, tmp_path):
    wb = load_workbook(returned)
    del wb["SWOT"]
    wb.save(tmp_path / "x.xlsx")
    assert codes(validate_file(tmp_path / "x.xlsx", master)) == ["sheet.missing"]


def test_a_hidden_sheet_is_a_warning(master, returned, tmp_path):
    wb = load_workbook(returned)
    wb["Budget"].sheet_state = "hidden"
    wb.save(tmp_path / "x.xlsx")
    assert [f.flat() for f in validate_file(tmp_path / "x.xlsx", master).findings] == [("Budget", "", "sheet.hidden")]


def test_an_inserted_column_moves_the_cells_findings_point_at(master, returned, tmp_path):
    wb = load_workbook(returned)
    ws = wb["Aktiviteter"]
    ws.insert_cols(3)
    ws["C4"] = "Egen kolumn"
    ws["I8"] = None  # responsible, now one column to the right
    wb.save(tmp_path / "x.xlsx")
    assert [f.flat() for f in validate_file(tmp_path / "x.xlsx", master).findings] == [("Aktiviteter", "I8", "field.required")]


def test_a_deleted_column_is_missing_by_its_header(master, returned, tmp_path):
    wb = load_workbook(returned)
    wb["Aktiviteter"].delete_cols(9)  # Kommentar
    wb.save(tmp_path / "x.xlsx")
    assert [f.flat() for f in validate_file(tmp_path / "x.xlsx", master).findings] == [("Aktiviteter", "A4", "column.missing")]


def test_merged_cells_over_inputs_are_reported(master, returned, tmp_path):
    wb = load_workbook(returned)
    wb["Aktiviteter"].merge_cells("C8:D8")
    wb.save(tmp_path / "x.xlsx")
    flat = [f.flat() for f in validate_file(tmp_path / "x.xlsx", master).findings]
    assert ("Aktiviteter", "C8", "sheet.merged_cells") in flat


def test_excel_lock_files_are_ignored_with_a_note(tmp_path, master, returned):
    copy(returned, tmp_path / returned.name)
    (tmp_path / f"~${returned.name}").write_bytes(b"\x00lock")
    report = validate_paths([tmp_path], master)
    assert [t.file for t in report.tasks] == [returned.name]
    assert len(report.ignored) == 1 and "låsfil" in report.ignored[0][1]


def test_two_files_for_the_same_unit_and_period_name_each_other(tmp_path, master, returned):
    copy(returned, tmp_path / "a.xlsx")
    copy(returned, tmp_path / "b.xlsx")
    report = validate_paths([tmp_path], master)
    for task in report.tasks:
        assert codes(task) == ["batch.duplicate_unit"]
        assert "a.xlsx" in task.findings[0].message() and "b.xlsx" in task.findings[0].message()


def test_a_folder_named_like_a_file(tmp_path, master):
    (tmp_path / "plan.xlsx").mkdir()
    report = validate_paths([tmp_path], master)
    assert [codes(t) for t in report.tasks] == [["file.is_folder"]]


def test_file_names_with_swedish_letters_and_spaces_in_either_unicode_form(tmp_path, master, returned):
    nfd = unicodedata.normalize("NFD", "Förskolan Solrosen – plan åäö.xlsx")
    copy(returned, tmp_path / nfd)
    report = validate_paths([tmp_path], master)
    assert report.valid and report.tasks[0].file == unicodedata.normalize("NFC", nfd)


def _fingerprint(folder):
    return sorted((p.name, p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "")
                  for p in folder.rglob("*"))


def test_a_bad_file_never_stops_the_batch_and_the_inbox_is_never_written(tmp_path, master, returned):
    inbox = tmp_path / "inkorg"
    inbox.mkdir()
    copy(returned, inbox / returned.name)
    (inbox / "tom.xlsx").write_bytes(b"")
    (inbox / "kapad.xlsx").write_bytes(returned.read_bytes()[:999])
    (inbox / "anteckning.txt").write_text("läs mig")
    before = _fingerprint(inbox)
    report = validate_paths([inbox], master, jobs=1)
    assert _fingerprint(inbox) == before
    outcome = {t.file: codes(t) for t in report.tasks}
    assert outcome == {returned.name: [], "tom.xlsx": ["file.empty"], "kapad.xlsx": ["file.corrupt"]}
    assert [r for _, r in report.ignored] == ["inte en arbetsbok (.txt); ignoreras"]
