"""How deeply a message nests is judged from its raw text, as a JSON parser would see it."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transport.security import NestedTooDeep
from transport.security import NestingLimitedJSON
from transport.security import nests_deeper_than

# Strings full of what could fool a bracket counter: brackets, quotes, backslashes.
tricky_text = st.text(alphabet='[]{}"\\ax\n\u00e9', max_size=12)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | tricky_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(tricky_text, inner, max_size=4),
    max_leaves=40,
)


def depth_of(value) -> int:
    if isinstance(value, list):
        return 1 + max((depth_of(item) for item in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth_of(item) for item in value.values()), default=0)
    return 0


@given(json_values, st.booleans())
def test_the_judged_depth_is_the_parsed_depth(value, ascii_only):
    text = json.dumps(value, ensure_ascii=ascii_only)
    depth = depth_of(value)
    assert not nests_deeper_than(text, depth)
    if depth:
        assert nests_deeper_than(text, depth - 1)


def test_brackets_inside_strings_do_not_count():
    text = json.dumps({"word": "[" * 500 + '\\"{' * 200})
    assert not nests_deeper_than(text, 1)


@pytest.mark.parametrize("depth", [33, 3000, 5000])
def test_the_codec_refuses_deep_text_with_a_value_error(depth):
    codec = NestingLimitedJSON(max_depth=32)
    with pytest.raises(NestedTooDeep):
        codec.loads("[" * depth + "]" * depth)
    with pytest.raises(ValueError):  # what engine.io and socket.io treat as a bad message
        codec.loads("{" + '"a":{' * depth)


def test_the_codec_reads_ordinary_messages_as_engine_io_does():
    codec = NestingLimitedJSON(max_depth=32)
    message = ["respond", {"prompt_id": "feel", "value": ["a", "[b]"], "answer_id": "x" * 20}]
    assert codec.loads(codec.dumps(message)) == message
    assert codec.loads("[" * 32 + "]" * 32) is not None
    with pytest.raises(ValueError):  # engine.io's own guard against huge integers stays
        codec.loads("1" * 200)
