import io
import json
import struct
import warnings
import zipfile

import numpy as np
import pytest

from rnn import TrainConfig, init_params, weights

good = init_params(4, np.random.RandomState(0))
GOOD_CONFIG = TrainConfig(hidden=4, seed=3)

# offsets of fields in a zip local file header ("PK\3\4") and central directory entry ("PK\1\2")
LOCAL, CENTRAL = b"PK\x03\x04", b"PK\x01\x02"
FIELDS = {"flags": (6, 8, "<H"), "method": (8, 10, "<H"), "crc": (14, 16, "<I"),
          "compressed_size": (18, 20, "<I"), "size": (22, 24, "<I")}  # local, central, format
NAME_AT = {LOCAL: 30, CENTRAL: 46}


def npz_bytes(**arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def compressed(**arrays):
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def raw_npy(header, data=b"", version=b"\x01\x00"):
    """An .npy file with the header text written as given (NumPy's writer would refuse most)."""
    text = header.encode("latin1")
    text += b" " * (-(10 + len(text) + 1) % 64) + b"\n"
    return b"\x93NUMPY" + version + struct.pack("<H", len(text)) + text + data


def declared(shape, descr="<f8", data=b"0" * 64, fortran=False):
    return raw_npy(f"{{'descr': {descr!r}, 'fortran_order': {fortran}, 'shape': {shape}, }}", data)


def members(**replaced):
    """The members of a valid file (4 hidden units, configuration GOOD_CONFIG), some replaced."""
    files = {"synapse_0.npy": npy(good.synapse_0), "synapse_h.npy": npy(good.synapse_h),
             "synapse_1.npy": npy(good.synapse_1),
             "config.npy": npy(np.array(json.dumps(GOOD_CONFIG.as_dict())))}
    files.update({f"{name}.npy": data for name, data in replaced.items()})
    return list(files.items())


def archive(entries, method=zipfile.ZIP_STORED):
    """A zip of (name, bytes) entries, written as given, repeated names included."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of a repeated name
        with zipfile.ZipFile(buffer, "w", method) as file:
            for name, data in entries:
                file.writestr(name, data)
    return buffer.getvalue()


def valid(**replaced):
    return archive(members(**replaced))


def patched(data, member, **values):
    """`data` with fields of `member`'s local header and central directory entry overwritten."""
    data, name = bytearray(data), member.encode()
    for signature in (LOCAL, CENTRAL):
        at = data.find(signature)
        while at != -1:
            if data[at + NAME_AT[signature]:].startswith(name):
                for field, value in values.items():
                    local, central, form = FIELDS[field]
                    struct.pack_into(form, data, at + (local if signature == LOCAL else central),
                                     value)
            at = data.find(signature, at + 1)
    return bytes(data)


def config_member(value):
    return npy(np.array(value))


def test_round_trip():
    """Saved weights and configuration load back unchanged."""
    params, config = init_params(5, np.random.RandomState(1)), TrainConfig(hidden=5, seed=3)
    loaded, loaded_config = weights.load(weights.to_npz_bytes(params, config))
    np.testing.assert_array_equal(loaded.synapse_h, params.synapse_h)
    assert loaded_config == config


def test_reads_a_binary_file_object():
    """A binary file object is read like its bytes."""
    params, config = weights.load(io.BytesIO(valid()))
    np.testing.assert_array_equal(params.synapse_0, good.synapse_0)
    assert config == GOOD_CONFIG


@pytest.mark.parametrize("data, reason", [
    (b"not a zip", "unreadable"),
    (npz_bytes(synapse_0=good.synapse_0), "missing"),
    (npz_bytes(synapse_0=good.synapse_0, synapse_h=good.synapse_h,
               synapse_1=np.zeros((5, 1))), "shape"),
    (npz_bytes(synapse_0=good.synapse_0, synapse_h=good.synapse_h.astype(np.int64),
               synapse_1=good.synapse_1), "dtype"),
    (npz_bytes(synapse_0=good.synapse_0 * np.nan, synapse_h=good.synapse_h,
               synapse_1=good.synapse_1), "not_finite"),
    (npz_bytes(synapse_0=np.array([object()], dtype=object), synapse_h=good.synapse_h,
               synapse_1=good.synapse_1), "dtype"),
    (compressed(synapse_0=good.synapse_0, synapse_h=np.zeros((2000, 2000)),
                synapse_1=good.synapse_1), "too_big"),
    (valid(synapse_h=declared((100_000, 100_000))), "shape"),
    (b"x" * (weights.MAX_FILE_BYTES + 1), "too_big"),
], ids=["garbage", "missing", "shape", "dtype", "nan", "pickle", "zip-bomb", "huge-header",
         "too-big"])
def test_bad_files_refused(data, reason):
    """Every bad or hostile file is refused with its reason, never unpickled."""
    with pytest.raises(weights.WeightsError) as caught:
        weights.load(data)
    assert caught.value.reason == reason


def bzip2_member():
    entries = members()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as file:
        for name, data in entries:
            method = zipfile.ZIP_BZIP2 if name == "synapse_h.npy" else zipfile.ZIP_STORED
            file.writestr(name, data, compress_type=method)
    return buffer.getvalue()


def broken_deflate():
    """synapse_h deflated, its compressed data starting with an invalid deflate block."""
    data = archive(members(), zipfile.ZIP_DEFLATED)
    at = data.find(b"synapse_h.npy") + len("synapse_h.npy")  # its local header's name, then data
    return data[:at] + b"\xff" * 16 + data[at + 16:]


def long_double(value):
    return npy(np.full((4, 4), np.longdouble(value)))


TOO_MANY_NUMBERS = f"synapse_h claims more than {weights.MAX_MEMBER_BYTES} bytes of numbers"
HOSTILE = {  # id: (file, reason, exact message)
    "shape-of-booleans": (valid(synapse_h=declared("(True, True)", data=b"\0" * 8)), "shape",
                          "synapse_h has a shape that is not two whole numbers"),
    "negative-sizes": (valid(synapse_h=declared((-4, -4), data=b"\0" * 128)), "shape",
                       "synapse_h has a shape that is not two whole numbers"),
    "sizes-beyond-int64": (valid(synapse_h=declared((10**20, 10**20))), "shape",
                           TOO_MANY_NUMBERS),
    "sizes-wrapping-to-0": (valid(synapse_h=declared((2**32, 2**32))), "shape", TOO_MANY_NUMBERS),
    "a-zero-beside-a-huge-size": (valid(synapse_h=declared((0, 2**63), data=b"")), "shape",
                                  TOO_MANY_NUMBERS),
    "three-dimensions": (valid(synapse_h=npy(np.zeros((4, 4, 1)))), "shape",
                         "synapse_h has 3 dimensions instead of 2"),
    "unhashable-header": (valid(synapse_h=raw_npy("{[1]: 2}", b"\0" * 128)), "unreadable",
                          "synapse_h does not begin with a valid .npy header"),
    "bad-descr": (valid(synapse_h=declared((4, 4), descr=[("a", "<f8", "x")])), "unreadable",
                  "synapse_h does not begin with a valid .npy header"),
    "npy-version-3": (valid(synapse_h=raw_npy("{'descr': '<f8', 'fortran_order': False, "
                                              "'shape': (4, 4), }", b"\0" * 128, b"\x03\x00")),
                      "unreadable", "synapse_h is .npy version 3.0, not 1.0 or 2.0"),
    "data-shorter-than-header": (valid(synapse_h=npy(good.synapse_h)[:-8]), "unreadable",
                                 "synapse_h holds 120 bytes of numbers where its header declares "
                                 "128"),
    "data-longer-than-header": (valid(synapse_h=npy(good.synapse_h) + b"\0" * 8), "unreadable",
                                "synapse_h holds 136 bytes of numbers where its header declares "
                                "128"),
    "compression-method-99": (patched(valid(), "synapse_h.npy", method=99), "unreadable",
                              "synapse_h is compressed with method 99, not stored or deflated"),
    "bzip2": (bzip2_member(), "unreadable",
              "synapse_h is compressed with method 12, not stored or deflated"),
    "encrypted": (patched(valid(), "synapse_1.npy", flags=1), "unreadable",
                  "synapse_1 is encrypted"),
    "strongly-encrypted": (patched(valid(), "synapse_1.npy", flags=0x40), "unreadable",
                           "synapse_1 is encrypted"),
    "patch-data": (patched(valid(), "synapse_1.npy", flags=0x20), "unreadable",
                   "synapse_1 is stored as a patch"),
    "bad-crc": (patched(valid(), "synapse_h.npy", crc=12345), "unreadable",
                "synapse_h is damaged and cannot be unpacked"),
    "invalid-deflate": (broken_deflate(), "unreadable",
                        "synapse_h is damaged and cannot be unpacked"),
    "size-beyond-data": (patched(valid(), "synapse_h.npy", size=5000, compressed_size=5000),
                         "unreadable", "synapse_h is damaged and cannot be unpacked"),
    "claimed-size-too-big": (patched(valid(), "synapse_h.npy", size=10**9), "too_big",
                             "synapse_h unpacks to 1000000000 bytes"),
    "truncated-file": (valid()[:700], "unreadable",
                       "not a complete zip archive, as an .npz file is"),
    "repeated-member": (archive(members() + [("synapse_h.npy", npy(good.synapse_h * 2))]),
                        "unreadable", "synapse_h appears more than once in the file"),
    "too-many-members": (archive(members() + [(f"x{i}.npy", b"") for i in range(13)]),
                         "unreadable", f"more than {weights.MAX_MEMBERS} members in the file"),
    "member-in-a-folder": (archive([("weights/synapse_h.npy", npy(good.synapse_h)) if name ==
                                    "synapse_h.npy" else (name, data)
                                    for name, data in members()]),
                           "missing", "missing arrays: synapse_h"),
    "long-double-beyond-float64": (valid(synapse_h=long_double("1e400")), "not_finite",
                                   "synapse_h holds NaN or infinite values"),
    "complex": (valid(synapse_h=npy(good.synapse_h.astype(complex))), "dtype",
                "synapse_h must hold floating-point numbers"),
    "structured": (valid(synapse_h=npy(np.zeros((4, 4), dtype=[("x", "<f8")]))), "dtype",
                   "synapse_h must hold floating-point numbers"),
}


@pytest.mark.parametrize("data, reason, message", HOSTILE.values(), ids=HOSTILE)
def test_hostile_files_refused_with_a_plain_reason(data, reason, message):
    """Each class of damaged or hostile file raises WeightsError with its reason and message."""
    with pytest.raises(weights.WeightsError) as caught:
        weights.load(data)
    assert (caught.value.reason, str(caught.value)) == (reason, message)


def test_messages_quote_nothing_of_the_file():
    """A header full of odd bytes is refused in a sentence that does not repeat them."""
    odd = raw_npy("{'descr': '\x07\x1b[31m<script>', 'fortran_order': False, 'shape': (4, 4), }",
                  b"\0" * 128)
    with pytest.raises(weights.WeightsError) as caught:
        weights.load(valid(synapse_h=odd))
    assert str(caught.value) == "synapse_h does not begin with a valid .npy header"


def test_reasons_are_a_fixed_set():
    """A reason outside REASONS cannot be raised: the app has a message for each."""
    assert weights.REASONS == ("too_big", "unreadable", "missing", "dtype", "not_finite", "shape")
    with pytest.raises(ValueError, match="unknown reason 'other'"):
        weights.WeightsError("other", "a message")


@pytest.mark.parametrize("array", [
    good.synapse_h.astype(">f8"), good.synapse_h.astype(np.float16),
    good.synapse_h.astype(np.float32), good.synapse_h.astype(np.longdouble),
    np.asfortranarray(good.synapse_h),
], ids=["big-endian", "float16", "float32", "long-double", "fortran-order"])
def test_other_float_layouts_load_as_float64(array):
    """Floats of any width, byte order or memory order load as C-ordered float64, same values."""
    params, _ = weights.load(valid(synapse_h=npy(array)))
    loaded = params.synapse_h
    assert loaded.dtype == np.float64 and loaded.flags.c_contiguous and loaded.flags.writeable
    np.testing.assert_array_equal(loaded, array.astype(np.float64))


def test_compressed_files_load():
    """np.savez_compressed output (deflate) loads."""
    data = archive(members(), zipfile.ZIP_DEFLATED)
    params, config = weights.load(data)
    np.testing.assert_array_equal(params.synapse_1, good.synapse_1)
    assert config == GOOD_CONFIG


def too_long_config():
    return json.dumps(GOOD_CONFIG.as_dict()) + " " * weights.MAX_CONFIG_CHARS


CONFIGS = {  # id: a file whose weights are good and whose configuration is not
    "json-nested-5000-lists": valid(config=config_member("[" * 5000)),
    "json-nested-5000-objects": valid(config=config_member('{"a": ' * 5000)),
    "header-claims-10**12-strings": valid(config=declared((10**12,), descr="<U10")),
    "not-0-d": valid(config=config_member([json.dumps(GOOD_CONFIG.as_dict())])),
    "not-unicode": valid(config=npy(np.array(json.dumps(GOOD_CONFIG.as_dict()).encode()))),
    "longer-than-bound": valid(config=config_member(too_long_config())),
    "json-list": valid(config=config_member("[1, 2]")),
    "json-number": valid(config=config_member("16")),
    "wrong-type": valid(config=config_member(json.dumps({**GOOD_CONFIG.as_dict(), "bits": "8"}))),
    "out-of-range": valid(config=config_member(json.dumps({**GOOD_CONFIG.as_dict(),
                                                           "alpha": -1}))),
    "unknown-field": valid(config=config_member(json.dumps({**GOOD_CONFIG.as_dict(),
                                                            "colour": "red"}))),
    "missing-field": valid(config=config_member(json.dumps({"hidden": 4}))),
    "other-hidden": valid(config=config_member(json.dumps({**GOOD_CONFIG.as_dict(),
                                                           "hidden": 5}))),
    "damaged": patched(valid(), "config.npy", crc=1),
}


@pytest.mark.parametrize("data", CONFIGS.values(), ids=CONFIGS)
def test_a_bad_configuration_is_dropped(data):
    """A configuration that is hostile, malformed or does not fit the arrays gives None."""
    params, config = weights.load(data)
    np.testing.assert_array_equal(params.synapse_h, good.synapse_h)
    assert config is None
