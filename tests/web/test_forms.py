"""Form helpers: a form's key is taken back only if it is one of ours."""

from web import forms


def test_a_rendered_forms_key_comes_back_as_it_was() -> None:
    key = forms.new_key()
    assert forms.sent_key(key) == key


def test_a_tampered_or_missing_key_counts_as_none() -> None:
    for sent in ("", None, "x" * 500, "web-<script>", "short"):
        assert forms.sent_key(sent) is None
