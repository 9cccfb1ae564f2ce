"""Reading filings in any encoding, and `kg parse` on good and bad input."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import FilingError
from kg.parsing import parse_bytes
from kg.paths import SAMPLE_FILINGS_DIR
from kg.reading import normalise_line, source_from_bytes

SAMPLES = sorted(SAMPLE_FILINGS_DIR.glob("*.txt"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name[:3])
def test_every_encoding_variant_parses_to_the_identical_record(sample):
    text = sample.read_text("utf-8")
    reference = parse_bytes(text.encode("utf-8"), sample.name).content_dict()
    variants = {
        "gb18030": text.encode("gb18030"),
        "gbk+crlf": text.replace("\n", "\r\n").encode("gb18030"),
        "utf-8 bom+crlf": b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"),
    }
    for name, data in variants.items():
        assert parse_bytes(data, sample.name).content_dict() == reference, name


def test_full_width_digits_and_markup_normalise():
    assert normalise_line("合计１２７．６２万元，增长４．９５％[bookmark: _GoBack]") == "合计127.62万元，增长4.95%"
    assert normalise_line("１，２３４．５６元，比上年") == "1,234.56元，比上年"  # prose commas stay


def test_a_full_width_filing_gives_the_same_figures():
    sample = SAMPLE_FILINGS_DIR / "000_874f18751ad5cfa1.txt"
    text = sample.read_text("utf-8")
    wide = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert parse_bytes(wide.encode("utf-8"), sample.name).content_dict() == parse_bytes(text.encode("utf-8"), sample.name).content_dict()


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"   \n\r\n", "empty"),
    (bytes(range(256)) * 4, "binary"),
])
def test_unreadable_bytes_are_filing_errors(data, message):
    with pytest.raises(FilingError, match=message):
        source_from_bytes(data, "x.txt")


def test_kg_parse_json_is_the_typed_record():
    result = CliRunner().invoke(main, ["parse", "--format", "json", str(SAMPLE_FILINGS_DIR / "003_1a17e53dc63c4bde.txt")])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert (record["year"], record["kind"], record["department"]) == (2019, "budget", "北京市西城区政务服务管理办公室")
    assert [t["number"] for t in record["tables"]] == list(range(1, 13))
    malformed = [p for p in record["problems"] if p["kind"] == "malformed_amount"]
    assert {"line": 91, "text": "498,64,180.90"}.items() <= malformed[0].items()


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    (b"", "the file is empty"),
    (b"\x00\x01\x02\x03binary", "binary"),
    ("会议纪要：今天讨论了绿化工作。".encode("gb18030"), "not a budget filing"),
])
def test_kg_parse_bad_files_one_line_exit_1(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    if content is not None:
        path.write_bytes(content)
    result = CliRunner().invoke(main, ["parse", str(path)])
    assert result.exit_code == 1
    assert message in result.output and "bad.txt" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_kg_parse_usage_error_exit_2():
    assert CliRunner().invoke(main, ["parse"]).exit_code == 2
    assert CliRunner().invoke(main, ["parse", "--format", "xml", str(SAMPLES[0])]).exit_code == 2
