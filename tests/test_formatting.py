from fcatlas.formatting import format_distance, format_number, format_percent

NBSP = "\u00a0"


def test_numbers_have_a_space_between_thousands_and_a_decimal_comma():
    assert format_number(1234) == f"1{NBSP}234"
    assert format_number(1234567.25, decimals=1) == f"1{NBSP}234{NBSP}567,2"
    assert format_number(7) == "7"


def test_distances_say_their_unit():
    assert [format_distance(d) for d in (800, 1_000, 1_500, 2_000, 4_923.61, 21_489.2, 12_345_678)] == [
        f"800{NBSP}m", f"1{NBSP}km", f"1,5{NBSP}km", f"2{NBSP}km", f"4,9{NBSP}km", f"21,5{NBSP}km", f"12{NBSP}345,7{NBSP}km"]


def test_percentages_have_a_space_before_the_sign():
    assert format_percent(0.346) == f"35{NBSP}%"
    assert format_percent(0.345, 1) == f"34,5{NBSP}%"
