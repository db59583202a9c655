"""XPath as ODK evaluates it: XPath 1.0 comparisons and arithmetic, and the XForms functions the forms use."""

import math
import xml.etree.ElementTree as ET

import pytest

from fcatlas.survey.xpath import XPathError, boolean, evaluate, parse, string

DOCUMENT = ET.ElementTree(ET.fromstring(
    "<data><a>5</a><b>mvc bvc</b><empty/><d>2020-02-29</d>"
    "<r><n>A</n><v>1</v></r><r><n>B</n><v>2</v></r></data>"))


def at(path: str):
    return DOCUMENT.getroot().find(path)


@pytest.mark.parametrize("expression, expected", [
    ("/data/a = 5", True),            # a node compared with a number compares numbers (XPath 1.0 §3.4)
    ("/data/a = '5'", True),
    ("/data/a != 5", False),
    ("/data/empty > 0", False),       # '' is NaN: every comparison but != is false, no error
    ("/data/empty = ''", True),
    ("/data/missing = ''", False),    # an empty node-set equals nothing
    ("/data/r/v = 2", True),          # some node of the set
    ("/data/empty + 1", math.nan),
    ("/data/a div 0", math.inf),
    ("-/data/a", -5.0),
    ("selected(/data/b, 'bvc')", True),
    ("selected(/data/b, 'bv')", False),
    ("count-selected(/data/b)", 2),
    ("if(/data/a > 3, 'många', 'få')", "många"),
    ("coalesce(/data/empty, 'standard')", "standard"),
    ("regex(/data/b, '^mvc')", True),
    ("decimal-date-time(/data/d)", 18321.0),
    ("decimal-date-time(/data/d) <= decimal-date-time(today())", True),
    ("int(-7.9)", -7.0),
    ("sum(/data/r/v)", 3.0),
    ("count(/data/r)", 2),
])
def test_expressions_evaluate_as_in_odk(expression, expected):
    value = evaluate(expression, DOCUMENT)
    if isinstance(expected, float) and math.isnan(expected):
        assert math.isnan(value)
    else:
        assert value == expected


def test_dot_and_current_are_the_node_being_checked_also_inside_a_repeat():
    second = at("r[2]/v")
    assert evaluate(". > 1", DOCUMENT, second) is True
    assert string(evaluate("../n", DOCUMENT, second)) == "B"
    assert string(evaluate("current()/../n", DOCUMENT, second)) == "B"
    assert evaluate("concat('current()', 1)", DOCUMENT) == "current()1"  # not inside a string


def test_string_and_boolean_follow_xpath_1():
    assert string(evaluate("/data/a * 2", DOCUMENT)) == "10"
    assert string(evaluate("1 div 4", DOCUMENT)) == "0.25"
    assert boolean(evaluate("/data/missing", DOCUMENT)) is False
    assert boolean(evaluate("/data/empty", DOCUMENT)) is True


@pytest.mark.parametrize("expression, words", [
    (". > 0 and and . < 5", "inte giltig XPath"),
    ("okand-funktion(1)", "okänd funktion okand-funktion"),
])
def test_an_expression_that_is_not_xpath_is_refused_in_swedish(expression, words):
    with pytest.raises(XPathError, match=words):
        parse(expression)
