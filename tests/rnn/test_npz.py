"""The one hardened .npz reader (rnn.npz): what it refuses that np.load lets through, each refusal
an NpzError of kind "too_big" or "unreadable" with a plain message."""
import io
import tracemalloc
import zipfile

import numpy as np
import pytest

from rnn import npz
from tests.rnn.test_weights import archive, npy, patched, raw_npy

ZEROS = npy(np.zeros((4, 4)))  # 128 bytes of numbers
BOMB_BYTES = 32 * 2**20


def opened(entries):
    """The archive of `entries` as rnn.npz opens it for a caller that knows member a.npy."""
    return npz.open_zip(archive(entries), 2**20, 16, ("a",))


def read(data, name="a", methods=(npz.STORED,), max_bytes=2**20):
    """Member `name`.npy of `data`, read and parsed at generous bounds."""
    zip_file, members = npz.open_zip(data, 2**30, 16, (name,))
    return npz.parse_npy(npz.read_member(zip_file, members[f"{name}.npy"], name, max_bytes,
                                         methods), name)


def refusal(call, *args, **kwargs):
    with pytest.raises(npz.NpzError) as caught:
        call(*args, **kwargs)
    return caught.value.kind, str(caught.value)


def bzip2_bomb():
    """An .npz whose one member, a.npy, is BOMB_BYTES of zeros after the .npy magic, bzip2ed into
    a few hundred bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as file:
        with file.open("a.npy", "w") as member:
            member.write(b"\x93NUMPY")
            for _ in range(BOMB_BYTES // 2**20):
                member.write(bytes(2**20))
    return buffer.getvalue()


def peak_bytes(call):
    """The most memory Python held at once while `call()` ran, whatever it raised."""
    tracemalloc.start()
    try:
        call()
    except Exception:
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_np_load_alone_reads_what_this_module_refuses():
    """What the module's docstring says of np.load, as it is: of a name twice it reads the last,
    bytes after the data go unread and their CRC unchecked, and a bzip2 member of a few hundred
    bytes takes its whole unpacked size in memory before the first bytes are looked at."""
    twice = archive([("a.npy", npy(np.zeros(2))), ("a.npy", npy(np.ones(2)))])
    assert np.load(io.BytesIO(twice))["a"].tolist() == [1, 1]
    trailing = archive([("a.npy", npy(np.zeros(2)) + b"x" * 10_000)])
    assert np.load(io.BytesIO(patched(trailing, "a.npy", crc=1)))["a"].tolist() == [0, 0]
    bomb = bzip2_bomb()
    assert len(bomb) < 1000
    assert peak_bytes(lambda: np.load(io.BytesIO(bomb))["a"]) > BOMB_BYTES
    assert refusal(opened, [("a.npy", ZEROS), ("a.npy", ZEROS)])[1] == \
        "a appears more than once in the file"
    assert refusal(read, patched(trailing, "a.npy", crc=1)) == \
        ("unreadable", "a is damaged and cannot be unpacked")
    assert peak_bytes(lambda: read(bomb, max_bytes=2 * BOMB_BYTES)) < 2**20
    assert refusal(read, bomb, max_bytes=2 * BOMB_BYTES) == \
        ("unreadable", "a is compressed with method 12, not stored")


def test_bounds_on_the_archive():
    """At most the caller's bytes (nothing read beyond), members, and no name twice, one the
    caller does not know included (then not named: it is the file's)."""
    data = archive([("a.npy", ZEROS)])
    assert refusal(npz.open_zip, data, len(data) - 1, 16) == \
        ("too_big", f"the file is larger than {len(data) - 1} bytes")
    assert refusal(npz.open_zip, data + b"\0", len(data), 16)[0] == "too_big"
    assert refusal(opened, [(f"{i}.npy", ZEROS) for i in range(17)]) == \
        ("unreadable", "more than 16 members in the file")
    assert refusal(opened, [("a.npy", ZEROS), ("\x1b[31m.npy", ZEROS), ("\x1b[31m.npy", ZEROS)]) \
        == ("unreadable", "a member appears more than once in the file")
    assert refusal(npz.open_zip, b"PK\x03\x04 and then no zip", 100, 16) == \
        ("unreadable", "not a complete zip archive, as an .npz file is")


def test_the_methods_are_the_callers():
    """A deflated member is read where the caller allows it (weights), refused where it does not
    (archives)."""
    data = archive([("a.npy", ZEROS)], zipfile.ZIP_DEFLATED)
    shape, fortran_order, dtype, numbers = read(data, methods=(npz.STORED, npz.DEFLATED))
    assert (shape, fortran_order, dtype, numbers) == ((4, 4), False, np.dtype("<f8"), bytes(128))
    assert refusal(read, data) == ("unreadable", "a is compressed with method 8, not stored")


def test_a_member_is_checked_before_it_is_unpacked():
    """Its unpacked size within the caller's bound, neither encrypted nor a patch, a stored
    member's two sizes equal (zipfile would read as many bytes as the unpacked size says, with
    their CRC, and ignore the rest)."""
    data = archive([("a.npy", ZEROS)])
    assert refusal(read, data, max_bytes=len(ZEROS) - 1) == \
        ("too_big", f"a unpacks to {len(ZEROS)} bytes")
    assert read(data, max_bytes=len(ZEROS))[0] == (4, 4)
    for flags, refused in ((0x1, "is encrypted"), (0x40, "is encrypted"),
                           (0x20, "is stored as a patch")):
        assert refusal(read, patched(data, "a.npy", flags=flags)) == ("unreadable", f"a {refused}")
    longer = archive([("a.npy", ZEROS + b"x" * 8)])
    claimed = patched(longer, "a.npy", size=len(ZEROS), crc=zipfile.crc32(ZEROS))
    assert refusal(read, claimed) == ("unreadable", "a is damaged and cannot be unpacked")


def header(shape, descr="<f8"):
    return f"{{'descr': {descr!r}, 'fortran_order': False, 'shape': {shape}, }}"


@pytest.mark.parametrize("member, message", [
    (raw_npy(header("(True, 4)"), bytes(32)), "a has a shape that is not whole numbers"),
    (raw_npy(header("(-4, -4)"), bytes(128)), "a has a shape that is not whole numbers"),
    (ZEROS[:-8], "a holds 120 bytes of numbers where its header declares 128"),
    (ZEROS + bytes(8), "a holds 136 bytes of numbers where its header declares 128"),
    (raw_npy(header((2**62, 2**62))),
     f"a holds 0 bytes of numbers where its header declares more than {2**63}"),
    (raw_npy(header((4, 4)), bytes(128), b"\x03\x00"), "a is .npy version 3.0, not 1.0 or 2.0"),
    (raw_npy(header((4, 4), "\x1b[31m<script>"), bytes(128)),
     "a does not begin with a valid .npy header"),
], ids=["a-boolean-size", "negative-sizes", "short-data", "long-data", "a-huge-declared-size",
        "version-3", "odd-bytes-in-the-header"])
def test_npy_headers_are_checked(member, message):
    """Version 1.0 or 2.0, sizes plain non-negative ints (True is not one), the data exactly as
    long as they declare; the message quotes no text of the file and stays short."""
    assert refusal(read, archive([("a.npy", member)])) == ("unreadable", message)


def test_the_callers_check_comes_first():
    """`check` sees the header before the sizes and the data's length are checked, and what it
    raises leaves parse_npy as it is."""
    seen = []

    def check(shape, fortran_order, dtype):
        seen.append((shape, fortran_order, dtype))
        raise KeyError("the caller's own refusal")
    with pytest.raises(KeyError):
        npz.parse_npy(raw_npy(header("(True, -1)"), b"x"), "a", check)
    assert seen == [((True, -1), False, np.dtype("<f8"))]


class Unpickled:
    """Unpickling one records it."""
    log = []

    def __reduce__(self):
        return (Unpickled.log.append, ("unpickled",))


def test_an_object_array_is_never_unpickled():
    """An object dtype is only a dtype: the pickle after the header is never loaded."""
    member = npy_pickled(np.array([Unpickled()], dtype=object))
    assert refusal(npz.parse_npy, member, "a")[0] == "unreadable"
    assert Unpickled.log == []


def npy_pickled(array):
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()
