"""Reading uploaded tables safely: limits enforced while reading, malformed CSV named by row, sizes told true."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from vision import tabular
from vision.tabular import ImportFileError, read_table, read_upload


def xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_row_wider_than_the_limit_is_refused_while_reading_and_named():
    data = b"a,b\r\n1,2\r\n" + b"3" + b"," * 200_000 + b"\r\n"
    with pytest.raises(ImportFileError, match="3 行目の列が多すぎます") as raised:
        read_table(data, "wide.csv")
    assert "200001" in str(raised.value) or "200,001" in str(raised.value)


def test_rows_are_padded_only_to_the_header_not_beyond_the_limit(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_COLUMNS", 5)
    assert read_table(b"a,b,c\r\n1\r\n", "x.csv")[1] == ["1", "", ""]
    with pytest.raises(ImportFileError, match="2 行目の列が多すぎます"):
        read_table(b"a,b,c\r\n1,2,3,4,5,6\r\n", "x.csv")


def test_a_cell_longer_than_the_limit_is_refused_and_named():
    data = ("a,b\r\n1,2\r\n3," + "x" * (tabular.MAX_CELL_CHARS + 1) + "\r\n").encode()
    with pytest.raises(ImportFileError, match="3 行目.*長すぎます"):
        read_table(data, "long.csv")


def test_an_unclosed_quote_names_the_row_where_it_began():
    lines = ["a,note", '1,"始まりだけ'] + [f"{n},ふつう" for n in range(50)]
    with pytest.raises(ImportFileError, match="2 行目.*閉じられていません"):
        read_table("\r\n".join(lines).encode(), "quote.csv")


def test_an_unclosed_quote_in_a_long_file_is_named_not_a_field_limit_error():
    lines = ["a,note", *(f"{n},ふつう" for n in range(100)), 'x,"開いたまま']
    lines += [f"{n},{'あ' * 50}" for n in range(5000)]
    with pytest.raises(ImportFileError, match="102 行目") as raised:
        read_table("\r\n".join(lines).encode(), "quote.csv")
    assert "field larger" not in str(raised.value)
    assert "二重引用符" in str(raised.value)


def test_a_quoted_cell_over_several_lines_is_still_one_cell():
    rows = read_table('a,note\r\n1,"一行目\r\n二行目"\r\n2,x\r\n'.encode(), "x.csv")
    assert rows[1:] == [["1", "一行目\r\n二行目"], ["2", "x"]]


def test_an_xlsx_row_wider_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_COLUMNS", 5)
    with pytest.raises(ImportFileError, match="2 行目の列が多すぎます"):
        read_table(xlsx([["a", "b"], [1, 2, None, None, None, None, "x"]]), "w.xlsx")
    assert read_table(xlsx([["a", "b"], [1, 2, None, None, None, None, None]]), "w.xlsx")[1] == [1, 2]


def test_an_xlsx_cell_longer_than_the_limit_is_refused():
    with pytest.raises(ImportFileError, match="2 行目.*長すぎます"):
        read_table(xlsx([["a"], ["x" * (tabular.MAX_CELL_CHARS + 1)]]), "l.xlsx")


def _with_cell_value(data, ref, text):
    """The workbook with the numeric cell `ref` holding `text` as Excel would write NaN or INF."""
    source, target = io.BytesIO(data), io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            content = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                before, after = f'<c r="{ref}" t="n"><v>1</v>', f'<c r="{ref}" t="n"><v>{text}</v>'
                content = content.replace(before.encode(), after.encode())
            zout.writestr(item, content)
    return target.getvalue()


@pytest.mark.parametrize("text", ["NaN", "INF", "-Infinity"])
def test_an_xlsx_numeric_nan_or_infinity_is_refused_with_row_and_column(text):
    data = _with_cell_value(xlsx([["indicator_id", "value"], ["S1", 2], ["S2", 1]]), "B3", text)
    with pytest.raises(ImportFileError) as raised:
        read_table(data, "nan.xlsx")
    message = str(raised.value)
    assert "3 行目" in message and "value" in message and "B3" in message


def test_an_upload_over_the_cap_is_refused_with_its_true_size(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 1024 * 1024)
    upload = SimpleUploadedFile("big.csv", b"a" * (50 * 1024 * 1024), "text/csv")
    reads = []
    original = upload.file.read

    def counting_read(size=-1):
        chunk = original(size)
        reads.append(len(chunk))
        return chunk

    monkeypatch.setattr(upload.file, "read", counting_read)
    with pytest.raises(ImportFileError, match=r"（50\.0 MB）.*1 MB 以下"):
        read_upload(upload)
    assert sum(reads) <= 2 * 1024 * 1024  # stopped past the cap, not read to the end


def test_an_upload_within_the_cap_is_read_whole():
    upload = SimpleUploadedFile("ok.csv", b"a,b\r\n1,2\r\n", "text/csv")
    assert read_upload(upload) == b"a,b\r\n1,2\r\n"
