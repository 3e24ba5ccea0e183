"""Hypothesis strategies shared by the standards tests."""

from __future__ import annotations

import datetime

from hypothesis import strategies as st

from rencai.standards.idnumber import PROVINCE_CODES, check_digit

#: Pinned "today" so generated birth dates never race the real clock.
TODAY = datetime.date(2024, 6, 30)

provinces = st.sampled_from(sorted(PROVINCE_CODES))
regions = st.builds(
    lambda province, rest: province + rest,
    provinces,
    st.text(alphabet="0123456789", min_size=4, max_size=4),
)
sequences = st.integers(min_value=0, max_value=999).map(lambda n: f"{n:03d}")


@st.composite
def valid_ids(draw: st.DrawFn) -> str:
    """An 18-character ID with a real province, real date and correct check digit."""
    region = draw(regions)
    born = draw(st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY))
    first17 = region + born.strftime("%Y%m%d") + draw(sequences)
    return first17 + check_digit(first17)


@st.composite
def legacy_ids(draw: st.DrawFn) -> str:
    """A 15-digit GB 11643-1989 number (YYMMDD, born 1900-1999)."""
    region = draw(regions)
    born = draw(
        st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(1999, 12, 31))
    )
    return region + born.strftime("%y%m%d") + draw(sequences)


mobiles = st.builds(
    lambda second, rest: "1" + second + rest,
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)
