"""A booking's id tag: random letters of an alphabet without look-alikes, each letter as likely as any other."""

from __future__ import annotations

from chargeshare_hub.bookings.creation import ID_TAG_ALPHABET, ID_TAG_PREFIX, ID_TAG_RANDOM, new_id_tag


def test_a_random_byte_picks_every_letter_equally_often() -> None:
    assert 256 % len(ID_TAG_ALPHABET) == 0


def test_id_tags_draw_on_the_whole_alphabet_after_the_prefix() -> None:
    tags = [new_id_tag() for _ in range(500)]

    assert all(tag.startswith(ID_TAG_PREFIX) and len(tag) == len(ID_TAG_PREFIX) + ID_TAG_RANDOM for tag in tags)
    assert set("".join(tag.removeprefix(ID_TAG_PREFIX) for tag in tags)) == set(ID_TAG_ALPHABET)
