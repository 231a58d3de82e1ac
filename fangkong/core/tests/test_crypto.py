from django.test import override_settings

from fangkong.core import crypto


def test_encryption_round_trips_and_is_randomised():
    a, b = crypto.encrypt("11010519491231002X"), crypto.encrypt("11010519491231002X")
    assert a != b
    assert "11010519491231002X" not in a
    assert crypto.decrypt(a) == crypto.decrypt(b) == "11010519491231002X"


def test_blind_index_is_keyed_and_separates_kinds():
    h = crypto.blind_index("id", "11010519491231002X")
    assert h == crypto.blind_index("id", "11010519491231002X")
    assert h != crypto.blind_index("phone", "11010519491231002X")
    with override_settings(FANGKONG_DATA_KEY="another-key-entirely-different-0123456789"):
        assert crypto.blind_index("id", "11010519491231002X") != h


def test_another_key_cannot_decrypt():
    token = crypto.encrypt("13812345678")
    with override_settings(FANGKONG_DATA_KEY="another-key-entirely-different-0123456789"):
        try:
            crypto.decrypt(token)
        except Exception as exc:  # cryptography's InvalidTag
            assert type(exc).__name__ == "InvalidTag"
        else:
            raise AssertionError("decrypted with the wrong key")
