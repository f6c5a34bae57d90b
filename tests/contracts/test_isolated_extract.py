"""A contract file is read in a child process held to CPU, memory and wall-time limits, with bounds on its XML."""

import time

import pytest

from registry.services.contract_files import ContractFileError, ParseLimits, extract, extract_isolated
from tests.contracts.bombs import docx_with_xml

# Bounds out of the way, so that what stops the reading is the child's limit under test.
NO_XML_BOUNDS = {"xml_part_bytes": 1 << 30, "xml_elements": 10**9}


def test_a_normal_docx_reads_the_same_in_the_child_as_in_process():
    data = docx_with_xml(0.05)
    assert extract_isolated(data) == extract(data)


def test_an_xml_part_past_its_bound_is_refused_before_any_parser_reads_it():
    started = time.monotonic()
    with pytest.raises(ContractFileError, match=r"The part word/document.xml of the document is larger than 32 MiB"):
        extract(docx_with_xml(95))
    assert time.monotonic() - started < 5


def test_too_many_xml_elements_are_refused_by_a_count_that_builds_no_tree():
    with pytest.raises(ContractFileError, match="more than 20,000 XML elements"):
        extract(docx_with_xml(1), ParseLimits(xml_elements=20_000))


def test_the_child_is_held_to_its_memory_limit():
    with pytest.raises(ContractFileError, match="more than the 100 MiB of memory allowed"):
        extract_isolated(docx_with_xml(16), ParseLimits(xml_elements=10**8, memory_bytes=100 << 20))


def test_the_child_is_held_to_its_processor_time():
    started = time.monotonic()
    with pytest.raises(ContractFileError, match="more than 1 seconds of processor time"):
        extract_isolated(docx_with_xml(16), ParseLimits(xml_elements=10**8, cpu_seconds=1, memory_bytes=4 << 30))
    assert time.monotonic() - started < 30


def test_the_child_is_stopped_at_its_wall_time():
    started = time.monotonic()
    with pytest.raises(ContractFileError, match="took longer than 0.5 seconds"):
        extract_isolated(docx_with_xml(95), ParseLimits(**NO_XML_BOUNDS, timeout_seconds=0.5, memory_bytes=4 << 30))
    assert time.monotonic() - started < 5
